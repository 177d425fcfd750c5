from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from berkeleytime.caching import CachedJSONMixin
from catalog.api.views import COURSE_PATH
from enrollment.selectors import find_course
from waitlists import selectors
from waitlists.movement import HORIZON_DAYS

from .serializers import WaitlistOddsSerializer


def _integer(request, name: str, minimum: int, maximum: int, required: bool) -> int | None:
    text = request.query_params.get(name, "")
    if not text:
        if required:
            raise ValidationError({name: ["required: a whole number."]})
        return None
    if not text.isdigit() or not minimum <= int(text) <= maximum:
        raise ValidationError({name: [f"a whole number from {minimum} to {maximum}."]})
    return int(text)


class WaitlistOddsView(CachedJSONMixin, APIView):
    """The chance that a position on a course's waitlist clears by the end of the
    adjustment period, from how the course's waitlist moved in past terms after the
    same day, pooled with every course's through a fitted model; with the past terms
    it rests on. Too few past terms with a waitlist (or no dated phases): ``chance``
    is null and ``reason`` says why. Any spelling of the code works."""

    cache_prefix = "waitlist-odds"

    @extend_schema(
        parameters=[
            *COURSE_PATH,
            OpenApiParameter(
                "position",
                {"type": "integer", "minimum": 1, "maximum": selectors.MAX_POSITION},
                required=True,
                description=f"Your place on the waitlist, 1 to {selectors.MAX_POSITION}",
                examples=[OpenApiExample("40", value=40)],
            ),
            OpenApiParameter(
                "day",
                {"type": "integer", "minimum": 0, "maximum": HORIZON_DAYS - 1},
                description=f"Days after Phase 1 began, 0 to {HORIZON_DAYS - 1} (default: the latest day with data)",
            ),
        ],
        responses=WaitlistOddsSerializer,
    )
    def get(self, request, subject: str, number: str):
        position = _integer(request, "position", 1, selectors.MAX_POSITION, required=True)
        day = _integer(request, "day", 0, HORIZON_DAYS - 1, required=False)
        course = find_course(subject, number)
        if course is None:
            raise NotFound(f"No course {subject[:40]} {number[:40]}.")
        return Response(WaitlistOddsSerializer(selectors.odds(course, position, day)).data)
