from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from berkeleytime.caching import CachedJSONMixin
from catalog.api.views import COURSE_PATH
from enrollment import selectors

from .serializers import EnrollmentComparisonSerializer, EnrollmentSeriesSerializer, EnrollmentTermsSerializer


def _course(subject: str, number: str):
    course = selectors.find_course(subject, number)
    if course is None:
        raise NotFound(f"No course {subject[:40]} {number[:40]}.")
    return course


class EnrollmentView(CachedJSONMixin, APIView):
    """A course's enrollment over one term: enrolled and waitlisted per day, oldest
    first, with the term's phase dates. ``?term=`` picks the term (default: the
    latest with data). Any spelling of the code works."""

    cache_prefix = "enrollment"

    @extend_schema(
        parameters=[
            *COURSE_PATH,
            OpenApiParameter("term", OpenApiTypes.STR, description="Term slug like fall-2025 (default: latest)"),
            OpenApiParameter(
                "resolution",
                OpenApiTypes.STR,
                enum=["day", "snapshot"],
                description="day (default): a point per day; snapshot: also every change the SIS sync saw",
            ),
        ],
        responses=EnrollmentSeriesSerializer,
    )
    def get(self, request, subject: str, number: str):
        resolution = request.query_params.get("resolution", "day")
        if resolution not in ("day", "snapshot"):
            raise ValidationError({"resolution": ["day or snapshot."]})
        term = None
        if request.query_params.get("term"):
            try:
                term = selectors.term_for_selection(request.query_params["term"])
            except selectors.SelectionError as exc:
                raise ValidationError({"term": [str(exc)]}) from None
        series = selectors.enrollment_series(_course(subject, number), term, snapshots=resolution == "snapshot")
        return Response(EnrollmentSeriesSerializer(series).data)


class EnrollmentTermsView(CachedJSONMixin, APIView):
    """The terms with enrollment data for a course, most recent first."""

    cache_prefix = "enrollment-terms"

    @extend_schema(parameters=COURSE_PATH, responses=EnrollmentTermsSerializer)
    def get(self, request, subject: str, number: str):
        course = _course(subject, number)
        data = {"course": course, "terms": selectors.terms_with_enrollment(course)}
        return Response(EnrollmentTermsSerializer(data).data)


class EnrollmentCompareView(CachedJSONMixin, APIView):
    """Up to four selections side by side: ``?s=COMPSCI/61A/fall-2025&s=COMPSCI/61A/fall-2024``.
    A selection is SUBJECT/NUMBER/TERM, or SUBJECT/NUMBER for the latest term with data.
    An unknown course or term in a selection is a 400 naming ``s``."""

    cache_prefix = "enrollment-compare"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "s",
                OpenApiTypes.STR,
                many=True,
                required=True,
                description="Repeated, 1 to 4 times: SUBJECT/NUMBER/TERM, e.g. COMPSCI/61A/fall-2025",
                examples=[OpenApiExample("Two falls", value=["COMPSCI/61A/fall-2025", "COMPSCI/61A/fall-2024"])],
            )
        ],
        responses=EnrollmentComparisonSerializer,
    )
    def get(self, request):
        raw = request.query_params.getlist("s")
        if not raw:
            raise ValidationError({"s": ["give 1 to 4 selections like s=COMPSCI/61A/fall-2025."]})
        if len(raw) > selectors.API_MAX_SELECTIONS:
            raise ValidationError({"s": [f"at most {selectors.API_MAX_SELECTIONS} selections, got {len(raw)}."]})
        selections, errors = [], []
        for index, text in enumerate(raw, start=1):
            try:
                selections.append(selectors.series_for_selection(text))
            except selectors.SelectionError as exc:
                errors.append(f"selection {index}: {exc}")
        if errors:
            raise ValidationError({"s": errors})
        return Response(EnrollmentComparisonSerializer({"selections": selections}).data)
