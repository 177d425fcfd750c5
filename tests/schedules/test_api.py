"""The schedules API over the real Summer 2026 sections: generating signed out, a student's
own schedules, and another student never reaching them (pages too)."""

import datetime

import pytest
from django.test import Client

from schedules.exports import schedules as export_schedules
from schedules.models import Schedule

from .conftest import lecture_and

pytestmark = pytest.mark.django_db

# PHYSICS 137A: LEC MTuWTh 9:30-10:59, DIS 101 MW 11:00-11:59.
# ECON C171: LEC TuTh 17:00-19:59, DIS 101 TuTh 11:00-12:29.
# STAT 135: LEC TuWTh 10:00-11:59, overlapping PHYSICS 137A's lecture.


def body(summer, *courses, name="Summer plan"):
    return {"name": name, "term": summer.slug, "courses": courses}


def chosen(summer, code, *subs):
    lecture, sections = lecture_and(summer, code, *subs)
    return {"course": code, "sections": [lecture.id] + [s.id for s in sections]}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_generate_signed_out_ranks_conflict_free_combinations(client, summer):
    response = client.post(
        "/api/v1/schedules/generate/",
        {"term": "summer-2026", "courses": ["PHYSICS 137A", "ECON C171"], "ranking": ["compact"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    # ECON C171's three discussions all fit around PHYSICS 137A's lecture and discussion.
    assert data["found"] == 3
    assert data["truncated"] is False
    best = data["combinations"][0]
    assert [c["course"] for c in best["courses"]] == ["PHYSICS 137A", "ECON C171"]
    assert [s["kind"] for s in best["courses"][1]["sections"]] == ["LEC", "DIS"]
    gaps = [c["score"]["gap_minutes"] for c in data["combinations"]]
    assert gaps == sorted(gaps)


def test_generate_with_a_block_and_not_before(client, summer):
    response = client.post(
        "/api/v1/schedules/generate/",
        {"term": "summer-2026", "courses": ["ECON C171"], "blocks": ["Work~TuTh~11:00~13:00"], "not_before": "08:00"},
        content_type="application/json",
    )
    numbers = [c["courses"][0]["sections"][1]["number"] for c in response.json()["combinations"]]
    assert numbers == ["103"]  # 101 (11:00) and 102 (12:30) meet during work


def test_generate_errors_name_the_field(client, summer):
    def post(data):
        return client.post("/api/v1/schedules/generate/", data, content_type="application/json")

    assert post({"term": "fall-1999", "courses": ["ECON C171"]}).json()["errors"].keys() == {"term"}
    assert post({"term": "summer-2026", "courses": ["NOPE 1"]}).json()["errors"].keys() == {"courses"}
    assert post({"term": "summer-2026", "courses": ["ECON C171"], "not_before": "25:00"}).status_code == 400
    assert post({"term": "summer-2026", "courses": ["ECON C171"], "blocks": ["Work~MW~12:00~09:00"]}).json()[
        "errors"
    ].keys() == {"blocks"}
    assert post({"term": "summer-2026"}).status_code == 400


FIVE = ["DATA C100", "COMPSCI 61A", "COMPSCI 61C", "PHYSICS 8A", "MATH 53"]


def test_five_real_courses_every_combination_is_free_of_conflicts(client, summer):
    response = client.post(
        "/api/v1/schedules/generate/",
        {"term": "summer-2026", "courses": FIVE, "limit": 20},
        content_type="application/json",
    )
    data = response.json()
    # Over two thousand lecture, discussion and lab bundles; many meet at the same times.
    assert data["found"] > 100
    assert data["truncated"] is False
    assert len(data["combinations"]) == 20
    for combination in data["combinations"]:
        meetings = [
            (day, s["start_time"], s["end_time"])
            for c in combination["courses"]
            for s in c["sections"]
            if s["start_time"] and s["end_time"] > s["start_time"]
            for day in s["days"]
        ]
        for i, (day, start, end) in enumerate(meetings):
            for other_day, other_start, other_end in meetings[i + 1 :]:
                assert not (day == other_day and start < other_end and other_start < end), combination
    days = [c["score"]["days"] for c in data["combinations"]]
    assert days == sorted(days)  # fewer days on campus first, by default


def test_a_student_creates_reads_replaces_and_deletes_a_schedule(summer, students):
    ann, _ = students
    client = signed_in(ann)
    physics = chosen(summer, "PHYSICS 137A", ("DIS", "101"))
    econ = chosen(summer, "ECON C171", ("DIS", "101"))
    created = client.post("/api/v1/schedules/", body(summer, physics, econ), content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["conflicts"] == []
    assert [len(c["sections"]) for c in data["courses"]] == [2, 2]
    url = f"/api/v1/schedules/{data['id']}/"
    assert client.get(url).json()["courses"][1]["course"] == "ECON C171"
    stat = chosen(summer, "STAT 135", ("LAB", "101"))
    replaced = client.put(url, body(summer, physics, econ, stat), content_type="application/json").json()
    assert any("PHYSICS 137A LEC 001" in c["text"] and "STAT 135 LEC 001" in c["text"] for c in replaced["conflicts"])
    assert [s["id"] for s in client.get("/api/v1/schedules/").json()] == [data["id"]]
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_sections_must_belong_to_the_lecture(summer, students):
    client = signed_in(students[0])
    physics_lecture, _ = lecture_and(summer, "PHYSICS 137A")
    _, econ_dis = lecture_and(summer, "ECON C171", ("DIS", "101"))
    bad = {"course": "PHYSICS 137A", "sections": [physics_lecture.id, econ_dis[0].id]}
    response = client.post("/api/v1/schedules/", body(summer, bad), content_type="application/json")
    assert response.status_code == 400
    assert "courses" in response.json()["errors"]
    not_a_lecture = {"course": "ECON C171", "sections": [econ_dis[0].id]}
    assert (
        client.post("/api/v1/schedules/", body(summer, not_a_lecture), content_type="application/json").status_code
        == 400
    )


def test_signed_out_cannot_use_owned_endpoints(client, summer):
    assert client.get("/api/v1/schedules/").status_code == 403
    assert client.post("/api/v1/schedules/", body(summer), content_type="application/json").status_code == 403


def test_another_student_never_reaches_a_schedule(summer, students):
    ann, bob = students
    theirs = (
        signed_in(ann)
        .post(
            "/api/v1/schedules/",
            body(summer, chosen(summer, "ECON C171", ("DIS", "101"))),
            content_type="application/json",
        )
        .json()
    )
    schedule = Schedule.objects.get(pk=theirs["id"])
    other = signed_in(bob)
    url = f"/api/v1/schedules/{schedule.id}/"
    assert other.get(url).status_code == 404
    assert other.put(url, body(summer), content_type="application/json").status_code == 404
    assert other.delete(url).status_code == 404
    assert other.get("/api/v1/schedules/").json() == []
    for guess in (schedule.id + 1, schedule.id - 1, 0, 2**63, 10**30):
        assert other.get(f"/api/v1/schedules/{guess}/").status_code == 404
    # Pages: the schedule, its calendar, deleting it.
    assert other.get(f"/schedules/{schedule.id}/").status_code == 404
    assert other.get(f"/schedules/{schedule.id}/calendar.ics").status_code == 404
    assert other.post(f"/schedules/{schedule.id}/delete/").status_code == 404
    assert Client().get(f"/schedules/{schedule.id}/").status_code == 404
    # Saving over someone else's schedule from the planner.
    assert (
        other.post("/schedules/save/", {"term": "summer-2026", "state": "", "schedule": schedule.id}).status_code == 404
    )
    schedule.refresh_from_db()
    assert schedule.courses.count() == 1
    # The share link reads, read-only, without the private links.
    shared = Client().get(f"/api/v1/schedules/shared/{schedule.share_token}/").json()
    assert shared["courses"][0]["course"] == "ECON C171"
    assert shared["feed_url"] is None
    assert Client().get("/api/v1/schedules/shared/guessed-token/").status_code == 404


def test_csrf_is_required_for_changes(summer, students):
    client = Client(enforce_csrf_checks=True)
    client.force_login(students[0])
    response = client.post("/api/v1/schedules/", body(summer), content_type="application/json")
    assert response.status_code == 403
    assert client.post("/schedules/save/", {"term": "summer-2026", "state": ""}).status_code == 403


def test_export_and_account_deletion(summer, students):
    ann, _ = students
    signed_in(ann).post(
        "/api/v1/schedules/",
        {**body(summer, chosen(summer, "ECON C171", ("DIS", "102"))), "blocks": ["Work~MW~09:00~12:00"]},
        content_type="application/json",
    )
    exported = export_schedules(ann)["schedules"]
    assert exported[0]["courses"][0]["course"] == "ECON C171"
    assert [s["number"] for s in exported[0]["courses"][0]["sections"]] == ["001", "102"]
    assert exported[0]["blocks"] == ["Work~MW~09:00~12:00"]
    assert datetime.datetime.fromisoformat(exported[0]["created_at"])
    ann.delete()
    assert not Schedule.objects.exists()
