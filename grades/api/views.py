from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from berkeleytime.caching import CachedJSONMixin
from berkeleytime.pagination import PageNumberPagination
from catalog.api.views import COURSE_PATH
from grades import fairness, selectors
from grades.models import Instructor

from . import serializers

TERM = OpenApiParameter("term", OpenApiTypes.STR, many=True, description="Term slug like fall-2023; repeat for several")
INSTRUCTOR = OpenApiParameter(
    "instructor", OpenApiTypes.STR, many=True, description="Instructor slug like john-denero; repeat for several"
)


def _course(subject: str, number: str):
    try:
        return selectors.find_course(subject, number)
    except selectors.CourseNotFound as exc:
        raise NotFound(str(exc)) from None


def _invalid(exc: selectors.SelectionError):
    return ValidationError({exc.parameter: [str(exc)]})


class GradeView(CachedJSONMixin, generics.GenericAPIView):
    cache_prefix = "grades"
    pagination_class = None
    queryset = Instructor.objects.none()


class DistributionView(GradeView):
    """A course's grade distribution over the chosen terms and instructors (all by default)."""

    serializer_class = serializers.DistributionSerializer

    @extend_schema(parameters=[*COURSE_PATH, TERM, INSTRUCTOR])
    def get(self, request, subject: str, number: str):
        try:
            terms = selectors.resolve_terms(request.query_params.getlist("term"))
            instructors = selectors.resolve_instructors(request.query_params.getlist("instructor"))
        except selectors.SelectionError as exc:
            raise _invalid(exc) from None
        selection = selectors.Scope(_course(subject, number), terms, instructors)
        return Response(selectors.distribution(selection))


class OptionsView(GradeView):
    """The terms and instructors with grades for a course, and which terms each instructor taught."""

    serializer_class = serializers.OptionsSerializer

    @extend_schema(parameters=COURSE_PATH)
    def get(self, request, subject: str, number: str):
        return Response(selectors.options(_course(subject, number)))


class CourseTrendView(GradeView):
    """GPA per term for a course, optionally for some instructors' sections only."""

    serializer_class = serializers.TrendSerializer

    @extend_schema(parameters=[*COURSE_PATH, INSTRUCTOR])
    def get(self, request, subject: str, number: str):
        try:
            instructors = selectors.resolve_instructors(request.query_params.getlist("instructor"))
        except selectors.SelectionError as exc:
            raise _invalid(exc) from None
        course = _course(subject, number)
        selection = selectors.Scope(course, [], instructors)
        return Response({"course": course.code, "trend": selectors.course_trend(selection)})


def _bounded_integer(name: str, low: int, high: int, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "integer", "minimum": low, "maximum": high}, description=description)


MIN_STUDENTS = _bounded_integer(
    "min_students",
    fairness.LOWEST_MIN_STUDENTS,
    fairness.HIGHEST_MIN_STUDENTS,
    f"Show an instructor with at least this many letter-graded students (default {fairness.MIN_STUDENTS})",
)
MIN_SECTIONS = _bounded_integer(
    "min_sections",
    fairness.LOWEST_MIN_SECTIONS,
    fairness.HIGHEST_MIN_SECTIONS,
    f"... over at least this many sections (default {fairness.MIN_SECTIONS})",
)


def _integer(request, parameter: OpenApiParameter, default: int) -> int:
    """The parameter's value (berkeleytime.parameters has checked it against its bounds), or ``default``."""
    text = request.query_params.get(parameter.name, "")
    return int(text) if text else default


class FairComparisonView(GradeView):
    """A course's instructors side by side: grades raw and adjusted for the term-level drift
    in grades, with 95% intervals that reflect section sizes. Only instructors with enough
    students and sections are shown; ``left_out`` says how many were not and why."""

    serializer_class = serializers.FairComparisonSerializer

    @extend_schema(
        parameters=[*COURSE_PATH, MIN_STUDENTS, MIN_SECTIONS],
        responses={
            200: serializers.FairComparisonSerializer,
            400: OpenApiResponse(description="A parameter is invalid; errors names it."),
            404: OpenApiResponse(description="No such course."),
        },
    )
    def get(self, request, subject: str, number: str):
        min_students = _integer(request, MIN_STUDENTS, fairness.MIN_STUDENTS)
        min_sections = _integer(request, MIN_SECTIONS, fairness.MIN_SECTIONS)
        course = _course(subject, number)
        return Response(fairness.compare_instructors(course, min_students, min_sections))


class CompareView(GradeView):
    """Up to four selections at once: ``s=SUBJECT/NUMBER[/term-or-all[/instructor-or-all]]``, repeated."""

    serializer_class = serializers.CompareSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "s",
                OpenApiTypes.STR,
                many=True,
                required=True,
                description="Selection: COMPSCI/61A, COMPSCI/61A/fall-2023, COMPSCI/61A/all/john-denero (up to 4)",
                examples=[
                    OpenApiExample("One course", value=["COMPSCI/61A"]),
                    OpenApiExample(
                        "A term and an instructor", value=["COMPSCI/61A/fall-2023", "COMPSCI/61A/all/john-denero"]
                    ),
                ],
            )
        ]
    )
    def get(self, request):
        try:
            chosen = selectors.parse_selections(request.query_params.getlist("s"))
        except selectors.SelectionError as exc:
            raise _invalid(exc) from None
        return Response(
            {"selections": [{"selection": s.token, "label": s.label, **selectors.distribution(s)} for s in chosen]}
        )


class InstructorListView(CachedJSONMixin, generics.ListAPIView):
    """Instructors whose name contains every word of ``q``, most sections first."""

    cache_prefix = "instructors"
    serializer_class = serializers.InstructorSerializer
    pagination_class = PageNumberPagination

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Words of the name: denero")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = self.request.query_params.get("q", "")
        if len(query) > 200:
            raise ValidationError({"q": ["at most 200 characters."]})
        return selectors.search_instructors(query)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = [
            {"slug": i.slug, "name": i.name, "sections": i.sections, "url": f"/api/v1/instructors/{i.slug}/"}
            for i in page
        ]
        return self.get_paginated_response(data)


class InstructorDetailView(GradeView):
    """An instructor: every course taught with its GPA, and the GPA per term."""

    serializer_class = serializers.InstructorDetailSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "slug",
                str,
                OpenApiParameter.PATH,
                description="The instructor's slug: john-denero",
                examples=[OpenApiExample("john-denero", value="john-denero")],
            )
        ],
        responses={
            200: serializers.InstructorDetailSerializer,
            301: OpenApiResponse(description="Another spelling of the name: to the person's own slug."),
        },
    )
    def get(self, request, slug: str):
        instructor = selectors.find_instructor(slug)
        if instructor is None:
            raise NotFound(f"No instructor {slug[:60]!r}.")
        if instructor.slug != slug:  # another spelling of the name: the person's own URL
            return HttpResponsePermanentRedirect(reverse("v1:instructor-detail", kwargs={"slug": instructor.slug}))
        return Response(
            {
                "slug": instructor.slug,
                "name": instructor.name,
                "spellings": selectors.spellings(instructor),
                "courses": selectors.instructor_courses(instructor),
                "trend": selectors.instructor_trend(instructor),
            }
        )
