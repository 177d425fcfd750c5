"""The planner and schedule pages, and the calendar files, over the real Summer 2026 sections."""

import datetime
import re
import zoneinfo

import icalendar
import pytest
from django.test import Client

from catalog.models import Course, Section
from schedules.models import Schedule

from .conftest import lecture_and

pytestmark = pytest.mark.django_db
BERKELEY = zoneinfo.ZoneInfo("America/Los_Angeles")


def plan_url(summer, *parts, blocks=()):
    query = "&".join([f"c={'.'.join(str(x) for x in p)}" for p in parts] + [f"b={b}" for b in blocks])
    return f"/schedules/plan/{summer.slug}/?{query}"


def physics_and_econ(summer):
    p_lec, (p_dis,) = lecture_and(summer, "PHYSICS 137A", ("DIS", "101"))
    e_lec, (e_dis,) = lecture_and(summer, "ECON C171", ("DIS", "101"))
    return (p_lec.course_id, p_lec.id, p_dis.id), (e_lec.course_id, e_lec.id, e_dis.id)


def test_the_planner_adds_a_course_and_chooses_its_sections_through_its_form(client, summer):
    response = client.get(f"/schedules/plan/{summer.slug}/", {"form": "1", "add": "physics 137a"})
    assert response.status_code == 302
    course = Course.objects.get(code="PHYSICS 137A")
    assert response["Location"].endswith(f"?c={course.id}")
    lecture, (dis,) = lecture_and(summer, "PHYSICS 137A", ("DIS", "101"))
    response = client.get(
        f"/schedules/plan/{summer.slug}/",
        {"form": "1", "course": course.id, f"lec_{course.id}": lecture.id, f"sec_{course.id}_DIS": dis.id},
    )
    page = client.get(response["Location"]).content.decode()
    assert "No conflicts." in page
    assert "PHYSICS 137A LEC 001" in page
    assert "PHYSICS 137A DIS 101" in page


def test_a_section_of_another_lecture_is_left_out(client, summer):
    (pc, pl, _), (_, _, econ_dis) = physics_and_econ(summer)
    page = client.get(plan_url(summer, (pc, pl, econ_dis))).content.decode()
    assert "not associated with the chosen lecture" in page
    assert "ECON C171 DIS" not in page


def test_conflicts_are_flagged_when_a_third_course_overlaps(client, summer):
    physics, econ = physics_and_econ(summer)
    stat, _ = lecture_and(summer, "STAT 135")
    page = client.get(plan_url(summer, physics, econ, (stat.course_id, stat.id))).content.decode()
    assert "1 conflict" in page or "conflicts</h2>" in page
    assert re.search(r"Overlap: PHYSICS 137A LEC 001 and STAT 135 LEC 001, Tuesday 10:00 am-10:59 am", page)
    assert page.count('class="event c') >= 10


def test_a_block_conflicts_too(client, summer):
    physics, _ = physics_and_econ(summer)
    page = client.get(plan_url(summer, physics, blocks=["Work~M~10:00~12:00"])).content.decode()
    assert "Overlap: PHYSICS 137A LEC 001 and Work, Monday 10:00 am-10:59 am" in page
    assert "Overlap: PHYSICS 137A DIS 101 and Work, Monday 11:00 am-11:59 am" in page


def test_generate_page_offers_alternatives_that_open_in_the_planner(client, summer):
    physics, econ = physics_and_econ(summer)
    page = client.get(f"/schedules/plan/{summer.slug}/generate/?c={physics[0]}&c={econ[0]}").content.decode()
    assert "3 conflict-free combinations" in page
    assert page.count("Use option") == 3
    editing = client.get(f"/schedules/plan/{summer.slug}/generate/?c={physics[0]}&schedule=12").content.decode()
    assert "schedule=12" in editing.split("Use option 1")[0].rsplit("href=", 1)[1]


def test_signed_out_plan_saved_after_sign_in_shared_read_only(summer, students):
    ann, _ = students
    physics, econ = physics_and_econ(summer)
    client = Client()
    assert "sign in</a> to save it" in client.get(plan_url(summer, physics, econ)).content.decode()
    client.force_login(ann)
    state = plan_url(summer, physics, econ).split("?", 1)[1]
    response = client.post("/schedules/save/", {"term": summer.slug, "state": state, "name": "My summer"})
    schedule = Schedule.objects.get(owner=ann)
    assert response["Location"] == f"/schedules/{schedule.id}/"
    assert schedule.name == "My summer"
    assert [c.course.code for c in schedule.courses.all()] == ["PHYSICS 137A", "ECON C171"]
    page = client.get(f"/schedules/{schedule.id}/").content.decode()
    assert f"/schedules/shared/{schedule.share_token}/" in page
    shared = Client().get(f"/schedules/shared/{schedule.share_token}/").content.decode()
    assert "read-only" in shared
    assert "ECON C171 DIS 101" in shared
    assert "csrfmiddlewaretoken" not in shared
    assert schedule.feed_token not in shared


def _events(data: bytes):
    cal = icalendar.Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def test_calendar_repeats_weekly_over_the_term_skips_holidays_and_has_the_exam(summer, students):
    ann, _ = students
    physics, econ = physics_and_econ(summer)
    Section.objects.filter(pk=econ[1]).update(
        exams=[{"date": "2026-08-13", "start": "19:00", "end": "22:00", "location": "Dwinelle 155"}]
    )
    client = Client()
    client.force_login(ann)
    state = plan_url(summer, physics, econ, blocks=["Practice~F~07:00~08:00"]).split("?", 1)[1]
    client.post("/schedules/save/", {"term": summer.slug, "state": state, "name": "Summer"})
    schedule = Schedule.objects.get(owner=ann)
    response = client.get(f"/schedules/{schedule.id}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    by_summary = {str(e["SUMMARY"]): e for e in _events(response.content)}
    assert len(by_summary) == 6  # four meeting patterns, the block and the exam
    lecture = next(e for s, e in by_summary.items() if s.startswith("PHYSICS 137A LEC 001"))
    start = lecture.decoded("DTSTART")
    assert start == datetime.datetime(2026, 5, 26, 9, 30, tzinfo=BERKELEY)  # a Tuesday, the first day
    assert lecture.decoded("DTEND") == datetime.datetime(2026, 5, 26, 10, 59, tzinfo=BERKELEY)
    rule = lecture["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "TU", "WE", "TH"]
    assert rule["UNTIL"][0].astimezone(BERKELEY).date() == datetime.date(2026, 8, 14)
    assert str(lecture["LOCATION"])
    dis = next(e for s, e in by_summary.items() if s.startswith("ECON C171 DIS 101"))
    assert dis["RRULE"]["BYDAY"] == ["TU", "TH"]
    assert dis.decoded("DTSTART").time() == datetime.time(11, 0)
    practice = by_summary["Practice"]
    assert practice.decoded("DTSTART") == datetime.datetime(2026, 5, 29, 7, 0, tzinfo=BERKELEY)
    skipped = sorted(d.dt.date() for d in practice["EXDATE"].dts)
    assert skipped == [datetime.date(2026, 6, 19), datetime.date(2026, 7, 3)]  # Juneteenth, July 4th observed
    assert "EXDATE" not in lecture  # the term's holidays are all Fridays
    exam = by_summary["Final exam: ECON C171"]
    assert exam.decoded("DTSTART") == datetime.datetime(2026, 8, 13, 19, 0, tzinfo=BERKELEY)
    assert str(exam["LOCATION"]) == "Dwinelle 155"
    assert "RRULE" not in exam


def test_the_subscription_follows_a_moved_room(summer, students):
    ann, _ = students
    physics, _ = physics_and_econ(summer)
    client = Client()
    client.force_login(ann)
    client.post("/schedules/save/", {"term": summer.slug, "state": f"c={'.'.join(map(str, physics))}", "name": "S"})
    schedule = Schedule.objects.get(owner=ann)
    feed = f"/schedules/feed/{schedule.feed_token}.ics"
    Section.objects.filter(pk=physics[1]).update(location="Le Conte 1")
    before = Client().get(feed)
    assert before.status_code == 200
    assert "Le Conte 1" in before.content.decode()
    # The next sync moves the lecture: the same address answers with the new room.
    Section.objects.filter(pk=physics[1]).update(location="Evans 10")
    after = Client().get(feed).content.decode()
    assert "Evans 10" in after
    assert "Le Conte 1" not in after
    assert Client().get("/schedules/feed/not-a-token.ics").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "c=abc&c=99999999999&c=1.2.3&b=~~~&b=Work~XY~09:00~08:00&not_before=99:99&ranking=nope",
        "c=" + "1." * 300,
        "schedule=99999999999999999999999&note=%00",
        "form=1&course=x&lec_1=y&add=%E2%9C%93&block_title=Work&block_start=25:00",
    ],
)
def test_any_address_reads_as_a_plan(client, summer, query):
    assert client.get(f"/schedules/plan/{summer.slug}/?{query}", follow=True).status_code == 200
    assert client.get(f"/schedules/plan/{summer.slug}/generate/?{query}").status_code == 200
    assert client.get(f"/schedules/plan/{summer.slug}/calendar.ics?{query}").status_code == 200


def test_unknown_terms_and_schedules_are_404(client, summer):
    assert client.get("/schedules/plan/fall-1999/").status_code == 404
    assert client.get("/schedules/plan/nonsense/").status_code == 404
    assert client.get("/schedules/shared/nope/").status_code == 404
    assert client.get("/schedules/99999999999999999999999/").status_code == 404
