"""Term phase dates in the Django admin: inferred from the data, corrected by staff."""

import io

import pytest
from django.core.management import call_command

from enrollment.models import TermPhases

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]


def test_every_term_with_enrollment_data_is_listed_with_where_its_dates_come_from(admin_client):
    response = admin_client.get("/admin/enrollment/termphases/")
    assert response.status_code == 200
    html = response.content.decode()
    for term in ["Fall 2026", "Fall 2025", "Fall 2024", "Fall 2023"]:
        assert f">{term}<" in html
    assert html.count("inferred from the enrollment data") >= 4
    assert TermPhases.objects.filter(term__slug="fall-2025", phase_1_start__isnull=False).exists()


def test_phase_dates_are_saved_from_the_admin(admin_client):
    phases = TermPhases.objects.get(term__slug="fall-2025")
    url = f"/admin/enrollment/termphases/{phases.pk}/change/"
    form = {
        "phase_1_start": "2025-04-14",
        "phase_1_end": "",
        "phase_2_start": "2025-07-21",
        "phase_2_end": "",
        "adjustment_start": "2025-08-13",
        "adjustment_end": "2025-09-26",
    }
    response = admin_client.post(url, {**form, "dates_from": phases.dates_from})
    assert response.status_code == 302
    phases.refresh_from_db()
    assert phases.as_dict()["phase_2_start"] == "2025-07-21"
    assert phases.phase_1_end is None
    # an edited date makes the term's dates staff's: a later inference leaves them alone
    assert phases.dates_from == TermPhases.STAFF
    out = io.StringIO()
    call_command("infer_phases", stdout=out)
    assert "Fall 2025: set by staff, left as it is" in out.getvalue()
    phases.refresh_from_db()
    assert phases.as_dict() == {name: value or None for name, value in form.items()}


def test_staff_hand_a_term_back_to_the_inference(admin_client):
    # given Fall 2024's inferred dates, then a staff edit
    phases = TermPhases.objects.get(term__slug="fall-2024")
    inferred = phases.as_dict()
    url = f"/admin/enrollment/termphases/{phases.pk}/change/"
    admin_client.post(url, {**{k: v or "" for k, v in inferred.items()}, "phase_1_start": "2024-04-01"})
    phases.refresh_from_db()
    assert phases.dates_from == TermPhases.STAFF
    # when staff choose "inferred" again and the inference runs
    admin_client.post(url, {**{k: v or "" for k, v in phases.as_dict().items()}, "dates_from": "inferred"})
    call_command("infer_phases", stdout=io.StringIO())
    # then the inferred dates are back
    phases.refresh_from_db()
    assert (phases.dates_from, phases.as_dict()) == (TermPhases.INFERRED, inferred)


def test_a_period_cannot_end_before_it_starts(admin_client):
    phases = TermPhases.objects.get(term__slug="fall-2024")
    url = f"/admin/enrollment/termphases/{phases.pk}/change/"
    response = admin_client.post(url, {"adjustment_start": "2024-09-01", "adjustment_end": "2024-08-01"})
    assert response.status_code == 200
    assert "must not be before the start" in response.content.decode()
    phases.refresh_from_db()
    assert phases.adjustment_start is None
