from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from berkeleytime.caching import CachedJSONMixin
from catalog.api.views import COURSE_PATH
from enrollment import selectors as enrollment
from forecasts import selectors

from .serializers import ForecastAnswerSerializer


class ForecastView(CachedJSONMixin, APIView):
    """When a course is forecast to fill (reach its capacity) in the term being enrolled
    in: the median date with its phase, an 80% interval, the chance it fills at all, and
    what the forecast was made from; or, where a date would mislead, why there is none.
    ``?term=`` asks for a given term. Any spelling of the code works."""

    cache_prefix = "forecasts"

    @extend_schema(
        parameters=[
            *COURSE_PATH,
            OpenApiParameter("term", OpenApiTypes.STR, description="Term slug like fall-2026 (default: the latest)"),
        ],
        responses=ForecastAnswerSerializer,
    )
    def get(self, request, subject: str, number: str):
        term = None
        if request.query_params.get("term"):
            try:
                term = enrollment.term_for_selection(request.query_params["term"])
            except enrollment.SelectionError as exc:
                raise ValidationError({"term": [str(exc)]}) from None
        course = enrollment.find_course(subject, number)
        if course is None:
            raise NotFound(f"No course {subject[:40]} {number[:40]}.")
        return Response(ForecastAnswerSerializer(selectors.answer_for(course, term)).data)
