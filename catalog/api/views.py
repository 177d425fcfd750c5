from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from berkeleytime.caching import CachedJSONMixin
from catalog import selectors
from catalog.models import Course

from .filters import CourseFilter
from .serializers import (
    CourseDetailSerializer,
    CourseListSerializer,
    SubjectSerializer,
    TermSerializer,
)

# A course in a path, as every app's API takes it.
COURSE_PATH = [
    OpenApiParameter(
        "subject",
        str,
        OpenApiParameter.PATH,
        description="Subject in any spelling: COMPSCI, EL ENG",
        examples=[OpenApiExample("COMPSCI", value="COMPSCI"), OpenApiExample("EL ENG", value="EL ENG")],
    ),
    OpenApiParameter(
        "number",
        str,
        OpenApiParameter.PATH,
        description="Course number: 61A",
        examples=[OpenApiExample("61A", value="61A"), OpenApiExample("120", value="120")],
    ),
]


class CourseViewSet(CachedJSONMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Courses in catalog order, filtered and paginated."""

    cache_prefix = "courses"
    queryset = Course.objects.for_listing().in_catalog_order()
    serializer_class = CourseListSerializer
    filterset_class = CourseFilter


class CourseDetailView(CachedJSONMixin, generics.GenericAPIView):
    """One course by any spelling of its code (``EL ENG/120`` answers for ``ELENG/120``),
    with its sections for ``?term=`` or else for the latest term that has any."""

    cache_prefix = "course"
    serializer_class = CourseDetailSerializer
    queryset = Course.objects.none()

    @extend_schema(
        parameters=[
            *COURSE_PATH,
            OpenApiParameter("term", OpenApiTypes.STR, description="Sections of this term (slug like summer-2026)"),
        ],
    )
    def get(self, request, subject: str, number: str):
        term = _term_param(request.query_params["term"]) if request.query_params.get("term") else None
        course = selectors.course_for_detail(subject, number)
        if course is None:
            raise NotFound(f"No course {subject} {number}.")
        sections_term, sections = selectors.sections_for(course, term)
        context = {"sections_term": term or sections_term, "sections": sections, "request": request}
        return Response(CourseDetailSerializer(course, context=context).data)


def _term_param(slug: str):
    try:
        return selectors.term_by_slug(slug)
    except selectors.UnknownTerm as exc:
        raise ValidationError({"term": [str(exc)]}) from None


class SubjectViewSet(CachedJSONMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every subject with its name, the spellings the sources use, and its number of courses."""

    cache_prefix = "subjects"
    queryset = selectors.subjects_with_counts()
    serializer_class = SubjectSerializer
    pagination_class = None


class TermViewSet(CachedJSONMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Terms with data, most recent first."""

    cache_prefix = "terms"
    queryset = selectors.terms_with_data()
    serializer_class = TermSerializer
    pagination_class = None
