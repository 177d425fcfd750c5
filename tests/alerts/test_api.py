"""/api/v1/me/alerts/ and the alerts pages' forms: following, the 400s naming the field,
another student's follow as unknown as a missing one, and CSRF on every change."""

import pytest
from django.test import Client

from alerts.models import Follow

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/alerts/"


def signed_in(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def post(client, **data):
    return client.post(URL, data, content_type="application/json")


def test_follow_a_section_list_it_and_delete_it(students, small_class):
    ann, _ = students
    term, course, *_ = small_class
    client = signed_in(ann)

    created = post(client, course=course.code, term=term.slug, section="lec 002", waitlist_position=4)

    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["course"], data["term"], data["section"], data["seats"], data["waitlist_position"]) == (
        course.code, "fall-2031", "LEC 002", True, 4,
    )  # fmt: skip
    assert (data["active"], data["last_seen"], data["alerts"]) == (True, None, [])
    again = post(client, course=course.code, term=term.slug, section="LEC 002", seats=False, waitlist_position=2)
    assert again.json()["id"] == data["id"]  # following again changes what is watched
    assert client.get(URL).json()[0]["waitlist_position"] == 2
    assert client.delete(f"{URL}{data['id']}/").status_code == 204
    assert client.get(URL).json() == []


def test_the_class_of_the_coming_term_when_no_term_or_section_is_given(students, small_class):
    term, course, *_ = small_class
    data = post(signed_in(students[0]), course=course.code).json()
    assert (data["term"], data["section"]) == (term.slug, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "course"),
        ({"course": "NOPE 999"}, "course"),
        ({"course": "{code}", "term": "fall-1999"}, "term"),
        ({"course": "{code}", "term": "not a slug"}, "term"),
        ({"course": "{code}", "section": "LEC 999"}, "section"),
        ({"course": "{code}", "section": "LEC\x00001"}, "section"),
        ({"course": "{code}", "seats": False}, "seats"),
        ({"course": "{code}", "waitlist_position": 0}, "waitlist_position"),
        ({"course": "{code}", "waitlist_position": 1000}, "waitlist_position"),
        ({"course": "{code}", "waitlist_position": "third"}, "waitlist_position"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(students, small_class, body, field):
    _, course, *_ = small_class
    body = {k: v.format(code=course.code) if isinstance(v, str) else v for k, v in body.items()}
    answer = post(signed_in(students[0]), **body)
    assert answer.status_code == 400
    assert field in answer.json()["errors"], answer.json()
    assert not Follow.objects.exists()


def test_another_students_follow_is_a_404_and_signed_out_is_a_403(students, small_class, client):
    ann, bob = students
    term, course, first, *_ = small_class
    mine = post(signed_in(ann), course=course.code, term=term.slug, section="LEC 001").json()["id"]
    bobs = signed_in(bob)
    assert bobs.get(f"{URL}{mine}/").status_code == 404
    assert bobs.delete(f"{URL}{mine}/").status_code == 404
    assert bobs.post(f"/alerts/{mine}/stop/").status_code == 404
    assert Follow.objects.get(pk=mine).active
    assert client.get(URL).status_code == 403
    assert client.get("/alerts/").status_code == 302


def test_changes_need_the_csrf_token(students, small_class):
    term, course, *_ = small_class
    client = signed_in(students[0], enforce_csrf_checks=True)
    assert post(client, course=course.code).status_code == 403
    assert client.post("/alerts/follow/", {"course": course.code, "seats": "on"}).status_code == 403
    assert not Follow.objects.exists()


def test_the_pages_follow_change_stop_and_resume(students, small_class):
    ann, _ = students
    term, course, first, *_ = small_class
    client = signed_in(ann)
    page = f"/courses/{course.subject_id}/{course.number}/"
    panel = client.get(page).content.decode()
    assert 'action="/alerts/follow/"' in panel
    assert f'<option value="{first.pk}">LEC 001 · 0 open · 5 waitlisted</option>' in panel

    answer = client.post("/alerts/follow/", {"course": course.code, "term": term.slug, "section": first.pk,
                                             "seats": "on", "next": page})  # fmt: skip
    assert (answer.status_code, answer["Location"]) == (302, page)
    found = Follow.objects.get()
    assert "(following)" in client.get(page).content.decode()

    client.post(f"/alerts/{found.pk}/", {"waitlist_position": "7"})  # seats unticked, a place given
    found.refresh_from_db()
    assert (found.watch_seats, found.waitlist_position) == (False, 7)
    refused = client.post(f"/alerts/{found.pk}/", {}, follow=True).content.decode()
    assert "Watch open seats, a waitlist position, or both." in refused
    client.post(f"/alerts/{found.pk}/stop/")
    assert "stopped" in client.get("/alerts/").content.decode()
    client.post(f"/alerts/{found.pk}/resume/")
    found.refresh_from_db()
    assert found.active
    client.post(f"/alerts/{found.pk}/delete/")
    assert not Follow.objects.exists()

    signed_out = Client().get(page).content.decode()
    assert "Sign in to follow it" in signed_out
