"""What the account export holds about a student's seat alerts."""

from .selectors import follows_of


def follows(user) -> dict:
    """{"alert_follows": [...]}: every follow with what it watches and each alert decided for it."""
    return {
        "alert_follows": [
            {
                "id": found.pk,
                "course": found.course.code,
                "term": found.term.slug,
                "section": f"{found.section.kind} {found.section.number}" if found.section_id else None,
                "seats": found.watch_seats,
                "waitlist_position": found.waitlist_position,
                "waitlist_moved": found.waitlist_moved,
                "active": found.active,
                "created_at": found.created_at.isoformat(),
                "last_seen": found.last_seen,
                "alerts": [
                    {
                        "as_of": alert.as_of.isoformat(),
                        "seat_opened": alert.seat_opened,
                        "waitlist_passed": alert.waitlist_passed,
                        "status": alert.status,
                        "sent_at": alert.sent_at.isoformat() if alert.sent_at else None,
                        "change": alert.change,
                    }
                    for alert in found.alerts.all()
                ],
            }
            for found in follows_of(user)
        ]
    }
