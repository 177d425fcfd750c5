"""The schedules API: generating for anyone; a signed-in student's own schedules (anyone
else's, like an unknown id, is a 404); a shared schedule by its token, read-only."""

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Term
from schedules import services
from schedules.models import Schedule

from .serializers import (
    GenerateRequestSerializer,
    GenerateResponseSerializer,
    ScheduleSerializer,
    ScheduleWriteSerializer,
)

ERROR = OpenApiResponse(description="The body is invalid; errors names each field.")
SIGNED_OUT = OpenApiResponse(description="Not signed in.")
NOT_FOUND = OpenApiResponse(description="No such schedule of yours.")
NOT_JSON = OpenApiResponse(description="The body is not JSON.")


def _term(slug: str) -> Term:
    term = Term.objects.filter(slug=slug).first()
    if term is None or not term.sections.exists():
        raise ValidationError({"term": [f"no term {slug[:20]!r} with sections; try summer-2026."]})
    return term


def _blocks(texts) -> list:
    try:
        return [services.parse_block(t) for t in texts]
    except services.PlanError as exc:
        raise ValidationError({"blocks": [str(exc)]}) from None


def _preferences(data) -> dict:
    try:
        return services.parse_preferences(data)
    except services.PlanError as exc:
        raise ValidationError({exc.parameter: [str(exc)]}) from None


def _course(term, text):
    course = services.offered_course(term, text)
    if course is None:
        raise ValidationError({"courses": [f"no course {text[:40]!r} with sections in {term.name}."]})
    return course


def _time(value):
    return value.isoformat() if value is not None else None


def section_data(s) -> dict:
    return {
        "id": s.id, "kind": s.kind, "number": s.number, "days": s.days, "start_time": _time(s.start_time),
        "end_time": _time(s.end_time), "location": s.location, "instructor": s.instructor, "enrolled": s.enrolled,
        "capacity": s.capacity, "meetings": s.meetings, "exams": s.exams,
    }  # fmt: skip


def schedule_data(plan, schedule=None, name="") -> dict:
    return {
        "id": schedule.id if schedule else None,
        "name": schedule.name if schedule else name,
        "term": plan.term.slug,
        "courses": [{"course": p.course.code, "sections": [section_data(s) for s in p.chosen]} for p in plan.courses],
        "blocks": [services.block_text(b) for b in plan.blocks],
        "preferences": plan.preferences,
        "conflicts": [
            {"kind": c.kind, "first": c.first, "second": c.second, "day": c.day, "text": c.text}
            for c in services.plan_conflicts(plan)
        ],
        "page_url": reverse("schedule", args=[schedule.id]) if schedule else None,
        "share_url": reverse("schedule-shared", args=[schedule.share_token]) if schedule else None,
        "calendar_url": reverse("schedule-ics", args=[schedule.id]) if schedule else None,
        "feed_url": reverse("schedule-feed", args=[schedule.feed_token]) if schedule else None,
    }


def _plan(data) -> services.Plan:
    term = _term(data["term"])
    plan = services.Plan(term, preferences=_preferences(data.get("preferences") or {}))
    for entry in data.get("courses") or []:
        course = _course(term, entry["course"])
        if course.id in plan.course_ids():
            raise ValidationError({"courses": [f"{course.code} is listed twice."]})
        ids = entry.get("sections") or []
        notes = []
        planned = services.planned_course(term, course, ids[0] if ids else None, ids[1:], notes=notes)
        if notes:
            raise ValidationError({"courses": notes})
        plan.courses.append(planned)
    plan.blocks = _blocks(data.get("blocks") or [])
    return plan


class GenerateView(APIView):
    """Every conflict-free combination of the courses' sections in a term (a lecture with one
    of each kind of its associated sections), around the custom blocks, best first by the
    ranking. Sections meeting at the same times count as one choice (``alternatives``).
    Signed in or not. Past a bound the answer is ``truncated`` with a message."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=GenerateRequestSerializer, responses={200: GenerateResponseSerializer, 400: ERROR, 415: NOT_JSON}
    )
    def post(self, request):
        body = GenerateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        term = _term(data["term"])
        plan = services.Plan(term, blocks=_blocks(data.get("blocks") or []), preferences=_preferences(data))
        courses = services.offered_courses(term, data["courses"])
        missing = [text for text, course in zip(data["courses"], courses, strict=True) if course is None]
        if missing:
            raise ValidationError({"courses": [f"no course {t[:40]!r} with sections in {term.name}." for t in missing]})
        for course in courses:
            if course.id not in plan.course_ids():
                plan.courses.append(services.PlannedCourse(course))
        sections = services.term_sections(term, plan.course_ids(), courses={c.id: c for c in courses})
        result = services.generate(plan, keep=data["limit"], sections=sections)
        by_id = {s.id: s for group in sections.values() for s in group}
        combinations = [
            {
                "courses": [
                    {
                        "course": p.course.code,
                        "sections": [section_data(by_id[i]) for i in b.sections],
                        "alternatives": n,
                    }
                    for p, b, n in zip(plan.courses, combo["bundles"], combo["alternatives"], strict=True)
                ],
                "score": combo["score"],
            }
            for combo in result.combinations
        ]
        # Plain data (the serializer documents it): serializing a few hundred sections
        # through DRF's fields cost more than generating them.
        return Response(
            {
                "term": term.slug,
                "found": result.found,
                "truncated": result.truncated,
                "message": result.message,
                "combinations": combinations,
            }  # fmt: skip
        )


def _owned(request, schedule_id) -> Schedule:
    if schedule_id > 2**63 - 1:
        raise NotFound("No such schedule.")
    schedule = Schedule.objects.filter(pk=schedule_id, owner=request.user).select_related("term").first()
    if schedule is None:
        raise NotFound("No such schedule.")
    return schedule


class ScheduleListView(APIView):
    """The signed-in student's schedules (GET), or a new one (POST)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ScheduleSerializer(many=True), 403: SIGNED_OUT})
    def get(self, request):
        schedules = Schedule.objects.filter(owner=request.user).select_related("term")
        return Response([schedule_data(services.plan_from_schedule(s), s) for s in schedules])

    @extend_schema(
        request=ScheduleWriteSerializer, responses={201: ScheduleSerializer, 400: ERROR, 403: SIGNED_OUT, 415: NOT_JSON}
    )
    def post(self, request):
        body = ScheduleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = _plan(body.validated_data)
        with transaction.atomic():
            schedule = Schedule.objects.create(owner=request.user, term=plan.term, name=body.validated_data["name"])
            services.save_plan(schedule, plan)
        return Response(schedule_data(plan, schedule), status=201)


class ScheduleDetailView(APIView):
    """One of the signed-in student's schedules: read (GET), replace (PUT), delete (DELETE)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ScheduleSerializer, 403: SIGNED_OUT, 404: NOT_FOUND})
    def get(self, request, schedule_id: int):
        schedule = _owned(request, schedule_id)
        return Response(schedule_data(services.plan_from_schedule(schedule), schedule))

    @extend_schema(
        request=ScheduleWriteSerializer,
        responses={200: ScheduleSerializer, 400: ERROR, 403: SIGNED_OUT, 404: NOT_FOUND, 415: NOT_JSON},
    )
    def put(self, request, schedule_id: int):
        schedule = _owned(request, schedule_id)
        body = ScheduleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = _plan(body.validated_data)
        schedule.name = body.validated_data["name"]
        services.save_plan(schedule, plan)
        return Response(schedule_data(plan, schedule))

    @extend_schema(responses={204: None, 403: SIGNED_OUT, 404: NOT_FOUND})
    def delete(self, request, schedule_id: int):
        _owned(request, schedule_id).delete()
        return Response(status=204)


class SharedScheduleView(APIView):
    """A schedule by its share link's token, for anyone who has the link; read-only."""

    @extend_schema(responses={200: ScheduleSerializer, 404: NOT_FOUND})
    def get(self, request, token: str):
        schedule = Schedule.objects.filter(share_token=token).select_related("term").first()
        if schedule is None:
            raise NotFound("No such schedule.")
        data = schedule_data(services.plan_from_schedule(schedule), schedule)
        data.update(id=None, calendar_url=None, feed_url=None)
        return Response(data)
