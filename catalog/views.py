"""Catalog pages: server-rendered, filters in the URL, paginated on the server."""

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from berkeleytime.caching import cached_data, cached_page
from sources.codes import normalize_subject

from . import selectors, typed
from .api.filters import DAYS, CourseFilter, requirement_choices
from .models import LEVEL_CHOICES, Course

PAGE_SIZE = 25


@cached_page
def home_page(request):
    """The front door: a search box first, then what helps in season. A link to the
    catalog from before it moved to /catalog/ (filters in the query) goes there."""
    if request.GET:
        return redirect(f"{reverse('catalog')}?{request.GET.urlencode()}", permanent=True)
    context = {
        **cached_data("catalog:home", selectors.front_door),
        "min_seats": selectors.FULLEST_MIN_SEATS,
        "examples": ["cs 61a", "data c8", "ee 120", "econ 1"],
    }
    return render(request, "catalog/home.html", context)


@cached_page
def catalog_page(request):
    # A box's text that clearly names one course ("cs 61a", "data c8") goes to its page.
    # The form sends every filter, blank or not, and an order: only the text counts here.
    only_text = not any(value for name, value in request.GET.items() if name not in ("q", "ordering", "page"))
    if only_text and (named := typed.resolve(request.GET.get("q")).course) is not None:
        return redirect("course", subject=named.subject_id, number=named.number)
    queryset = Course.objects.for_listing().in_catalog_order()
    filterset = CourseFilter(request.GET, queryset=queryset)
    errors = {}
    if filterset.is_valid():
        courses = filterset.qs
    else:
        errors = {name: " ".join(messages) for name, messages in filterset.errors.items()}
        courses = Course.objects.none()
    paginator = Paginator(courses, PAGE_SIZE)
    page_number = request.GET.get("page", "1")
    page = paginator.get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    bookmarks = course_actions(request)
    context = {
        "page": page,
        "cards": [course_card(course, bookmarks.control(course)) for course in page.object_list],
        "count": paginator.count,
        "errors": errors,
        "values": request.GET,
        "query_without_page": query.urlencode(),
        # Long option lists are joined here: through the template language they cost more
        # than the rest of the page together.
        "subject_options": _options(
            "subjects", selectors.subject_choices, normalize_subject(request.GET.get("subject", ""))
        ),  # fmt: skip
        "term_options": _options(
            "terms", lambda: [(t.slug, t.name) for t in selectors.offered_terms()], request.GET.get("term")
        ),  # fmt: skip
        "requirements": cached_data("catalog:requirement-choices", requirement_choices),
        "chosen": {name: request.GET.getlist(name) for name in ("requirement", "days")},
        "days": DAYS,
        "section_terms": [term for term in selectors.offered_terms() if term.section_count],
        "levels": LEVEL_CHOICES,
        "orderings": [
            ("code", "Code"),
            ("title", "Title"),
            ("-gpa", "Highest average GPA (100+ students first)"),
            ("gpa", "Lowest average GPA (100+ students first)"),
            ("units", "Units"),
            ("-units", "Units, most first"),
        ],
    }
    return render(request, "catalog/catalog.html", context, status=400 if errors else 200)


def course_card(course: Course, control: str = "") -> SafeString:
    """One course in a list (level, units, GPA with how many students it counts), joined here
    rather than in the template: a page lists 25 and the template language is slow at it."""
    meta = [course.get_level_display()]
    if course.units:
        meta.append(f"{course.units} unit{'' if course.units == '1' else 's'}")
    grades = ""
    if course.gpa is not None:
        students = course.graded_students or 0
        grades = format_html(
            ' · <span class="gpa-badge small">{}</span> average GPA {}, {} student{}',
            course.grade_letter, f"{course.gpa:.2f}", intcomma(students), "" if students == 1 else "s",
        )  # fmt: skip
    elif course.has_grades:
        grades = " · P/NP grades"
    return format_html(
        '<li>\n<a href="{}">\n<span class="code">{}</span>\n<span class="title">{}</span>\n'
        '<span class="meta">{}{}</span>\n</a>\n{}</li>',
        reverse("course", args=[course.subject_id, course.number]), course.code,
        course.display_title or "Untitled", " · ".join(meta), grades, control,
    )  # fmt: skip


def _options(name: str, choices, selected: str | None) -> SafeString:
    """A picker's <option>s, joined once per data generation; the chosen one is marked here."""
    joined = cached_data(
        f"catalog:options:{name}",
        lambda: str(format_html_join("", '<option value="{}">{}</option>', choices())),
    )
    if selected:
        value = escape(selected)
        joined = joined.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
    return mark_safe(joined)  # noqa: S308 - built by format_html_join above; the value is escaped


@cached_page
def course_page(request, subject: str, number: str):
    course = selectors.course_for_detail(subject, number)
    if course is None:
        raise Http404(f"No course {subject} {number}")
    if (subject, number) != (course.subject_id, course.number):
        return redirect("course", subject=course.subject_id, number=course.number, permanent=True)
    term = None
    if request.GET.get("term"):
        try:
            term = selectors.term_by_slug(request.GET["term"])
        except selectors.UnknownTerm:
            term = None
    sections_term, sections = selectors.sections_for(course, term)
    context = {
        "course": course,
        "sections_term": sections_term,
        "sections": sections,
        "terms": list(course.terms.all()),
        "panels": course_panels(request, course),
        "bookmark": course_actions(request).control(course),
    }
    return render(request, "catalog/course.html", context)


def course_actions(request):
    """What a student can do with a course on its card and its page (the accounts app's Save
    control): settings.BT_COURSE_ACTIONS names a class built with the request, whose
    control(course) is that course's HTML."""
    return import_string(settings.BT_COURSE_ACTIONS)(request)


def course_panels(request, course: Course) -> list[dict]:
    """What other apps show on a course's page (grades, enrollment), in settings order."""
    panels = []
    for path in settings.BT_COURSE_PANELS:
        panel = import_string(path)(request, course)
        if panel:
            panels.append(panel)
    return panels
