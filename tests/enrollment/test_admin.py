"""Term phase dates are entered in the Django admin; they start blank."""

import pytest

from enrollment.models import TermPhases

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrollment_data")]


def test_every_term_with_enrollment_data_is_listed_with_blank_dates(admin_client):
    response = admin_client.get("/admin/enrollment/termphases/")
    assert response.status_code == 200
    html = response.content.decode()
    for term in ["Fall 2026", "Fall 2025", "Fall 2024", "Fall 2023"]:
        assert f">{term}<" in html
    assert TermPhases.objects.filter(term__slug="fall-2025", phase_1_start__isnull=True).exists()


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
    response = admin_client.post(url, form)
    assert response.status_code == 302
    phases.refresh_from_db()
    assert phases.as_dict()["phase_2_start"] == "2025-07-21"
    assert phases.phase_1_end is None


def test_a_period_cannot_end_before_it_starts(admin_client):
    phases = TermPhases.objects.get(term__slug="fall-2024")
    url = f"/admin/enrollment/termphases/{phases.pk}/change/"
    response = admin_client.post(url, {"adjustment_start": "2024-09-01", "adjustment_end": "2024-08-01"})
    assert response.status_code == 200
    assert "must not be before the start" in response.content.decode()
    phases.refresh_from_db()
    assert phases.adjustment_start is None
