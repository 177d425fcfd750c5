"""Grade pages: compare up to six selections, instructors."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from berkeleytime.caching import cached_page
from catalog import selections
from sources.terms import TermRef

from . import charts, fairness, selectors

VIEWS = {"side": "Side by side", "overlay": "Overlaid"}
GRADE_SETS = {"all": "All grades", "letter": "Letter grades only"}
DEFAULTS = {"view": "side", "grades": "all"}


@cached_page
def grades_page(request):
    """Up to six selections from ``s=SUBJECT/NUMBER/term/instructor`` (shareable), laid
    out side by side or overlaid (``view``), with P/NP or letter grades only
    (``grades``). The form's rows (``course``, ``term``, ``instructor`` repeated)
    redirect to the shareable URL."""
    settings, errors = _settings(request)
    if "course" in request.GET:
        tokens = selections.tokens_from_rows(
            request.GET.getlist("course"), request.GET.getlist("term"), request.GET.getlist("instructor")
        )
        canonical = []
        for token in tokens:
            try:
                canonical.append(selections.parse(token, find_instructor=selectors.find_instructor).token)
            except selections.SelectionError:
                canonical.append(token)  # kept as typed, and explained by the page
        return redirect(f"{request.path}?{selections.query(canonical, **_in_url(settings))}")

    entries, selection_errors = selections.read(request.GET.getlist("s"), selectors.find_instructor)
    letters_only = settings["grades"] == "letter"
    results = []
    for entry in entries:
        if entry.selection is None:
            continue
        selection = entry.selection
        index = len(results)
        results.append(
            {
                "index": index,
                "color": charts.COLORS[index % len(charts.COLORS)],
                "selection": selection,
                "label": selection.label,
                **selectors.distribution(selection, letters_only=letters_only),
            }
        )
    lines = _trend_lines(results)
    action = request.path
    context = {
        "results": results,
        "errors": _errors(errors + selection_errors, entries, action, _in_url(settings)),
        "settings": settings,
        "toggles": _toggles(results, settings, action),
        "form": selections.form(
            entries,
            action=action,
            settings=_in_url(settings),
            colors=charts.COLORS,
            terms_for=lambda course: [(t["slug"], t["name"]) for t in _options(course)["terms"]],
            instructors_for=lambda course: [(i["slug"], i["name"]) for i in _options(course)["instructors"]],
            options_url="/api/v1/grades/{subject}/{number}/options/",
        ),
        "lines": lines,
        "trend_chart": charts.trend(lines, "GPA by term") if results else None,
        "overlay_chart": charts.histogram(results, "Grade distributions compared") if results else None,
        "overlay_legend": charts.legend([(r["label"], r["color"]) for r in results], shape="box"),
        "charts": {r["index"]: charts.histogram([r], f"Grade distribution: {r['label']}") for r in results},
    }
    status = 400 if context["errors"] else 200
    return render(request, "grades/grades.html", context, status=status)


_OPTIONS_CACHE_ATTR = "_options"


def _options(course) -> dict:
    cached = getattr(course, _OPTIONS_CACHE_ATTR, None)
    if cached is None:
        cached = selectors.options(course)
        setattr(course, _OPTIONS_CACHE_ATTR, cached)
    return cached


def _settings(request) -> tuple[dict[str, str], list[selections.SelectionError]]:
    errors = []
    settings = {}
    for name, allowed in (("view", VIEWS), ("grades", GRADE_SETS)):
        value = request.GET.get(name, "") or DEFAULTS[name]
        if value not in allowed:
            errors.append(selections.SelectionError(name, f"{value[:20]!r} is not one of: {', '.join(allowed)}."))
            value = DEFAULTS[name]
        settings[name] = value
    return settings, errors


def _in_url(settings: dict[str, str]) -> dict[str, str]:
    """The settings a URL needs to carry: those that are not the default."""
    return {name: value for name, value in settings.items() if value != DEFAULTS[name]}


def _toggles(results: list[dict], settings: dict[str, str], action: str) -> list[dict]:
    """The page's settings as links that keep the selections."""
    tokens = [r["selection"].token for r in results]
    groups = []
    for name, label, choices in (("view", "Show", VIEWS), ("grades", "Grades", GRADE_SETS)):
        links = [
            (
                text,
                f"{action}?{selections.query(tokens, **_in_url({**settings, name: value}))}",
                settings[name] == value,
            )
            for value, text in choices.items()
        ]
        groups.append({"name": name, "label": label, "links": links})
    return groups


def _errors(errors, entries, action, settings) -> list[dict]:
    return [
        {
            "parameter": e.parameter,
            "message": str(e),
            "links": selections.choice_links(e, entries, action, settings),
        }
        for e in errors
    ]


def _trend_lines(results: list[dict]) -> list[dict]:
    """One GPA line per course and instructor: selections narrowed to a term ring their
    term on the line of their course (and instructor) instead of repeating it."""
    groups: dict[tuple, dict] = {}
    for r in results:
        selection = r["selection"]
        key = (selection.course.pk, selection.instructor_slug)
        group = groups.get(key)
        if group is None:
            who = selection.instructor_name or "all instructors"
            group = groups[key] = {
                "label": f"{selection.course.code} · {who}",
                "color": r["color"],
                "trend": selectors.course_trend(selection),
                "highlights": {},
                "rings": [],
                "whole": False,
            }
        if selection.term is None:
            if not group["whole"]:
                group["color"], group["whole"] = r["color"], True
        else:
            if selection.term.slug not in group["highlights"]:
                group["highlights"][selection.term.slug] = r["color"]
                group["rings"].append((selection.term.name, r["color"]))
    return list(groups.values())


@cached_page
def instructors_page(request):
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.search_instructors(query), 50).get_page(request.GET.get("page", "1"))
    return render(request, "grades/instructors.html", {"query": query, "page": page})


@cached_page
def instructor_page(request, slug: str):
    instructor = selectors.find_instructor(slug)
    if instructor is None:
        raise Http404(f"No instructor {slug}")
    if instructor.slug != slug:  # another spelling's slug, or a page that is now part of this one
        return redirect("instructor", slug=instructor.slug, permanent=True)
    courses = selectors.instructor_courses(instructor)
    trend = selectors.instructor_trend(instructor)
    line = {"label": instructor.name, "color": charts.COLORS[0], "trend": trend}
    context = {
        "instructor": instructor,
        "spellings": selectors.spellings(instructor),
        "courses": courses,
        "trend": trend,
        "trend_chart": charts.trend([line], f"GPA by term: {instructor.name}") if trend else None,
    }
    return render(request, "grades/instructor.html", context)


@cached_page
def fairness_page(request, subject: str, number: str):
    """A course's instructors side by side, raw and adjusted for the drift in grades (grades.fairness)."""
    try:
        course = selectors.find_course(subject, number)
    except selectors.CourseNotFound as exc:
        raise Http404(str(exc)) from None
    if (subject, number) != (course.subject_id, course.number):
        return redirect("grades-fairness", subject=course.subject_id, number=course.number)
    comparison = fairness.compare_instructors(course)
    rows = comparison["instructors"]
    for row in rows:
        row["first_name"], row["last_name"] = (TermRef.from_slug(row[k]).name for k in ("first_term", "last_term"))
    reference = comparison["reference_term"]
    context = {
        "reference": TermRef.from_slug(reference).name if reference else None,
        "course": course,
        "comparison": comparison,
        "left_out": sum(comparison["left_out"][k] for k in ("too_few_students", "too_few_sections", "not_fitted")),
        "chart": charts.fairness(rows, f"Instructors of {course.code}, raw and adjusted") if rows else None,
        "legend": charts.legend([("Raw", charts.RAW_COLOR), ("Adjusted for drift", charts.ADJUSTED_COLOR)]),
    }
    return render(request, "grades/fairness.html", context)
