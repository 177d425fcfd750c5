"""Alerts from the counts a sync announces, on a small class of our own, sent over real SMTP."""

import pytest
from django.utils import timezone

from alerts import services
from alerts.models import Alert, Follow
from tests.alerts.conftest import body

pytestmark = pytest.mark.django_db


def follow(user, course, term, section=None, seats=True, position=None) -> Follow:
    return services.follow(user, course, term, section, seats, position)


def test_a_seat_opening_in_a_full_section_is_one_email_and_more_seats_are_not_news(
    inbox, students, small_class, synced
):
    # given Ann follows the full LEC 001
    ann, _ = students
    term, course, first, second, _ = small_class
    follow(ann, course, term, first)

    # when a student drops it
    synced((first, {"enrolled": 29}))

    # then Ann has one email naming the section and its counts, with a one-click unsubscribe
    [message] = inbox.to("ann@berkeley.edu")
    assert message["Subject"] == f"{course.code}: a seat opened"
    text = body(message)
    assert f"{course.code} LEC 001, Fall 2031: a seat opened." in text
    assert "Open seats: 0 before, 1 now of 30." in text
    assert f"http://testserver/courses/{course.subject_id}/{course.number}/?term=fall-2031" in text
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/alerts/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Alert.objects.get().status == Alert.SENT

    # and a second drop, the section already open, sends nothing but is seen
    synced((first, {"enrolled": 28}))
    assert len(inbox.to("ann@berkeley.edu")) == 1
    assert Follow.objects.get().last_seen["open"] == 2


def test_a_class_opens_only_when_none_of_its_lectures_had_a_seat(inbox, students, small_class, synced):
    ann, bob = students
    term, course, first, second, discussion = small_class
    follow(bob, course, term)  # the class
    follow(ann, course, term, first)

    synced((second, {"enrolled": 19}))  # LEC 002 opens: the class has a seat
    assert len(inbox.to("bob@berkeley.edu")) == 1
    assert inbox.to("ann@berkeley.edu") == []  # her LEC 001 is still full

    synced((first, {"enrolled": 29}))  # the class was open already: news to Ann only
    assert len(inbox.to("bob@berkeley.edu")) == 1
    assert len(inbox.to("ann@berkeley.edu")) == 1

    synced((discussion, {"enrolled": 14}))  # a discussion is not the class
    assert len(inbox.messages) == 2


def test_the_waitlist_passing_a_students_place_is_one_email(inbox, students, small_class, synced):
    # given Ann is third on LEC 001's waitlist of 5 and watches only that
    ann, _ = students
    term, course, first, _, _ = small_class
    follow(ann, course, term, first, seats=False, position=3)

    synced((first, {"waitlisted": 4}))  # one left
    synced((first, {"waitlisted": 6}))  # two joined the back: no one ahead of her moved
    assert inbox.messages == []
    assert Follow.objects.get().waitlist_moved == 1

    # when two more seats are added and two come off the waitlist
    synced((first, {"capacity": 32, "enrolled": 32, "waitlisted": 4}))

    # then her place has been passed: one email, and no more after
    [message] = inbox.to("ann@berkeley.edu")
    assert message["Subject"] == f"{course.code}: the waitlist moved past position 3"
    assert "since you gave place 3: at least 3." in body(message)
    synced((first, {"waitlisted": 0, "enrolled": 31}))  # a seat opens, but she watches the waitlist only
    assert len(inbox.messages) == 1


def test_a_day_has_at_most_the_cap_and_a_capped_change_is_kept_not_sent(inbox, students, small_class, synced, settings):
    settings.ALERT_DAILY_CAP = 2
    ann, _ = students
    term, course, first, second, discussion = small_class
    for section in (first, second, discussion):
        follow(ann, course, term, section)

    synced((first, {"enrolled": 29}), (second, {"enrolled": 19}), (discussion, {"enrolled": 14}))

    assert len(inbox.to("ann@berkeley.edu")) == 2
    assert sorted(Alert.objects.values_list("status", flat=True)) == ["capped", "sent", "sent"]
    synced((first, {"enrolled": 28}))  # nothing new, and the capped one is never sent later
    assert len(inbox.to("ann@berkeley.edu")) == 2


def test_a_refusing_mail_server_marks_the_alert_and_the_others_still_go(inbox, students, small_class, synced, settings):
    ann, bob = students
    term, course, first, _, _ = small_class
    follow(ann, course, term, first)
    follow(bob, course, term, first)
    inbox.refused.add("bob@berkeley.edu")

    synced((first, {"enrolled": 29}))

    assert len(inbox.to("ann@berkeley.edu")) == 1
    failed = Alert.objects.get(user=bob)
    assert (failed.status, failed.sent_at) == ("failed", None)
    assert failed.error.startswith("SMTPRecipientsRefused"), failed.error


def test_a_stopped_follow_hears_nothing_and_follows_go_with_the_account(inbox, students, small_class, synced, client):
    ann, bob = students
    term, course, first, _, _ = small_class
    services.set_active(follow(ann, course, term, first), False)
    follow(bob, course, term, first)

    synced((first, {"enrolled": 29}))
    assert inbox.to("ann@berkeley.edu") == []

    client.force_login(bob)
    exported = client.get("/api/v1/me/export/").json()["alert_follows"]
    assert [(f["course"], f["section"], len(f["alerts"])) for f in exported] == [(course.code, "LEC 001", 1)]
    bob.delete()
    assert not Follow.objects.filter(user_id=bob.pk).exists()
    assert not Alert.objects.filter(user_id=bob.pk).exists()


def test_counts_a_follow_has_seen_already_change_nothing(inbox, students, small_class):
    # given Ann is third on LEC 001's waitlist, and a sync saw two leave it and a seat open
    ann, _ = students
    term, course, first, _, _ = small_class
    follow(ann, course, term, first, position=3)
    as_of = timezone.now()
    full, opened = {"enrolled": 30, "capacity": 30, "waitlisted": 5}, {"enrolled": 30, "capacity": 31, "waitlisted": 3}
    announce = lambda: services.on_enrollment_changed(None, term.pk, as_of, {first.pk: (full, opened)})  # noqa: E731
    announce()
    # when the same run is heard again (sis_sync --replay keeps the run's time)
    announce()
    # then the waitlist is not credited twice and no second email goes
    assert Follow.objects.get().waitlist_moved == 2
    assert len(inbox.to("ann@berkeley.edu")) == 1
