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
