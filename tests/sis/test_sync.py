"""sis_sync against a real stand-in SIS over HTTP: the syncs, the guards, replay, the API and pages."""

import datetime
import io
import json
from pathlib import Path

import jsonschema
import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.formats import date_format

from berkeleytime.db import DATA_WRITES_LOCK
from catalog.models import Course, Section, Term
from enrollment.models import EnrollmentPoint, EnrollmentSnapshot, SectionSnapshot, TermPhases
from sis.models import SyncRun
from sources.sis import records
from tests import server as test_server

pytestmark = pytest.mark.django_db
SPECS = Path(django_settings.BT_DATA_DIR).parent / "sis-api"


def sync(*args) -> str:
    out = io.StringIO()
    call_command("sis_sync", *args, stdout=out)
    return out.getvalue()


def summer_sections() -> dict:
    return {
        (s.course.code, s.kind, s.number): (s.enrolled, s.capacity, s.waitlisted, s.class_number, s.parent_id is None)
        for s in Section.objects.filter(term__slug="summer-2026").select_related("course")
    }


def lecture(code="COMPSCI 61A") -> Section:
    return Section.objects.get(course__code=code, term__slug="summer-2026", kind="LEC", number="001")


# -- the stand-in keeps the contract ------------------------------------------


@pytest.mark.parametrize(
    ("spec", "definition", "path", "params"),
    [
        ("classes", "classSectionPayload", "/v1/classes/sections", "term-id=2265&page-size=100&page-number=3"),
        (
            "classes",
            "classSectionEnrollmentPayload",
            "/v1/classes/sections/terms/2265/updated/enrollments",
            "page-size=100",
        ),
        ("courses", "coursesPayload", "/v5/courses", "page-size=100&page-number=2"),
        ("terms", "termResponse", "/v2/terms", "temporal-position=Current"),
    ],
)
def test_the_standin_answers_in_the_shapes_of_the_specifications(standin, spec, definition, path, params):
    document = json.loads((SPECS / f"{spec}.json").read_text())
    status, body = standin.get(path, params)
    assert status == 200
    schema = {"$ref": f"#/definitions/{definition}", "definitions": document["definitions"]}
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft4Validator(schema).iter_errors(body)]
    assert errors == []
    inner = body.get("apiResponse", body)["response"]
    assert next(iter(inner.values()))  # a non-empty list


def test_the_standin_refuses_calls_without_its_credentials(standin):
    status, _ = standin.get("/v2/terms", "", credentials=("test-id", "wrong"))
    assert status == 401


def test_the_records_read_the_specifications_own_examples():
    classes = json.loads((SPECS / "classes.json").read_text())
    example = classes["paths"]["/v1/classes/sections"]["get"]["responses"]["200"]["examples"]["application/json"]
    section = records.section(example["apiResponse"]["response"]["classSections"][0], 1, 1)
    assert (section.subject, section.number, section.kind, section.section, section.term.slug) == (
        "CIVENG", "244", "LEC", "001", "fall-2021",
    )  # fmt: skip
    assert (section.counts.enrolled, section.counts.capacity, section.counts.waitlisted) == (51, 85, 0)
    assert section.meetings[0]["days"] == ["M", "W", "F"]
    assert section.meetings[0]["instructors"] == ["Jack Eemlho"]
    courses = json.loads((SPECS / "courses.json").read_text())
    example = courses["paths"]["/v5/courses"]["get"]["responses"]["200"]["examples"]["application/json"]
    course = records.course(example["apiResponse"]["response"]["courses"][0], 1, 1)
    assert (course.subject, course.number, course.title, course.units) == (
        "ART",
        "14",
        "The Language of Sculpture",
        (3, 3),
    )


# -- the syncs -----------------------------------------------------------------


def test_terms_then_classes_fill_the_term_and_a_second_run_changes_nothing(standin):
    sync("terms")
    summer = Term.objects.get(slug="summer-2026")
    assert (summer.sis_id, str(summer.enroll_begin), str(summer.enroll_end)) == ("2265", "2026-02-02", "2026-08-07")
    assert Term.objects.filter(slug="fall-2026", begin_date__isnull=False).exists()

    output = sync("classes", "--term", "summer-2026")
    summer.refresh_from_db()
    sections = summer_sections()
    assert len(sections) == 1757  # the listing's classes, less its 19 placeholders
    assert summer.sections_synced_at is not None
    assert all(value[3] for value in sections.values())  # every section has its SIS class number
    assert "Run " in output

    again = sync("classes", "--term", "2265")
    assert "0 records changed" in again
    assert summer_sections() == sections


def test_a_classes_sync_removes_what_the_sis_no_longer_lists_and_links_discussions(standin):
    sync("classes", "--term", "summer-2026")
    listed = len(summer_sections())
    discussion = Section.objects.filter(term__slug="summer-2026", kind="DIS", course__code="COMPSCI 61A").first()
    assert discussion.parent is not None
    assert (discussion.parent.course_id, discussion.parent.kind) == (discussion.course_id, "LEC")

    standin.control("fault", kind="shrink", keep=0.9)  # within the guard's 20%
    output = sync("classes", "--term", "summer-2026")

    remaining = summer_sections()
    assert 0.85 * listed < len(remaining) < 0.95 * listed
    assert f"deleted: {listed - len(remaining)}" in output


def test_an_enrollment_sync_moves_the_counts_the_api_and_the_pages(standin, client):
    sync("classes", "--term", "summer-2026")
    standin.control(
        "counts", course="COMPSCI 61A", kind="LEC", section="001", enrolled=238, capacity=260, waitlisted=12
    )

    output = sync("enrollment", "--term", "summer-2026")

    assert "1 records changed" in output
    detail = client.get("/api/v1/courses/COMPSCI/61A/", {"term": "summer-2026"}).json()
    lectures = [s for s in detail["sections"] if s["kind"] == "LEC"]
    assert (lectures[0]["enrolled"], lectures[0]["capacity"], lectures[0]["waitlisted"]) == (238, 260, 12)
    assert detail["counts_as_of"] is not None
    series = client.get("/api/v1/enrollment/COMPSCI/61A/", {"term": "summer-2026"}).json()
    primaries = Section.objects.filter(course__code="COMPSCI 61A", term__slug="summer-2026", parent__isnull=True)
    assert series["points"][-1]["enrolled"] == sum(s.enrolled for s in primaries)
    assert series["as_of"] == detail["counts_as_of"]
    as_of = date_format(timezone.localtime(Term.objects.get(slug="summer-2026").counts_as_of), "M j, Y, g:i A")
    html = client.get("/courses/COMPSCI/61A/", {"term": "summer-2026"}).content.decode()
    assert f"Seats as of {as_of}, from UC Berkeley's class schedule" in html
    page = client.get("/enrollment/", {"s": "COMPSCI/61A/summer-2026"}).content.decode()
    assert f"as of {as_of}: {series['points'][-1]['enrolled']} enrolled" in page


def test_a_terms_first_synced_point_is_its_own_count_never_the_previous_terms_final_one(standin):
    # given COMPSCI 61A's term before ended with 999 students
    course = Course.objects.get(code="COMPSCI 61A")
    summer_2025, _ = Term.objects.get_or_create(slug="summer-2025", defaults={"year": 2025, "season": "summer",
                                                                             "sort_key": 20252})  # fmt: skip
    EnrollmentPoint.objects.create(
        course=course, term=summer_2025, date=datetime.date(2025, 8, 10), day=100, enrolled=999, source="history"
    )
    # when Summer 2026's sections and counts are synced for the first time
    sync("classes", "--term", "summer-2026")
    sync("enrollment", "--term", "summer-2026")
    # then the term's first point is the total of its own primary sections: the sync reads
    # nothing but the term's sections, so it cannot carry a previous term's count over
    first = EnrollmentPoint.objects.filter(course=course, term__slug="summer-2026").earliest("date")
    primaries = Section.objects.filter(course=course, term__slug="summer-2026", parent__isnull=True)
    assert first.enrolled == sum(s.enrolled or 0 for s in primaries)
    assert first.enrolled != 999
    # and the term's phases were inferred after the sync
    assert TermPhases.objects.get(term__slug="summer-2026").dates_from == TermPhases.INFERRED


def test_identical_counts_are_kept_once_and_changes_are_snapshots(standin, client):
    sync("classes", "--term", "summer-2026")
    sync("enrollment", "--term", "summer-2026")
    first = EnrollmentSnapshot.objects.count()
    sync("enrollment", "--term", "summer-2026")
    assert EnrollmentSnapshot.objects.count() == first  # nothing changed: nothing added

    standin.control("counts", course="COMPSCI 61A", kind="LEC", section="001", enrolled=300)
    sync("enrollment", "--term", "summer-2026")
    assert EnrollmentSnapshot.objects.count() == first + 1
    assert SectionSnapshot.objects.filter(section=lecture(), enrolled=300).count() == 1
    fine = client.get("/api/v1/enrollment/COMPSCI/61A/", {"term": "summer-2026", "resolution": "snapshot"}).json()
    assert len(fine["snapshots"]) == 2
    assert "snapshots" not in client.get("/api/v1/enrollment/COMPSCI/61A/", {"term": "summer-2026"}).json()
    assert client.get("/api/v1/enrollment/COMPSCI/61A/", {"resolution": "minute"}).status_code == 400


def test_the_enrollment_sync_asks_only_for_what_changed_since_the_last_run(standin):
    sync("classes", "--term", "summer-2026")
    sync("enrollment", "--term", "summer-2026")
    run = SyncRun.objects.filter(kind="enrollment").first()
    assert run.since is not None
    assert run.records_read == 0  # the stand-in updated nothing since the classes sync


def test_courses_sync_describes_courses_and_links_the_sis_cross_listings(standin):
    sync("courses")
    course = Course.objects.get(code="COMPSCI 61A")
    assert course.sis_synced_at is not None
    assert course.title == "The Structure and Interpretation of Computer Programs"
    data_c8 = Course.objects.get(code="DATA C8")
    assert data_c8.cross_listings.exists()


def test_the_file_importer_leaves_a_synced_terms_sections_to_the_sis(standin):
    sync("classes", "--term", "summer-2026")
    standin.control("counts", course="COMPSCI 61A", kind="LEC", section="001", enrolled=222)
    sync("enrollment", "--term", "summer-2026")
    call_command("import_catalog", "--no-progress", stdout=io.StringIO())
    assert lecture().enrolled == 222


def test_the_cronjob_forms_pick_their_terms_from_the_term_dates(standin):
    sync("terms")
    today = timezone.localdate()
    Term.objects.update(enroll_begin=None, enroll_end=None, end_date=None)
    assert "No term is open for enrollment today" in sync("enrollment", "--open-terms")
    assert "nothing to sync" in sync("classes", "--current-terms")

    Term.objects.filter(slug="summer-2026").update(
        enroll_begin=today - datetime.timedelta(days=3), enroll_end=today, end_date=today
    )
    Term.objects.filter(slug="fall-2026").update(end_date=today + datetime.timedelta(days=90))
    classes = sync("classes", "--current-terms")
    assert "SIS sync: classes of Summer 2026" in classes
    assert "SIS sync: classes of Fall 2026" in classes
    enrollment = sync("enrollment", "--open-terms")
    assert "SIS sync: enrollment of Summer 2026" in enrollment
    assert "Fall 2026" not in enrollment


def test_no_two_runs_write_at_once(standin, settings):
    settings.DATA_LOCK_WAIT_SECONDS = 0.5
    before = database_state()
    with psycopg.connect(test_server.test_database_url(), autocommit=True) as other_process:
        other_process.execute("SELECT pg_advisory_lock(%s)", [DATA_WRITES_LOCK])
        with pytest.raises(CommandError, match="another import or SIS sync is still writing after 0.5 s"):
            sync("classes", "--term", "summer-2026")
        with pytest.raises(CommandError, match="^import_catalog: another import"):
            call_command("import_catalog", "--no-progress", stdout=io.StringIO())
        assert database_state() == before
        assert not SyncRun.objects.exists()
    # once the other run is done, the sync goes ahead
    sync("terms")
    assert SyncRun.objects.get().status == "ok"


# -- guards: nothing changes ---------------------------------------------------


def database_state() -> tuple:
    return (
        summer_sections(),
        Term.objects.get(slug="summer-2026").sections_synced_at,
        EnrollmentPoint.objects.count(),
        EnrollmentSnapshot.objects.count(),
    )


def test_refused_credentials_are_one_clear_line(standin, settings):
    settings.SIS_CREDENTIALS = {**settings.SIS_CREDENTIALS, "class": ("test-id", "wrong")}
    before = database_state()
    with pytest.raises(CommandError) as error:
        sync("classes", "--term", "summer-2026")
    message = str(error.value)
    assert message == (
        "SIS Class API, page 1: the SIS refused the credentials (HTTP 401); check SIS_CLASS_APP_ID and SIS_CLASS_APP_KEY"
    )
    assert database_state() == before
    assert SyncRun.objects.get(kind="classes").status == "failed"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"kind": "status", "status": 500, "times": 10}, "page 1: HTTP 500 after 2 tries"),
        ({"kind": "malformed"}, "malformed JSON"),
        ({"kind": "truncate", "page": 3}, "page 3: malformed JSON"),
        ({"kind": "timeout", "seconds": 4}, "page 1: timed out after 2 tries"),
    ],
)
def test_a_failing_sis_changes_nothing(standin, settings, fault, message):
    settings.SIS_RETRIES = 1
    sync("classes", "--term", "summer-2026")
    standin.control("counts", course="COMPSCI 61A", kind="LEC", section="001", enrolled=199)
    before = database_state()
    standin.control("fault", **fault)

    with pytest.raises(CommandError, match=message):
        sync("classes", "--term", "summer-2026")

    assert database_state() == before
    assert SyncRun.objects.filter(kind="classes").first().status == "failed"


def test_a_5xx_is_retried(standin):
    standin.control("fault", kind="status", status=503, times=2)
    sync("terms")
    assert SyncRun.objects.get(kind="terms").status == "ok"


def test_a_shrinking_answer_is_refused_logged_and_counted(standin, client, caplog):
    sync("classes", "--term", "summer-2026")
    before = database_state()
    standin.control("fault", kind="shrink", keep=0.5)

    with pytest.raises(CommandError, match=r"refused: the SIS's answer would remove .* more than the 20%"):
        sync("classes", "--term", "summer-2026")

    assert database_state() == before
    assert SyncRun.objects.filter(kind="classes").first().status == "refused"
    assert "sis_sync classes run" in caplog.text
    assert "refused: the SIS's answer would remove" in caplog.text
    metrics = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_HOST="127.0.0.1").content.decode()
    assert 'berkeleytime_sis_sync_runs_total{kind="classes",status="refused"} 1.0' in metrics


# -- replay --------------------------------------------------------------------


def test_a_replayed_run_equals_the_original(standin):
    sync("classes", "--term", "summer-2026")
    standin.control("counts", course="COMPSCI 61A", kind="LEC", section="001", enrolled=211)
    sync("enrollment", "--term", "summer-2026")
    original = database_state()
    run = SyncRun.objects.filter(kind="enrollment").first()

    # the database is put back as it was before the run, and the SIS changes again
    lecture_section = lecture()
    lecture_section.enrolled = 5
    lecture_section.save()
    EnrollmentSnapshot.objects.filter(recorded_at=run.as_of).delete()
    SectionSnapshot.objects.filter(recorded_at=run.as_of).delete()
    standin.control("counts", course="COMPSCI 61A", kind="LEC", section="001", enrolled=999)

    sync("enrollment", "--replay", str(run.pk))

    assert database_state() == original
    assert lecture().enrolled == 211
    assert SyncRun.objects.filter(replay_of=run).count() == 1
