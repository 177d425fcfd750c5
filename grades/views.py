"""Grade pages: compare up to four selections, instructors."""

import contextlib
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from catalog import typed

from . import charts, selectors

VIEWS = ("side", "overlay")


def grades_page(request):
    """Up to four selections from ``s=SUBJECT/NUMBER/term/instructor`` (shareable), or
    from the form's rows (``course``, ``term``, ``instructor`` repeated), which
    redirect to the shareable URL."""
    view = request.GET.get("view", "side") if request.GET.get("view") in VIEWS else "side"
    if "course" in request.GET:
        rows = zip(
            request.GET.getlist("course"), request.GET.getlist("term"), request.GET.getlist("instructor"),
            strict=False,
        )  # fmt: skip
        tokens = []
        for course, term, instructor in rows:
            found = typed.resolve(course).course  # "cs 61a", "cs61a", "ee 120" as well as "COMPSCI 61A"
            subject, _, number = (found.code if found else " ".join(course.split())).rpartition(" ")
            if course.strip():
                token = "/".join([subject or course.strip(), number, term or "all", instructor or "all"])
                # The canonical spelling goes in the shared URL; a bad one is kept and explained by the page.
                with contextlib.suppress(selectors.SelectionError):
                    token = selectors.parse_selection(token).token
                tokens.append(token)
        return redirect(f"{request.path}?{urlencode([('s', t) for t in tokens] + [('view', view)])}")

    tokens = [t for t in request.GET.getlist("s") if t.strip()]
    error, chosen = None, []
    if tokens:
        try:
            chosen = selectors.parse_selections(tokens)
        except selectors.SelectionError as exc:
            error = str(exc)
    results = []
    for index, selection in enumerate(chosen):
        results.append(
            {
                "index": index,
                "color": charts.COLORS[index],
                "selection": selection,
                "label": selection.label,
                "options": selectors.options(selection.course),
                **selectors.distribution(selection),
                "trend": selectors.course_trend(selection),
            }
        )
    context = {
        "results": results,
        "error": error,
        "view": view,
        "rows": _form_rows(results),
        "trend_chart": charts.trend(results, "GPA by term") if results else None,
        "overlay_chart": charts.histogram(results, "Grade distributions compared") if results else None,
        "charts": {
            r["index"]: charts.histogram([r], f"Grade distribution: {r['label']}", (r["color"],), width=400)
            for r in results
        },
        "share_query": urlencode([("s", r["selection"].token) for r in results] + [("view", view)]),
    }
    return render(request, "grades/grades.html", context, status=400 if error else 200)


def _form_rows(results: list[dict]) -> list[dict]:
    rows = [
        {
            "course": r["selection"].course.code,
            "term": r["selection"].terms[0].slug if r["selection"].terms else "all",
            "instructor": r["selection"].instructors[0].slug if r["selection"].instructors else "all",
            "options": r["options"],
        }
        for r in results
    ]
    while len(rows) < selectors.MAX_SELECTIONS:
        # One empty row is always open; the others wait behind "Add more courses".
        spare = len(rows) > len(results)
        rows.append({"course": "", "term": "all", "instructor": "all", "options": None, "spare": spare})
    return rows


def instructors_page(request):
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.search_instructors(query), 50).get_page(request.GET.get("page", "1"))
    return render(request, "grades/instructors.html", {"query": query, "page": page})


def instructor_page(request, slug: str):
    instructor = selectors.find_instructor(slug)
    if instructor is None:
        raise Http404(f"No instructor {slug}")
    if instructor.slug != slug:  # another spelling's slug, or a page that is now part of this one
        return redirect("instructor", slug=instructor.slug, permanent=True)
    courses = selectors.instructor_courses(instructor)
    trend = selectors.instructor_trend(instructor)
    context = {
        "instructor": instructor,
        "spellings": selectors.spellings(instructor),
        "courses": courses,
        "trend": trend,
        "trend_chart": charts.trend([{"label": instructor.name, "trend": trend}], f"GPA by term: {instructor.name}")
        if trend
        else None,
    }
    return render(request, "grades/instructor.html", context)
