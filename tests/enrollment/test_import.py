"""The enrollment importer on the real data set (imported once per run by the
enrollment_data fixture) and on small data sets the tests write themselves."""

import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from catalog.models import CourseAlias, Term
from enrollment.models import EnrollmentPoint, TermPhases
from sources.terms import TermRef
from tests.factories import CourseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

HISTORY = Path(settings.BT_DATA_DIR) / "history" / "courses-detail"


def real_curves(name: str) -> dict[str, list[dict]]:
    """Term name -> points, read straight from a file of the real data set."""
    data = json.loads((HISTORY / name).read_text())
    return {"Fall 2026": data["enrollmentHistory"], **data["enrollmentHistoryBySemester"]}


def write_history(root: Path, files: dict[str, object]) -> Path:
    """A data set holding only history/courses-detail/<name> files (dicts are dumped as JSON)."""
    directory = root / "history" / "courses-detail"
    directory.mkdir(parents=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        (directory / name).write_text(text)
    return root


def run_import(data_dir: Path) -> str:
    out = io.StringIO()
    call_command("import_enrollment", "--no-progress", "--data-dir", str(data_dir), stdout=out)
    return out.getvalue()


def point(date: str | None, enrolled: int = 10, percent: float = 10, waitlisted: int = 0, day: int = 1) -> dict:
    item = {"day": day, "enrolledCount": enrolled, "enrollmentPercent": percent, "waitlistCount": waitlisted}
    if date is not None:
        item["date"] = date
    return item


def history(current: list | None = None, **by_semester: list) -> dict:
    return {
        "gradeHistory": [],
        "enrollmentHistory": current or [],
        "enrollmentHistoryBySemester": {name.replace("_", " "): points for name, points in by_semester.items()},
    }


@pytest.fixture
def course():
    return CourseFactory(subject=SubjectFactory(code="ZZENR"), number="1")


def db_state() -> tuple:
    return (
        EnrollmentPoint.objects.count(),
        Term.objects.count(),
        TermPhases.objects.count(),
        sorted(EnrollmentPoint.objects.values_list("course_id", "term_id", "date", "enrolled", "waitlisted")),
    )


# -- the real data set -------------------------------------------------------


def test_compsci_61a_has_its_fall_2023_to_2026_curves_one_point_per_day(enrollment_data):
    for name, points in real_curves("compsci-61a.json").items():
        term = Term.objects.get(slug=name.lower().replace(" ", "-"))
        stored = list(
            EnrollmentPoint.objects.filter(course__code="COMPSCI 61A", term=term)
            .order_by("date")
            .values_list("date", "enrolled", "waitlisted")
        )
        # One point per day: the day's last snapshot in the file.
        last_of_day = {p["date"]: (p["enrolledCount"], p["waitlistCount"]) for p in points if p.get("date")}
        expected = [(d, *v) for d, v in sorted(last_of_day.items())]
        if name == "Fall 2025":
            expected = expected[1:]  # opens with Fall 2024's final count, not stored (tested below)
        assert [(d.isoformat(), e, w) for d, e, w in stored] == expected
        assert len(stored) > 10


def test_the_summary_counts_what_the_real_files_hold(enrollment_data):
    read = undated = folded = dated_days = 0
    for path in HISTORY.glob("*.json"):
        data = json.loads(path.read_text())
        for points in [data["enrollmentHistory"], *data["enrollmentHistoryBySemester"].values()]:
            read += len(points)
            dated = [p["date"] for p in points if p.get("date")]
            undated += len(points) - len(dated)
            folded += len(dated) - len(set(dated))
            dated_days += len(set(dated))
    assert f"rows read: {read} " in enrollment_data
    # Every point of the published files carries a date; any that did not would be rejected here.
    assert undated == 0
    # The only points rejected are the previous terms' final counts carried into a term's first day.
    dropped = int(re.search(r"dropped: (\d+)", enrollment_data).group(1))
    assert dropped > 0
    assert f"rejected: {dropped} (carried over from the previous term: {dropped})" in enrollment_data
    assert f"same-day snapshots folded into the day's last: {folded}" in enrollment_data
    kept = dated_days - dropped
    assert f"points kept, one per course, term and day: {kept} " in enrollment_data
    assert EnrollmentPoint.objects.filter(source="history").count() == kept


def test_no_real_term_opens_with_the_previous_terms_final_counts(enrollment_data):
    # COMPSCI 61A's Fall 2025 opens in the files with Fall 2024's final 1,210 students (88%),
    # then 0 the next day: that first point is not stored.
    files = real_curves("compsci-61a.json")
    assert files["Fall 2025"][0]["enrolledCount"] == files["Fall 2024"][-1]["enrolledCount"] > 0
    first = EnrollmentPoint.objects.filter(course__code="COMPSCI 61A", term__slug="fall-2025").earliest("date")
    assert first.date > datetime.date.fromisoformat(files["Fall 2025"][0]["date"])
    assert first.enrolled == 0
    # No term's first day shows a spike: the day's total over every course is no higher than
    # the next day's with data.
    for term in Term.objects.filter(slug__in=["fall-2023", "fall-2024", "fall-2025", "fall-2026"]):
        totals = (
            EnrollmentPoint.objects.filter(term=term).values("date").annotate(total=Sum("enrolled")).order_by("date")
        )
        first_day, next_day = totals[0], totals[1]
        assert first_day["total"] <= next_day["total"], term.name


def test_fall_2026_is_created_with_its_phases_row(enrollment_data):
    fall_2026 = Term.objects.get(slug="fall-2026")
    assert fall_2026.sort_key == 20263
    assert TermPhases.objects.filter(term=fall_2026).exists()


def test_capacity_is_worked_out_from_enrolled_and_percent(enrollment_data):
    latest = EnrollmentPoint.objects.filter(course__code="COMPSCI 61A", term__slug="fall-2025").latest("date")
    assert latest.enrolled == 1269
    assert latest.enrolled_percent == Decimal("90.6")
    assert abs(latest.capacity - 1269 / 0.906) < 1


def test_a_second_run_on_the_real_data_changes_nothing(enrollment_data):
    before = EnrollmentPoint.objects.count()
    out = run_import(settings.BT_DATA_DIR)
    assert "created: 0 " in out
    assert "updated: 0 " in out
    assert EnrollmentPoint.objects.count() == before


# -- rules, on small data sets -------------------------------------------------


def test_points_without_a_date_are_rejected_and_counted(tmp_path, course):
    data_dir = write_history(
        tmp_path,
        {
            "zzenr-1.json": history(
                [point("2031-03-01"), point(None, enrolled=99), {**point(None), "date": None}],
                Fall_2030=[point(None, enrolled=5), point("2030-04-01", enrolled=7)],
            )
        },
    )
    out = run_import(data_dir)
    assert "rejected: 3 (no date (synthetic point): 3)" in out
    assert re.search(r"zzenr-1\.json:\d+: no date", out)
    assert sorted(EnrollmentPoint.objects.filter(course=course).values_list("enrolled", flat=True)) == [7, 10]


def test_the_current_period_is_fall_2026_and_semesters_are_terms(tmp_path, course):
    data_dir = write_history(
        tmp_path,
        {"zzenr-1.json": history([point("2026-04-01")], Fall_2030=[point("2030-04-01")], Spring_2031=[])},
    )
    out = run_import(data_dir)
    terms = set(EnrollmentPoint.objects.filter(course=course).values_list("term__slug", flat=True))
    assert terms == {"fall-2026", "fall-2030"}
    assert TermPhases.objects.filter(term__slug="fall-2030").exists()
    assert "Fall 2030: 1" in out


def test_same_day_snapshots_keep_the_last_of_the_day(tmp_path, course):
    data_dir = write_history(
        tmp_path,
        {
            "zzenr-1.json": history(
                [
                    point("2026-04-13", enrolled=1, day=22),
                    point("2026-04-13", enrolled=2, day=23),
                    point("2026-04-13", enrolled=4, percent=8, waitlisted=1, day=23),
                    point("2026-04-14", enrolled=5, day=24),
                ]
            )
        },
    )
    out = run_import(data_dir)
    assert "same-day snapshots folded into the day's last: 2" in out
    first = EnrollmentPoint.objects.get(course=course, date="2026-04-13")
    assert (first.enrolled, first.waitlisted, first.day, first.capacity) == (4, 1, 23, 50)
    assert EnrollmentPoint.objects.filter(course=course).count() == 2


def test_a_course_is_found_by_any_spelling_and_unknown_courses_are_rejected(tmp_path, course):
    CourseAlias.objects.create(code="ZZ ALIAS 1", code_compact="ZZALIAS1", course=course)
    data_dir = write_history(
        tmp_path,
        {
            "zzalias-1.json": history([point("2026-04-01", enrolled=3)]),
            "nope-999.json": history([point("2026-04-01"), point("2026-04-02")]),
        },
    )
    out = run_import(data_dir)
    assert EnrollmentPoint.objects.get(course=course).enrolled == 3
    assert "rejected: 1 (unknown course: 1)" in out
    assert "nope-999.json: unknown course: NOPE 999 (2 points)" in out


def test_running_twice_changes_nothing_and_a_changed_file_updates_its_point(tmp_path, course):
    files = {"zzenr-1.json": history([point("2026-04-01"), point("2026-04-02", enrolled=12)])}
    data_dir = write_history(tmp_path, files)
    first = run_import(data_dir)
    assert re.search(r"created: \d+ \(enrollment points: 2, terms: [01]\)", first)
    again = run_import(data_dir)
    assert "created: 0 " in again
    assert "updated: 0 " in again
    assert EnrollmentPoint.objects.filter(course=course).count() == 2

    files["zzenr-1.json"]["enrollmentHistory"][1]["enrolledCount"] = 13
    (data_dir / "history" / "courses-detail" / "zzenr-1.json").write_text(json.dumps(files["zzenr-1.json"]))
    changed = run_import(data_dir)
    assert "updated: 1 (enrollment points: 1)" in changed
    assert EnrollmentPoint.objects.get(course=course, date="2026-04-02").enrolled == 13


def test_a_first_point_repeating_the_previous_terms_final_count_is_dropped_and_counted(tmp_path, course):
    # given a course whose Fall 2031 opens on the term's first day with Fall 2030's final count,
    # then falls to 0; a second course opens that day with a count of its own; a third repeats
    # its previous final count, but later than the term's first day
    other = CourseFactory(subject=course.subject, number="2")
    late = CourseFactory(subject=course.subject, number="3")
    data_dir = write_history(
        tmp_path,
        {
            "zzenr-1.json": history(
                Fall_2030=[point("2030-04-01", enrolled=0), point("2030-09-30", enrolled=120, percent=96)],
                Fall_2031=[point("2031-04-01", enrolled=121, percent=96.8), point("2031-04-02", enrolled=0, percent=0),
                           point("2031-04-20", enrolled=30, percent=24)],
            ),
            "zzenr-2.json": history(
                Fall_2030=[point("2030-09-30", enrolled=80)], Fall_2031=[point("2031-04-01", enrolled=5)]
            ),
            "zzenr-3.json": history(
                Fall_2030=[point("2030-09-30", enrolled=60)],
                Fall_2031=[point("2031-04-05", enrolled=60), point("2031-04-20", enrolled=61)],
            ),
        },
    )  # fmt: skip
    # when it is imported
    out = run_import(data_dir)
    # then the carried-over point alone is dropped, counted, and named with its file and line
    stored = EnrollmentPoint.objects.filter(course=course, term__slug="fall-2031").order_by("date")
    assert [(p.date.isoformat(), p.enrolled) for p in stored] == [("2031-04-02", 0), ("2031-04-20", 30)]
    assert EnrollmentPoint.objects.filter(course=other, term__slug="fall-2031").get().enrolled == 5
    assert EnrollmentPoint.objects.filter(course=late, term__slug="fall-2031").count() == 2
    assert "first points carried over from the previous term's final count, dropped: 1" in out
    assert "rejected: 1 (carried over from the previous term: 1)" in out
    assert re.search(
        r"zzenr-1\.json:\d+: carried over from the previous term: Fall 2031 opens on Apr 1, 2031 with 121 enrolled, "
        r"Fall 2030's final count \(120\)",
        out,
    )


def test_a_carried_over_point_stored_by_an_earlier_import_is_removed(tmp_path, course):
    # given the carried-over point stored, as imports before this rule stored it
    term = Term.objects.get_or_create(slug="fall-2031", defaults=Term.values_for(TermRef.of("fall", 2031)))[0]
    EnrollmentPoint.objects.create(
        course=course, term=term, date=datetime.date(2031, 4, 1), day=1, enrolled=120, source="history"
    )
    data_dir = write_history(
        tmp_path,
        {
            "zzenr-1.json": history(
                Fall_2030=[point("2030-09-30", enrolled=120)],
                Fall_2031=[point("2031-04-01", enrolled=120), point("2031-04-02", enrolled=0)],
            )
        },
    )
    # when the files are imported
    out = run_import(data_dir)
    # then it is gone, and a second run changes nothing
    assert not EnrollmentPoint.objects.filter(course=course, term=term, date="2031-04-01").exists()
    assert "deleted: 1 (enrollment points: 1)" in out
    again = run_import(data_dir)
    assert "deleted:" not in again
    assert "updated: 0 " in again


BROKEN_POINT = """{
  "gradeHistory": [],
  "enrollmentHistory": [],
  "enrollmentHistoryBySemester": {
    "Fall 2030": [
      {"day": 1, "date": "2030-04-01", "enrolledCount": 1, "enrollmentPercent": 1, "waitlistCount": 0},
      {"day": 2, "date": "2030-04-02", "enrolledCount": "ten", "enrollmentPercent": 1, "waitlistCount": 0}
    ]
  }
}
"""


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        ('{"enrollmentHistory": [\n  {"day": 1,\n  "date": }\n]}', "zzenr-2.json:3", "invalid JSON"),
        (BROKEN_POINT, "zzenr-2.json:7", "enrolledCount 'ten' is not a non-negative integer"),
        (
            '{"enrollmentHistory": [\n  {"day": 1, "date": "2026-02-30", "enrolledCount": 1, "waitlistCount": 0}\n]}',
            "zzenr-2.json:2",
            "is not a calendar date",
        ),
        ('{"enrollmentHistory": [\n  "2026-04-01"\n]}', "zzenr-2.json:2", "enrollment point is not an object"),
        ('{"enrollmentHistory": {"day": 1}}', "zzenr-2.json:1", '"enrollmentHistory" is not a list'),
    ],
)
def test_a_malformed_file_stops_the_run_naming_file_and_line_and_changes_nothing(
    tmp_path, course, content, where, reason
):
    CourseFactory(subject=course.subject, number="2")
    data_dir = write_history(
        tmp_path,
        {"zzenr-1.json": history([point("2026-04-01")], Fall_2031=[point("2031-04-01")]), "zzenr-2.json": content},
    )
    before = db_state()
    with pytest.raises(CommandError) as error:
        run_import(data_dir)
    message = str(error.value)
    assert where in message
    assert reason in message
    # The good file read before the bad one was not written either, nor its new term.
    assert db_state() == before
    assert not Term.objects.filter(slug="fall-2031").exists()


def test_a_missing_data_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        run_import(tmp_path)


def test_import_all_runs_the_enrollment_importer():
    from berkeleytime.management.commands.import_all import IMPORTERS

    assert IMPORTERS.index("import_enrollment") > IMPORTERS.index("import_catalog")


def test_history_and_snapshot_points_share_one_row_per_day(tmp_path, course):
    """The importer updates a day the nightly snapshot recorded rather than adding a second point."""
    data_dir = write_history(tmp_path, {"zzenr-1.json": history([point("2026-04-01", enrolled=8)])})
    run_import(data_dir)
    term = Term.objects.get(slug="fall-2026")
    EnrollmentPoint.objects.filter(course=course, term=term).update(source="snapshot", enrolled=6)
    run_import(data_dir)
    stored = EnrollmentPoint.objects.get(course=course, term=term)
    assert (stored.enrolled, stored.source) == (8, "history")
    assert EnrollmentPoint.objects.filter(course=course).count() == 1


def test_listeners_hear_which_courses_changed_and_about_failures(tmp_path, course, django_capture_on_commit_callbacks):
    from berkeleytime.signals import data_imported, import_failed

    heard = []

    def on_import(sender, importer, report, course_ids, **kwargs):
        heard.append(("imported", importer, course_ids))

    def on_failure(sender, importer, error, **kwargs):
        heard.append(("failed", importer, str(error)))

    data_imported.connect(on_import)
    import_failed.connect(on_failure)
    try:
        data_dir = write_history(tmp_path, {"zzenr-1.json": history([point("2026-04-01")])})
        with django_capture_on_commit_callbacks(execute=True):
            run_import(data_dir)
        with django_capture_on_commit_callbacks(execute=True):
            run_import(data_dir)  # nothing changed this time
        (data_dir / "history" / "courses-detail" / "zzenr-1.json").write_text("{")
        with pytest.raises(CommandError):
            run_import(data_dir)
    finally:
        data_imported.disconnect(on_import)
        import_failed.disconnect(on_failure)
    assert heard[0] == ("imported", "enrollment", {course.pk})
    assert heard[1] == ("imported", "enrollment", set())
    assert heard[2][:2] == ("failed", "enrollment")
    assert "zzenr-1.json:1: invalid JSON" in heard[2][2]
