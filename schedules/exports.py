"""What the account export holds about a student's schedules."""

from .services import block_text, plan_from_schedule


def schedules(user) -> dict:
    """{"schedules": [...]}: every schedule the user owns, with its courses, sections,
    blocks, preferences and links' tokens."""
    found = []
    for schedule in user.schedules.select_related("term").order_by("id"):
        plan = plan_from_schedule(schedule)
        found.append(
            {
                "id": schedule.id,
                "name": schedule.name,
                "term": schedule.term.slug,
                "created_at": schedule.created_at.isoformat(),
                "updated_at": schedule.updated_at.isoformat(),
                "preferences": schedule.preferences,
                "share_token": schedule.share_token,
                "feed_token": schedule.feed_token,
                "courses": [
                    {
                        "course": p.course.code,
                        "sections": [
                            {"id": s.id, "kind": s.kind, "number": s.number, "class_number": s.class_number}
                            for s in p.chosen
                        ],
                    }
                    for p in plan.courses
                ],
                "blocks": [block_text(b) for b in plan.blocks],
            }
        )
    return {"schedules": found}
