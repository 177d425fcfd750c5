"""Saved courses: the Save control, My courses, /api/v1/me/, and one student never
reaching another's lists, through pages or the API, with guessed ids."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import services
from accounts.models import SavedList
from catalog.models import Course
from tests.accounts.oidc import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oidc_settings")]
User = get_user_model()


def test_save_from_the_course_page_and_see_it_on_my_courses_with_gpa_and_seats():
    client = signed_in_client("oski@berkeley.edu")
    page = client.get("/courses/COMPSCI/61A/")
    assert b'aria-pressed="false">Save' in page.content
    response = client.post("/my-courses/save/", {"course": "COMPSCI 61A", "next": "/courses/COMPSCI/61A/"})
    assert response.status_code == 302
    assert response["Location"] == "/courses/COMPSCI/61A/"
    assert b'aria-pressed="true">Saved' in client.get("/courses/COMPSCI/61A/").content
    mine = client.get("/my-courses/").content.decode()
    course = Course.objects.for_listing().get(code="COMPSCI 61A")
    assert "COMPSCI 61A" in mine
    assert f"{course.gpa:.2f}" in mine
    seats = services.seats([course.pk]).get(course.pk)
    if seats:
        assert f"of {seats['capacity']:,}" in mine


def test_catalog_cards_carry_the_control_and_signed_out_it_asks_to_sign_in():
    anonymous = Client().get("/catalog/?subject=COMPSCI").content.decode()
    assert "/accounts/login/?next=" in anonymous
    assert 'class="bookmark"' in anonymous
    client = signed_in_client("oski@berkeley.edu")
    listing = client.get("/catalog/?subject=COMPSCI").content.decode()
    assert listing.count('action="/my-courses/save/"') >= 10
    assert "csrfmiddlewaretoken" in listing
    # The signed-out page stays cached and never holds a student's token.
    assert "csrfmiddlewaretoken" not in Client().get("/catalog/?subject=COMPSCI").content.decode()


def test_my_courses_signed_out_prompts_to_sign_in():
    page = Client().get("/my-courses/")
    assert page.status_code == 200
    assert b"Sign in with your berkeley.edu Google account" in page.content


def test_named_lists_on_pages():
    client = signed_in_client("oski@berkeley.edu")
    assert client.post("/my-courses/lists/", {"name": "Fall 2026 maybe"}).status_code == 302
    assert client.post("/my-courses/lists/", {"name": "Fall 2026 maybe"}).status_code == 400
    assert client.post("/my-courses/lists/", {"name": "  "}).status_code == 400
    maybe = SavedList.objects.get(name="Fall 2026 maybe")
    client.post("/my-courses/save/", {"course": "DATA C8", "list": maybe.pk})
    assert [c.code for c in maybe.courses.all()] == ["DATA C8"]
    client.post(f"/my-courses/lists/{maybe.pk}/rename/", {"name": "Spring 2027"})
    maybe.refresh_from_db()
    assert maybe.name == "Spring 2027"
    client.post("/my-courses/save/", {"course": "DATA C8", "list": maybe.pk, "action": "remove"})
    assert not maybe.courses.exists()
    client.post(f"/my-courses/lists/{maybe.pk}/delete/")
    assert not SavedList.objects.filter(pk=maybe.pk).exists()


def test_the_api_lists_and_items():
    client = signed_in_client("oski@berkeley.edu")
    assert client.get("/api/v1/me/").json()["email"] == "oski@berkeley.edu"
    created = client.post("/api/v1/me/lists/", {"name": "Fall 2026 maybe"}, content_type="application/json")
    assert created.status_code == 201
    list_id = created.json()["id"]
    bad = client.post("/api/v1/me/lists/", {"name": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert "name" in bad.json()["errors"]
    added = client.post(
        f"/api/v1/me/lists/{list_id}/courses/", {"course": "COMPSCI 61A"}, content_type="application/json"
    )
    assert added.status_code == 200
    assert [c["code"] for c in added.json()["courses"]] == ["COMPSCI 61A"]
    unknown = client.post(f"/api/v1/me/lists/{list_id}/courses/", {"course": "NOPE 1"}, content_type="application/json")
    assert unknown.status_code == 400
    assert "course" in unknown.json()["errors"]
    lists = client.get("/api/v1/me/lists/").json()
    assert {entry["name"] for entry in lists} == {"Saved courses", "Fall 2026 maybe"}
    renamed = client.patch(f"/api/v1/me/lists/{list_id}/", {"name": "Later"}, content_type="application/json")
    assert renamed.json()["name"] == "Later"
    assert client.delete(f"/api/v1/me/lists/{list_id}/courses/COMPSCI/61A/").status_code == 204
    assert client.delete(f"/api/v1/me/lists/{list_id}/courses/COMPSCI/61A/").status_code == 404
    assert client.delete(f"/api/v1/me/lists/{list_id}/").status_code == 204
    assert client.get(f"/api/v1/me/lists/{list_id}/").status_code == 404


def test_signed_out_the_api_answers_403():
    client = Client()
    for path in ("/api/v1/me/", "/api/v1/me/lists/", "/api/v1/me/lists/1/", "/api/v1/me/export/"):
        assert client.get(path).status_code == 403
    assert client.post("/api/v1/me/lists/", {"name": "x"}, content_type="application/json").status_code == 403
    assert client.post("/api/v1/me/delete/", {"confirm": "x"}, content_type="application/json").status_code == 403


def test_changes_through_the_api_need_the_csrf_token():
    client = signed_in_client("oski@berkeley.edu", enforce_csrf_checks=True)
    response = client.post("/api/v1/me/lists/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_second_account_can_never_reach_the_first_ones_lists():
    first = signed_in_client("oski@berkeley.edu")
    second = signed_in_client("other@berkeley.edu")
    oski = User.objects.get(email="oski@berkeley.edu")
    mine = services.create_list(oski, "Fall 2026 maybe")
    services.add_course(oski, Course.objects.get(code="COMPSCI 61A"), mine.pk)
    default = services.default_list(oski)
    for list_id in (mine.pk, default.pk, mine.pk + 1, 999999):  # known and guessed ids
        assert second.get(f"/api/v1/me/lists/{list_id}/").status_code == 404
        body = {"name": "taken"}
        assert second.patch(f"/api/v1/me/lists/{list_id}/", body, content_type="application/json").status_code == 404
        body = {"course": "DATA C8"}
        assert (
            second.post(f"/api/v1/me/lists/{list_id}/courses/", body, content_type="application/json").status_code
            == 404
        )
        assert second.delete(f"/api/v1/me/lists/{list_id}/courses/COMPSCI/61A/").status_code == 404
        assert second.delete(f"/api/v1/me/lists/{list_id}/").status_code == 404
        assert second.post(f"/my-courses/lists/{list_id}/rename/", {"name": "taken"}).status_code == 404
        assert second.post(f"/my-courses/lists/{list_id}/delete/").status_code == 404
        assert second.post("/my-courses/save/", {"course": "DATA C8", "list": list_id}).status_code == 404
    # Removing "from every list" only ever touches the second account's own lists.
    second.post("/my-courses/save/", {"course": "COMPSCI 61A", "action": "remove"})
    assert [entry["name"] for entry in second.get("/api/v1/me/lists/").json()] == ["Saved courses"]
    assert "COMPSCI 61A" not in second.get("/my-courses/").content.decode()
    assert "Fall 2026 maybe" not in second.get("/api/v1/me/export/").content.decode()
    mine.refresh_from_db()
    assert mine.name == "Fall 2026 maybe"
    assert [c.code for c in mine.courses.all()] == ["COMPSCI 61A"]
    assert "Fall 2026 maybe" in first.get("/my-courses/").content.decode()


def test_redirects_after_saving_stay_on_this_site():
    client = signed_in_client("oski@berkeley.edu")
    response = client.post("/my-courses/save/", {"course": "COMPSCI 61A", "next": "https://evil.example/"})
    assert response["Location"] == "/my-courses/"
