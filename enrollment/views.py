"""The enrollment page: up to four course and term selections, all of them in the URL."""

from dataclasses import dataclass

from django.shortcuts import render

from . import charts, phases, selectors


@dataclass
class Slot:
    """One row of the form: what was asked for, and what it gave."""

    index: int
    code: str = ""
    term: str = ""
    error: str = ""
    series: selectors.EnrollmentSeries | None = None
    color: str = ""


def enrollment_page(request):
    mode = request.GET.get("view") or "percent"
    errors = {}
    if mode not in charts.MODES:
        errors["view"] = f"{mode[:20]!r} is not one of: {', '.join(charts.MODES)}."
        mode = "percent"
    slots = [_slot(request, index) for index in range(1, selectors.MAX_SELECTIONS + 1)]
    errors.update({f"c{slot.index}": slot.error for slot in slots if slot.error})
    shown = [slot for slot in slots if slot.series is not None]
    for position, slot in enumerate(shown):
        slot.color = charts.COLORS[position % len(charts.COLORS)]
    series = [slot.series for slot in shown]
    context = {
        "slots": slots,
        "shown": shown,
        "mode": mode,
        "modes": charts.MODES,
        "errors": errors,
        "terms": selectors.all_terms_with_enrollment(),
        "toggles": [(name, label, _with(request, view=name)) for name, label in charts.MODES.items()],
        "phase_terms": _phase_terms(series),
        "phase_rule": phases.RULE,
        "gap_days": charts.GAP_DAYS,
        "chart": charts.line_chart(series, mode) if series else None,
        "chart_compact": charts.line_chart(series, mode, compact=True) if series else None,
        "example": "?c1=COMPSCI+61A&t1=fall-2025&c2=COMPSCI+61A&t2=fall-2024&c3=COMPSCI+61A&t3=fall-2023",
    }
    return render(request, "enrollment/enrollment.html", context, status=400 if errors else 200)


def _slot(request, index: int) -> Slot:
    slot = Slot(index, request.GET.get(f"c{index}", "").strip()[:60], request.GET.get(f"t{index}", "").strip()[:40])
    if slot.code:
        try:
            slot.series = selectors.series_for_code(slot.code, slot.term or None)
        except selectors.SelectionError as exc:
            slot.error = str(exc)
    elif slot.term:
        slot.error = "pick a course for this term."
    return slot


def _phase_terms(series: list[selectors.EnrollmentSeries]) -> list[tuple]:
    """Each shown term once, with the phase dates that are set, and where they come from."""
    seen, terms = set(), []
    for one in series:
        if one.term.pk not in seen:
            seen.add(one.term.pk)
            terms.append((one.term, one.phase_marks, one.phases))
    return terms


def _with(request, **changes) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        query[name] = value
    return "?" + query.urlencode()
