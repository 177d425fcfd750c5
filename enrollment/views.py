"""The enrollment page: up to six selections, all of them in the URL."""

import re

from django.conf import settings as django_settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string

from berkeleytime.caching import cached_page
from catalog import selections

from . import charts, phases, selectors

DEFAULT_MODE = "percent"
_OLD_SLOT = re.compile(r"^[ct]\d+$")


@cached_page
def enrollment_page(request):
    """``s=SUBJECT/NUMBER/term`` repeated (the term may be ``all``: the latest with
    data) and ``y`` (``percent`` of capacity or ``count`` of students). The form's
    rows redirect to that URL; the old ``c1=&t1=`` and ``view=`` URLs to it, for good."""
    if any(_OLD_SLOT.match(name) for name in request.GET) or "view" in request.GET:
        return HttpResponsePermanentRedirect(f"{request.path}?{_from_old(request.GET)}")
    mode = request.GET.get("y") or DEFAULT_MODE
    errors = []
    if mode not in charts.MODES:
        errors.append(selections.SelectionError("y", f"{mode[:20]!r} is not one of: {', '.join(charts.MODES)}."))
        mode = DEFAULT_MODE
    settings = {"y": mode} if mode != DEFAULT_MODE else {}
    if "course" in request.GET:
        tokens = selections.tokens_from_rows(request.GET.getlist("course"), request.GET.getlist("term"), [])
        return redirect(f"{request.path}?{selections.query(tokens, **settings)}")

    entries, selection_errors = selections.read(request.GET.getlist("s"))
    shown = []
    for entry in entries:
        if entry.selection is None:
            continue
        try:
            series = selectors.series_for(entry.selection)
        except selections.SelectionError as exc:
            entry.error, entry.selection = exc, None
            selection_errors.append(exc)
            continue
        shown.append({"selection": entry.selection, "series": series, "color": charts.COLORS[len(shown)]})
    errors += selection_errors
    series = [one["series"] for one in shown]
    action = request.path
    tokens = [one["selection"].token for one in shown]
    all_terms = selectors.all_terms_with_enrollment()
    context = {
        "shown": shown,
        "mode": mode,
        "errors": [
            {
                "parameter": e.parameter,
                "message": str(e),
                "links": selections.choice_links(e, entries, action, settings),
            }
            for e in errors
        ],
        "form": selections.form(
            entries,
            action=action,
            settings=settings,
            colors=charts.COLORS,
            terms_for=lambda course: [(t.slug, t.name) for t in selectors.terms_with_enrollment(course)],
            blank_terms=[(t.slug, t.name) for t in all_terms],
            all_terms="Latest with data",
            submit="Show enrollment",
            options_url="/api/v1/enrollment/{subject}/{number}/terms/",
        ),
        "toggles": [
            (
                label,
                f"{action}?{selections.query(tokens, **({'y': name} if name != DEFAULT_MODE else {}))}",
                mode == name,
            )
            for name, label in charts.MODES.items()
        ],
        "instructor_ignored": any(one["selection"].instructor_slug for one in shown),
        "phase_terms": _phase_terms(series),
        "phase_rule": phases.RULE,
        "gap_days": charts.GAP_DAYS,
        "chart": charts.line_chart(series, mode) if series else None,
        "notes": series_notes(request, series),
        "example": "?s=COMPSCI/61A/fall-2025&s=COMPSCI/61A/fall-2024&s=COMPSCI/61A/fall-2023",
    }
    return render(request, "enrollment/enrollment.html", context, status=400 if errors else 200)


def series_notes(request, series: list[selectors.EnrollmentSeries]) -> list[dict]:
    """What other apps say of the shown courses and terms (settings.BT_ENROLLMENT_NOTES, in
    that order): each names a function of (request, series) returning a dict with its
    ``template`` (included with ``note``), or None when it has nothing to say of it."""
    notes = []
    for one in series:
        for path in django_settings.BT_ENROLLMENT_NOTES:
            note = import_string(path)(request, one)
            if note:
                notes.append({**note, "series": one})
    return notes


def _from_old(query) -> str:
    """``c1=COMPSCI+61A&t1=fall-2025&c2=...&view=count`` as the new scheme's query."""
    slots = sorted({int(name[1:]) for name in query if _OLD_SLOT.match(name) and name[1:].isdigit() and len(name) < 6})
    courses = [query.get(f"c{i}", "")[:60] for i in slots]
    terms = [query.get(f"t{i}", "")[:40] for i in slots]
    tokens = [t for t in query.getlist("s") if t.strip()] + selections.tokens_from_rows(courses, terms, [])
    settings = {}
    view = query.get("view", "")
    if view and view != DEFAULT_MODE:
        settings["y"] = view[:20]
    if "y" in query and "y" not in settings:
        settings["y"] = query["y"][:20]
    return selections.query(tokens, **settings)


def _phase_terms(series: list[selectors.EnrollmentSeries]) -> list[tuple]:
    """Each shown term once, with the phase dates that are set, and where they come from."""
    seen, terms = set(), []
    for one in series:
        if one.term.pk not in seen:
            seen.add(one.term.pk)
            terms.append((one.term, one.phase_marks, one.phases))
    return terms
