"""Sign-in with Google (berkeley.edu only) through the local OpenID Connect provider,
sign-out, sign-out everywhere, the JSON export and account deletion."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from accounts import services
from accounts.models import SavedCourse, SavedList
from catalog.models import Course
from tests.accounts.oidc import sign_in, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oidc_settings")]
User = get_user_model()


def test_a_berkeley_account_signs_in_and_comes_back_where_it_was():
    client = Client()
    response = sign_in(client, "oski@berkeley.edu", next_path="/my-courses/")
    assert response.status_code == 302
    assert response["Location"] == "/my-courses/"
    user = User.objects.get(email="oski@berkeley.edu")
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "google"
    assert account.extra_data["id_token"]["hd"] == "berkeley.edu"
    page = client.get("/my-courses/")
    assert b"Sign out" in page.content
    assert b"Saved courses" in page.content
    # A second sign-in finds the same account.
    sign_in(Client(), "oski@berkeley.edu")
    assert User.objects.filter(email="oski@berkeley.edu").count() == 1


@pytest.mark.parametrize(
    ("email", "says"),
    [
        ("someone@gmail.com", b"is not a berkeley.edu address"),
        ("someone@stanford.edu", b"is not a berkeley.edu address"),
        ("unverified@berkeley.edu", b"has not verified"),
    ],
)
def test_any_other_account_is_refused_with_a_clear_page_and_nothing_kept(email, says):
    client = Client()
    response = sign_in(client, email)
    assert response.status_code == 403
    assert b"Only berkeley.edu accounts can sign in" in response.content
    assert says in response.content
    assert not User.objects.filter(email=email).exists()
    assert not SocialAccount.objects.exists()
    assert client.get("/account/").status_code == 302  # still signed out


def test_the_allowed_domain_is_a_setting(oidc_settings):
    oidc_settings.ACCOUNT_ALLOWED_DOMAIN = "stanford.edu"
    assert sign_in(Client(), "tree@stanford.edu").status_code == 302
    assert sign_in(Client(), "oski@berkeley.edu").status_code == 403


def test_there_are_no_passwords_or_sign_up_forms_of_our_own():
    client = Client()
    assert client.get("/accounts/signup/").status_code == 404
    assert client.get("/accounts/password/reset/").status_code == 404
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b"Sign in with Google" in page.content
    assert b'type="password"' not in page.content


def test_sign_out_is_a_post_with_csrf():
    client = signed_in_client("oski@berkeley.edu", enforce_csrf_checks=True)
    assert client.get("/accounts/logout/").status_code == 200  # a page with the form; still signed in
    assert client.get("/account/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 403  # no CSRF token
    token = client.cookies["csrftoken"].value
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get("/account/").status_code == 302


def test_sign_out_everywhere_ends_every_session():
    laptop = signed_in_client("oski@berkeley.edu")
    phone = signed_in_client("oski@berkeley.edu")
    assert phone.get("/account/").status_code == 200
    assert laptop.post("/account/sign-out-everywhere/").status_code == 302
    assert laptop.get("/account/").status_code == 302
    assert phone.get("/account/").status_code == 302
    assert phone.get("/api/v1/me/").status_code == 403
    # Signing in again works.
    assert signed_in_client("oski@berkeley.edu").get("/account/").status_code == 200


def test_the_export_holds_everything_kept():
    client = signed_in_client("oski@berkeley.edu")
    user = User.objects.get(email="oski@berkeley.edu")
    services.add_course(user, Course.objects.get(code="COMPSCI 61A"))
    maybe = services.create_list(user, "Fall 2026 maybe")
    services.add_course(user, Course.objects.get(code="DATA C8"), maybe.pk)
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["user"]["email"] == "oski@berkeley.edu"
    assert document["sign_ins"][0]["provider"] == "google"
    lists = {entry["name"]: [c["code"] for c in entry["courses"]] for entry in document["lists"]}
    assert lists == {"Saved courses": ["COMPSCI 61A"], "Fall 2026 maybe": ["DATA C8"]}
    assert client.get("/api/v1/me/export/").json()["lists"] == document["lists"]
    assert Client().get("/account/export.json").status_code == 302


def test_the_export_gathers_every_registered_contribution(settings):
    settings.BT_ACCOUNT_EXPORTS = [*settings.BT_ACCOUNT_EXPORTS, "tests.accounts.test_sign_in.contribution"]
    client = signed_in_client("oski@berkeley.edu")
    assert client.get("/account/export.json").json()["extra"] == {"for": "oski@berkeley.edu"}


def contribution(user) -> dict:
    return {"extra": {"for": user.email}}


def test_deleting_the_account_deletes_everything_and_signs_out():
    client = signed_in_client("oski@berkeley.edu")
    other = signed_in_client("other@berkeley.edu")
    user = User.objects.get(email="oski@berkeley.edu")
    services.add_course(user, Course.objects.get(code="COMPSCI 61A"))
    assert client.post("/account/delete/", {"confirm": "wrong@berkeley.edu"}).status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/account/delete/", {"confirm": "OSKI@berkeley.edu"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not SocialAccount.objects.filter(user_id=user.pk).exists()
    assert not SavedList.objects.filter(user_id=user.pk).exists()
    assert not SavedCourse.objects.filter(saved_list__user_id=user.pk).exists()
    assert client.get("/account/").status_code == 302
    assert other.get("/account/").status_code == 200  # someone else's account is untouched


def test_deleting_through_the_api():
    client = signed_in_client("oski@berkeley.edu")
    assert client.post("/api/v1/me/delete/", {"confirm": "x@berkeley.edu"}, content_type="application/json").json()[
        "errors"
    ] == {"confirm": ["Give your account's email address to confirm."]}
    response = client.post("/api/v1/me/delete/", {"confirm": "oski@berkeley.edu"}, content_type="application/json")
    assert response.status_code == 204
    assert not User.objects.filter(email="oski@berkeley.edu").exists()
    assert client.get("/api/v1/me/").status_code == 403


def test_the_header_sign_in_link_comes_back_to_the_page():
    page = Client().get("/courses/COMPSCI/61A/").content.decode()
    assert 'href="/accounts/login/?next=/courses/COMPSCI/61A/"' in page
    login = Client().get("/accounts/login/?next=/courses/COMPSCI/61A/").content.decode()
    assert 'action="/accounts/oidc/google/login/?next=%2Fcourses%2FCOMPSCI%2F61A%2F"' in login
