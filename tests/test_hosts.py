import pytest
from django.test import Client


@pytest.mark.parametrize("host", ["search.localhost", "dashboard.localhost"])
def test_each_site_host_answers_its_probes(host):
    client = Client(HTTP_HOST=host)
    assert client.get("/livez").status_code == 200


@pytest.mark.django_db
def test_the_main_host_serves_the_catalog_and_other_hosts_do_not():
    assert Client(HTTP_HOST="localhost").get("/api/v1/courses/COMPSCI/61A/").status_code == 200
    assert Client(HTTP_HOST="dashboard.localhost").get("/api/v1/courses/COMPSCI/61A/").status_code == 404


def test_an_unknown_host_is_refused():
    assert Client(HTTP_HOST="evil.example").get("/livez").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["localhost", "search.localhost"])
def test_the_public_hosts_do_not_serve_the_admin(host, admin_user):
    client = Client(HTTP_HOST=host)
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 404


@pytest.mark.django_db
def test_the_dashboard_host_serves_the_admin_to_staff_only(admin_user, django_user_model):
    client = Client(HTTP_HOST="dashboard.localhost")
    anonymous = client.get("/admin/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("visitor", password="not-staff-pass-1"))
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
