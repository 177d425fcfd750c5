import django_filters
from django import forms
from django.db.models import Case, F, When
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog.models import LEVEL_CHOICES, Course, Requirement, Subject
from catalog.selectors import UnknownTerm, term_by_slug
from sources.codes import normalize_subject

# Sorting by GPA puts courses whose grades count at least this many students first: a
# seminar of six with a 4.00 says little about the course.
GPA_MIN_STUDENTS = 100

ORDERINGS = {
    "code": ("subject_id", "number_digits", "number"),
    "gpa": ("gpa", "subject_id", "number_digits", "number"),
    "title": ("title", "subject_id", "number_digits"),
    "units": ("units_min", "subject_id", "number_digits", "number"),
    "level": ("level", "subject_id", "number_digits", "number"),
}


class SubjectField(forms.CharField):
    """A subject in any spelling ('EL ENG', 'eleng'); unknown subjects are errors."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        code = normalize_subject(value)
        if not Subject.objects.filter(code=code).exists():
            raise forms.ValidationError(f"unknown subject {value[:40]!r}.")
        return code


class TermField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return term_by_slug(value)
        except UnknownTerm as exc:
            raise forms.ValidationError(str(exc)) from None


@extend_schema_field(OpenApiTypes.STR)
class SubjectFilter(django_filters.CharFilter):
    field_class = SubjectField


@extend_schema_field(OpenApiTypes.STR)
class TermFilter(django_filters.Filter):
    field_class = TermField


class CatalogOrderingFilter(django_filters.OrderingFilter):
    """'code' sorts the way the catalog reads: COMPSCI 9 before COMPSCI 61A before COMPSCI 170."""

    def filter(self, qs, value):
        if not value:
            return qs
        fields = []
        for name in value:
            descending = name.startswith("-")
            if name.lstrip("-") == "gpa":
                # Either way: enough students first, then the other courses with a GPA, then none.
                rank = Case(
                    When(grade_summary__gpa__isnull=True, then=0),
                    When(grade_summary__total__gte=GPA_MIN_STUDENTS, then=2),
                    default=1,
                )
                qs = qs.annotate(gpa_counts=rank)
                fields.append(F("gpa_counts").desc())
            for column in ORDERINGS[name.lstrip("-")]:
                # Courses without a GPA come last whichever way it sorts.
                expression = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
                fields.append(expression)
        return qs.order_by(*fields)


class CourseFilter(django_filters.FilterSet):
    subject = SubjectFilter(method="filter_subject", help_text="Subject code in any spelling: COMPSCI, EL ENG.")
    level = django_filters.ChoiceFilter(choices=LEVEL_CHOICES, help_text="lower, upper, graduate or professional.")
    units = django_filters.NumberFilter(
        method="filter_units", min_value=0, max_value=99, help_text="Courses that can be taken for this many units."
    )
    requirement = django_filters.ModelChoiceFilter(
        queryset=Requirement.objects.all(),
        to_field_name="slug",
        field_name="requirements",
        help_text="Requirement slug, e.g. american-cultures or ls-arts-literature.",
    )
    term = TermFilter(method="filter_term", help_text="Term slug like summer-2026 or fall-2023.")
    has_grades = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        help_text="true: only courses with grade distributions; false: only those without.",
    )
    q = django_filters.CharFilter(method="filter_q", max_length=200, help_text="Prefix of the code or of a title word.")
    ordering = CatalogOrderingFilter(
        fields=tuple((name, name) for name in ORDERINGS),
        help_text=f"code, title, units, level or gpa, - for descending; by gpa, courses whose grades count "
        f"{GPA_MIN_STUDENTS}+ students come first, courses without a GPA last.",
    )

    class Meta:
        model = Course
        fields = ["subject", "level", "units", "requirement", "term", "has_grades", "q"]

    def filter_subject(self, queryset, name, value):
        return queryset.filter(subject_id=value) if value else queryset

    def filter_units(self, queryset, name, value):
        return queryset.with_units(value) if value is not None else queryset

    def filter_term(self, queryset, name, value):
        return queryset.offered_in(value) if value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.matching_prefix(value) if value else queryset
