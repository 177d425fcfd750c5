"""Schedule pages. The planner keeps its plan in the URL (``c``, ``b`` and the preferences,
see services.plan_from_query), so it works signed out, every change is a GET that reloads
it with conflicts drawn, and the address can be saved as a schedule after signing in."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Course, Term

from . import ics, services
from .meetings import DAY_CODES, clock, clock12, minutes
from .models import Schedule

MAX_ID = 2**63 - 1


def _term(slug: str) -> Term:
    term = Term.objects.filter(slug=slug).first()
    if term is None or not term.sections.exists():
        raise Http404("No such term with sections.")
    return term


def _signed_in(request) -> bool:
    return request.user.is_authenticated


def _owned(request, schedule_id: int) -> Schedule:
    if not _signed_in(request) or schedule_id > MAX_ID:
        raise Http404("No such schedule.")
    schedule = Schedule.objects.filter(pk=schedule_id, owner=request.user).select_related("term").first()
    if schedule is None:
        raise Http404("No such schedule.")
    return schedule


@never_cache
@require_GET
def schedules_page(request):
    terms = list(services.schedulable_terms())
    mine = list(Schedule.objects.filter(owner=request.user).select_related("term")) if _signed_in(request) else []
    return render(request, "schedules/list.html", {"terms": terms, "schedules": mine})


def _plan_from_form(term: Term, query) -> services.Plan:
    """The planner form's fields (one course per ``course``, its ``lec_ID`` and ``sec_ID_KIND``
    choices, ``add``, ``remove``, the block fields) as a plan."""
    plan = services.Plan(term)
    ids = [int(x) for x in query.getlist("course") if x.isdigit() and len(x) < 12][: services.MAX_COURSES]
    removed = query.get("remove", "")
    sections = services.term_sections(term, ids)
    courses = Course.objects.in_bulk(ids)
    for cid in dict.fromkeys(ids):
        if str(cid) == removed or cid not in courses or not sections.get(cid):
            continue
        lecture = query.get(f"lec_{cid}", "")
        lecture_id = int(lecture) if lecture.isdigit() and len(lecture) < 12 else None
        chosen = [
            int(v)
            for k, v in query.items()
            if k.startswith(f"sec_{cid}_") and v.isdigit() and len(v) < 12
        ]  # fmt: skip
        by_id = {s.id: s for s in sections[cid]}
        chosen = [sid for sid in chosen if lecture_id and by_id.get(sid) and by_id[sid].parent_id == lecture_id]
        plan.courses.append(services.planned_course(term, courses[cid], lecture_id, chosen, sections[cid], plan.notes))
    added = query.get("add", "").strip()
    if added:
        course = services.offered_course(term, added[:40])
        if course is None:
            plan.notes.append(f"No course {added[:40]!r} has sections in {term.name}.")
        elif course.id not in plan.course_ids():
            if len(plan.courses) >= services.MAX_COURSES:
                plan.notes.append(f"At most {services.MAX_COURSES} courses.")
            else:
                plan.courses.append(services.PlannedCourse(course))
    removed_block = query.get("remove_block", "")
    for i, text in enumerate(query.getlist("b")[: services.MAX_BLOCKS]):
        if str(i) != removed_block:
            try:
                plan.blocks.append(services.parse_block(text))
            except services.PlanError as exc:
                plan.notes.append(str(exc))
    title = query.get("block_title", "").strip()
    if title:
        days = "".join(query.getlist("block_day"))
        text = f"{title[:60].replace('~', '-')}~{days}~{query.get('block_start', '')}~{query.get('block_end', '')}"
        try:
            plan.blocks.append(services.parse_block(text))
        except services.PlanError as exc:
            plan.notes.append(f"Block not added: {exc}")
    try:
        plan.preferences = services.parse_preferences(
            {"not_before": query.get("not_before"), "ranking": query.get("ranking")}
        )
    except services.PlanError as exc:
        plan.notes.append(str(exc))
    return plan


def _plan_url(term: Term, plan: services.Plan, **extra) -> str:
    query = services.plan_query(plan, **extra)
    return reverse("schedule-plan", args=[term.slug]) + ("?" + query if query else "")


def _context(plan: services.Plan) -> dict:
    ids = plan.course_ids()
    sections = plan.sections if plan.sections is not None and ids <= set(plan.sections) else None
    sections = sections or services.term_sections(plan.term, ids)
    courses = []
    conflicts = services.plan_conflicts(plan)
    clashing = {c.first for c in conflicts} | {c.second for c in conflicts}
    for p in plan.courses:
        choices = services.lecture_choices(sections[p.course.id])
        current = next((c for c in choices if p.lecture and c["lecture"].id == p.lecture.id), None)
        chosen_ids = {s.id for s in p.sections}
        kinds = []
        for kind, options in sorted((current or {"kinds": {}})["kinds"].items()):
            picked = next((s for s in options if s.id in chosen_ids), None)
            kinds.append({"kind": kind, "options": options, "picked": picked})
        missing = [k["kind"] for k in kinds if k["picked"] is None]
        for k in kinds:
            k["options"] = [_option(s, k["picked"]) for s in k["options"]]
        courses.append(
            {
                "planned": p,
                "lectures": [_option(c["lecture"], p.lecture) for c in choices],
                "kinds": kinds,
                "missing": missing,
                "conflict": any(services.label(s) in clashing for s in p.chosen),
            }
        )
    return {
        "plan": plan,
        "courses": courses,
        "conflicts": conflicts,
        "week": services.week(plan),
        "unscheduled": services.unscheduled(plan),
        "blocks": [
            {
                "text": services.block_text(b),
                "block": b,
                "days": "".join(DAY_CODES[d] for d in b.days),
                "start": clock(b.start),
                "end": clock(b.end),
            }
            for b in plan.blocks
        ],  # fmt: skip
        "day_codes": DAY_CODES,
        "rankings": [
            ("fewer_days", "Fewer days on campus"),
            ("open_seats", "Open seats first"),
            ("compact", "Compact days (fewer gaps)"),
            ("later_start", "Later starts"),
        ],  # fmt: skip
        "plan_query": services.plan_query(plan),
    }


def _option(section, picked) -> dict:
    """A section as a choice in the planner's menus: 'DIS 101 · MW 11:00 am–11:59 am · 12/30'."""
    text = f"{section.kind} {section.number} · "
    start, end = minutes(section.start_time), minutes(section.end_time)
    if section.days and start is not None and end is not None and end > start:
        text += f"{''.join(section.days)} {clock12(start)}–{clock12(end)}"
    else:
        text += "no meeting time"
    if section.capacity is not None:
        text += f" · {section.enrolled or 0}/{section.capacity} enrolled"
    return {"id": section.id, "text": text, "selected": picked is not None and picked.id == section.id}


@never_cache
@require_GET
def plan_page(request, term: str):
    term = _term(term)
    if request.GET.get("form"):
        plan = _plan_from_form(term, request.GET)
        extra = {"schedule": request.GET["schedule"]} if request.GET.get("schedule", "").isdigit() else {}
        if plan.notes:
            extra["note"] = " ".join(plan.notes)[:300]
        return redirect(_plan_url(term, plan, **extra))
    plan = services.plan_from_query(term, request.GET)
    if request.GET.get("note"):
        plan.notes.append(request.GET["note"][:300])
    editing = None
    if request.GET.get("schedule", "").isdigit() and _signed_in(request):
        editing = Schedule.objects.filter(pk=int(request.GET["schedule"][:18]), owner=request.user).first()
    context = _context(plan) | {
        "term": term,
        "terms": services.schedulable_terms(),
        "editing": editing,
        "login_url": f"{settings.BT_SIGN_IN_URL}?{QueryDict.fromkeys(['next'], request.get_full_path()).urlencode()}"
        if not _signed_in(request)
        else None,  # fmt: skip
    }
    return render(request, "schedules/plan.html", context)


@never_cache
@require_GET
def generate_page(request, term: str):
    term = _term(term)
    plan = services.plan_from_query(term, request.GET)
    result = services.generate(plan) if plan.courses else None
    # Editing a saved schedule: the chosen option opens in the planner still saving over it.
    editing = {"schedule": request.GET["schedule"][:19]} if request.GET.get("schedule", "").isdigit() else {}
    alternatives = []
    for combo in result.combinations if result else []:
        alternative = services.plan_with(plan, combo)
        alternatives.append(
            {
                "plan": alternative,
                "url": _plan_url(term, alternative, **editing),
                "score": combo["score"],
                "week": services.week(alternative),
                "sections": [", ".join(b.labels) for b in combo["bundles"]],
            }
        )
    return render(
        request,
        "schedules/generate.html",
        {
            "term": term,
            "plan": plan,
            "result": result,
            "alternatives": alternatives,
            "back": _plan_url(term, plan, **editing),
            "plan_query": services.plan_query(plan),
        },  # fmt: skip
    )


def _ics_response(plan, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(ics.calendar(plan, name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def plan_ics(request, term: str):
    term = _term(term)
    return _ics_response(services.plan_from_query(term, request.GET), f"{term.name} schedule", f"{term.slug}.ics")


@require_POST
def save_schedule(request):
    """Saves the planner's plan (``state``, its query string) as a new schedule, or over
    ``schedule`` when that is one of the student's."""
    if not _signed_in(request):
        return redirect_to_login(reverse("schedules"))
    term = _term(request.POST.get("term", "")[:16])
    plan = services.plan_from_query(term, QueryDict(request.POST.get("state", "")[:4000]))
    name = " ".join(request.POST.get("name", "").split())[:100] or f"{term.name} schedule"
    target = request.POST.get("schedule", "")
    if target.isdigit():
        schedule = _owned(request, int(target[:19]))
        schedule.name = name
    else:
        schedule = Schedule(owner=request.user, term=term, name=name)
    services.save_plan(schedule, plan)
    return redirect("schedule", schedule.id)


@never_cache
@require_GET
def schedule_page(request, schedule_id: int):
    schedule = _owned(request, schedule_id)
    plan = services.plan_from_schedule(schedule)
    context = _context(plan) | {
        "schedule": schedule,
        "term": schedule.term,
        "share_url": request.build_absolute_uri(reverse("schedule-shared", args=[schedule.share_token])),
        "feed_url": request.build_absolute_uri(reverse("schedule-feed", args=[schedule.feed_token])),
        "edit_url": _plan_url(schedule.term, plan, schedule=str(schedule.id)),
    }
    return render(request, "schedules/schedule.html", context)


@require_POST
def delete_schedule(request, schedule_id: int):
    _owned(request, schedule_id).delete()
    return redirect("schedules")


@never_cache
@require_GET
def schedule_ics(request, schedule_id: int):
    schedule = _owned(request, schedule_id)
    return _ics_response(services.plan_from_schedule(schedule), schedule.name, f"schedule-{schedule.id}.ics")


@require_GET
def shared_page(request, token: str):
    schedule = Schedule.objects.filter(share_token=token[:64]).select_related("term").first()
    if schedule is None:
        raise Http404("No such schedule.")
    plan = services.plan_from_schedule(schedule)
    context = _context(plan) | {
        "schedule": schedule,
        "term": schedule.term,
        "copy_url": _plan_url(schedule.term, plan),
    }
    return render(request, "schedules/shared.html", context)


@require_GET
def feed(request, token: str):
    """The private calendar subscription: built from the sections as they are now, so a room
    or time the last sync changed is in the calendar at its next refresh."""
    schedule = Schedule.objects.filter(feed_token=token[:64]).select_related("term").first()
    if schedule is None:
        raise Http404("No such calendar.")
    response = _ics_response(services.plan_from_schedule(schedule), schedule.name, "schedule.ics")
    response["Cache-Control"] = "private, no-store"
    return response
