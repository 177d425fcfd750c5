"""Grade benchmarks: the heaviest distribution over HTTP, and the time to import all grade data.

Distribution: the course with the most sections, over all terms, against the
trivial /livez view in the same gunicorn: warm (response cache on, after one
request) and cold (API_RESPONSE_CACHE=false, so every request aggregates in
PostgreSQL). Targets: warm p99 <= 10 ms, cold p99 <= 50 ms, warm throughput >= 60%
of the trivial view.

Import: `manage.py import_grades` into an empty grade table, next to a raw
PostgreSQL COPY of the same rows (grade rows and instructor links) into scratch
tables. Target: under 60 s.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time

from benchmarks import harness


def busiest_course() -> tuple[str, str, int]:
    with harness.connect() as db:
        return db.execute(
            "SELECT c.subject_id, c.number, COUNT(*) FROM grades_grade g JOIN catalog_course c ON c.id = g.course_id "
            "GROUP BY c.subject_id, c.number ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()


def bench_distribution(options) -> dict:
    subject, number, sections = busiest_course()
    path = f"/api/v1/grades/{subject}/{number}/"
    with harness.gunicorn() as base:
        warm = harness.compare(base, path, rounds=options.rounds, seconds=options.seconds)
    with harness.gunicorn(env={"API_RESPONSE_CACHE": "false"}) as base:
        cold = harness.compare(base, path, rounds=options.rounds, seconds=options.seconds)
    result = {
        "course": f"{subject} {number}",
        "sections": sections,
        "warm": warm,
        "cold": cold,
        "targets": {"warm_p99_ms_max": 10, "cold_p99_ms_max": 50, "warm_throughput_ratio_min": 0.6},
    }
    result["meets_targets"] = (
        warm["target_p99_ms"] <= 10 and cold["target_p99_ms"] <= 50 and warm["throughput_ratio"] >= 0.6
    )
    return result


def _copy_seconds(db, table: str, columns: str) -> tuple[float, int]:
    """Export a table's rows, then time COPY of them into an empty scratch copy of the table."""
    buffer = io.BytesIO()
    with db.cursor() as cursor, cursor.copy(f"COPY (SELECT {columns} FROM {table}) TO STDOUT") as copy:  # noqa: S608
        for chunk in copy:
            buffer.write(chunk)
    data = buffer.getvalue()
    rows = data.count(b"\n")
    db.execute(f"DROP TABLE IF EXISTS bench_{table}")
    db.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
    started = time.perf_counter()
    with db.cursor() as cursor, cursor.copy(f"COPY bench_{table} ({columns}) FROM STDIN") as copy:
        copy.write(data)
    seconds = time.perf_counter() - started
    db.execute(f"DROP TABLE bench_{table}")
    return seconds, rows


def bench_import(options) -> dict:
    manage = [sys.executable, str(harness.BASE_DIR / "manage.py")]
    with harness.connect() as db:
        db.execute("DELETE FROM grades_grade_instructors")
        db.execute("DELETE FROM grades_grade")
        db.execute("DELETE FROM grades_instructorspelling")
        db.execute("DELETE FROM grades_instructor")
        db.execute("DELETE FROM grades_coursegrades")
    started = time.perf_counter()
    subprocess.run([*manage, "import_grades", "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    import_seconds = time.perf_counter() - started
    with harness.connect() as db:
        columns = ", ".join(
            row[0]
            for row in db.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'grades_grade' "
                "ORDER BY ordinal_position"
            )
        )
        grade_seconds, grade_rows = _copy_seconds(db, "grades_grade", columns)
        link_seconds, link_rows = _copy_seconds(db, "grades_grade_instructors", "id, grade_id, instructor_id")
    copy_seconds = grade_seconds + link_seconds
    return {
        "import_seconds": round(import_seconds, 2),
        "copy_seconds": round(copy_seconds, 3),
        "grade_rows": grade_rows,
        "instructor_links": link_rows,
        "import_to_copy_ratio": round(import_seconds / copy_seconds, 1),
        "targets": {"import_seconds_max": 60},
        "meets_targets": import_seconds < 60,
    }
