import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog import typed
from catalog.models import LEVEL_CHOICES, Course, Requirement, Section, Subject
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


# The requirement value that stands for every L&S breadth area at once.
ANY_LS_BREADTH = "ls-breadth"

# A section's meeting days as the data writes them, Monday first.
DAYS = [("M", "Monday"), ("Tu", "Tuesday"), ("W", "Wednesday"), ("Th", "Thursday"), ("F", "Friday"),
        ("Sa", "Saturday"), ("Su", "Sunday")]  # fmt: skip


def requirement_choices() -> list[tuple[str, str]]:
    return [(ANY_LS_BREADTH, "Any L&S breadth")] + list(Requirement.objects.values_list("slug", "name"))


def _documented(filter_, schema: dict):
    """Give the schema a filter's type that drf-spectacular cannot guess, keeping its help text."""
    return extend_schema_field({**schema, "description": filter_.extra.get("help_text", "")})(filter_)


class RequirementsFilter(django_filters.MultipleChoiceFilter):
    """Requirement slugs, repeated; a course must satisfy each one. ``ls-breadth`` is any
    L&S breadth area."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        _documented(self, {"type": "string"})  # the choices come from the database

    def filter(self, qs, value):
        satisfies = Course.requirements.through.objects.filter(course=OuterRef("pk"))
        for slug in value or ():
            if slug == ANY_LS_BREADTH:
                qs = qs.filter(Exists(satisfies.filter(requirement__kind="ls_breadth")))
            else:
                qs = qs.filter(Exists(satisfies.filter(requirement__slug=slug)))
        return qs


class OnlyTrueFilter(django_filters.TypedChoiceFilter):
    """A flag that is either absent or ``true``."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("true", "true")], coerce=lambda value: value == "true", **kwargs)
        _documented(self, {"type": "string", "enum": ["true"]})


class OrderingField(django_filters.fields.ChoiceField):
    """One name of a comma-separated ordering; an empty one (``code,``) is an error, not a sort key."""

    def validate(self, value):
        if value in self.empty_values:
            raise forms.ValidationError("an empty name: give code, title, units, level or gpa, comma-separated.")
        super().validate(value)


class CatalogOrderingFilter(django_filters.OrderingFilter):
    """'code' sorts the way the catalog reads: COMPSCI 9 before COMPSCI 61A before COMPSCI 170."""

    field_class = OrderingField

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
    requirement = RequirementsFilter(
        choices=requirement_choices,
        help_text=f"Requirement slug, e.g. american-cultures or ls-arts-literature; repeat it for courses that "
        f"satisfy every one; {ANY_LS_BREADTH} is any L&S breadth area.",
    )
    term = TermFilter(method="filter_term", help_text="Term slug like summer-2026 or fall-2023.")
    has_grades = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        help_text="true: only courses with grade distributions; false: only those without.",
    )
    # Section filters: the same primary section (lecture) must meet all of them, in `term`
    # if it is given (else in any term whose sections are known).
    open_seats = OnlyTrueFilter(
        method="keep",
        help_text="true: only courses with a lecture that has seats left.",
    )
    days = django_filters.MultipleChoiceFilter(
        choices=DAYS, method="keep", help_text="Days you are free (M, Tu, W, Th, F, Sa, Su), repeated: "
        "only courses with a lecture that meets on none but these days."
    )  # fmt: skip
    starts_after = django_filters.TimeFilter(
        method="keep", help_text="HH:MM; only courses with a lecture that starts at or after it."
    )
    ends_before = django_filters.TimeFilter(
        method="keep", help_text="HH:MM; only courses with a lecture that ends at or before it."
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

    def keep(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = self._named_first(super().filter_queryset(queryset))
        data = self.form.cleaned_data
        condition = Q()
        if data.get("open_seats"):
            condition &= Q(capacity__gt=0, enrolled__lt=F("capacity"))
        if data.get("days"):
            condition &= Q(days__contained_by=list(data["days"])) & ~Q(days=[])
        if data.get("starts_after"):
            condition &= Q(start_time__gte=data["starts_after"]) & ~Q(start_time="00:00")
        if data.get("ends_before"):
            condition &= Q(end_time__lte=data["ends_before"], end_time__gt="00:00")
        if not condition:
            return queryset
        sections = Section.objects.filter(condition, course=OuterRef("pk"), parent__isnull=True)
        if data.get("term"):
            sections = sections.filter(term=data["term"])
        return queryset.filter(Exists(sections))

    def filter_subject(self, queryset, name, value):
        return queryset.filter(subject_id=value) if value else queryset

    def filter_units(self, queryset, name, value):
        return queryset.with_units(value) if value is not None else queryset

    def filter_term(self, queryset, name, value):
        return queryset.offered_in(value) if value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.matching_prefix(value, also=typed.prefix_condition(value)) if value else queryset

    def _named_first(self, queryset):
        """In code order, the courses the text names by code come before the titles that
        mention it: "data" lists DATA courses first."""
        data = self.form.cleaned_data
        if not data.get("q") or (data.get("ordering") or ["code"]) != ["code"]:
            return queryset
        first = Case(When(typed.prefix_condition(data["q"]), then=0), default=1, output_field=IntegerField())
        return queryset.annotate(named_first=first).order_by("named_first", *ORDERINGS["code"])
