"""Sign-in lockout (django-axes) on both logins of the dashboard host: the admin's and the dashboard's."""

import time
from datetime import timedelta

import pytest
from django.test import Client, override_settings

from .conftest import PASSWORD

LOGINS = {"admin": "/admin/login/", "dashboard": "/login/"}
COOL_OFF_SECONDS = 2


def _log_in(client: Client, login: str, username: str, password: str, **extra):
    return client.post(LOGINS[login], {"username": username, "password": password, "next": "/"}, **extra)


def _logged_in(response) -> bool:
    return response.status_code == 302 and "login" not in response["Location"]


@pytest.mark.parametrize("login", LOGINS)
def test_ten_wrong_passwords_lock_the_account_until_the_cool_off_ends(login, staff_user, dashboard_host):
    client = Client(HTTP_HOST=dashboard_host)
    with override_settings(AXES_COOLOFF_TIME=timedelta(seconds=COOL_OFF_SECONDS)):
        # given ten wrong passwords: nine are answered with the form, the tenth with the lockout
        for attempt in range(9):
            response = _log_in(client, login, "ops-staff", f"wrong-{attempt}")
            assert response.status_code == 200, f"attempt {attempt + 1} was not simply refused"
        assert _log_in(client, login, "ops-staff", "wrong-9").status_code == 429
        # when the right one follows at once, it is refused with the lockout page
        locked = _log_in(client, login, "ops-staff", PASSWORD)
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        # then, once the cool-off has passed, the right password signs in
        time.sleep(COOL_OFF_SECONDS + 1)
        assert _logged_in(_log_in(client, login, "ops-staff", PASSWORD))
        assert client.session["_auth_user_id"] == str(staff_user.pk)


def test_a_successful_login_clears_the_count(staff_user, dashboard_host):
    client = Client(HTTP_HOST=dashboard_host)
    for attempt in range(9):
        _log_in(client, "dashboard", "ops-staff", f"wrong-{attempt}")
    assert _logged_in(_log_in(client, "dashboard", "ops-staff", PASSWORD))
    client.logout()
    for attempt in range(9):
        assert _log_in(client, "dashboard", "ops-staff", f"wrong-again-{attempt}").status_code == 200
    assert _logged_in(_log_in(client, "dashboard", "ops-staff", PASSWORD))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_client_guessing_many_accounts_is_locked_out_behind_the_ingress(staff_user, dashboard_host):
    client = Client(HTTP_HOST=dashboard_host, REMOTE_ADDR="10.0.0.7")  # the ingress
    guesser = {"HTTP_X_FORWARDED_FOR": "203.0.113.40"}
    for attempt in range(10):
        # a forged address to the left of the one the ingress appends changes nothing
        forged = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{attempt}, 203.0.113.40"}
        _log_in(client, "admin", f"someone-{attempt}", "guess", **forged)
    assert _log_in(client, "admin", "ops-staff", PASSWORD, **guesser).status_code == 429
    # the account itself is not locked: staff signing in from elsewhere get in
    elsewhere = Client(HTTP_HOST=dashboard_host, REMOTE_ADDR="10.0.0.7")
    assert _logged_in(_log_in(elsewhere, "admin", "ops-staff", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.41"))
