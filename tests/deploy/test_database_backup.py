"""charts/berkeleytime/files/database-backup.sh, the backup and restore runbook's script, against the local PostgreSQL.

A migrated database with rows is dumped, restored into new databases, and every table's row count compared.
gcloud is a stand-in on PATH that keeps the "bucket" in a local directory (no Google Cloud here).
"""

import os
import subprocess
import sys
import textwrap

import psycopg
import pytest
from psycopg import sql

from tests.deploy.conftest import BASE_DIR, CHART
from tests.deploy.databases import scratch_database
from tests.deploy.test_wait_for_migrations import environment

SCRIPT = CHART / "files" / "database-backup.sh"

ROW_COUNTS_SQL = """
    SELECT table_schema, table_name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
"""


def script(*arguments, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", SCRIPT, *map(str, arguments)],
        cwd=BASE_DIR, env=env or os.environ, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def migrate(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=BASE_DIR, env=environment(database_url), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def add_users(database_url: str, prefix: str, count: int) -> None:
    with psycopg.connect(database_url) as connection:
        for number in range(count):
            connection.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
                " is_active, date_joined) VALUES ('!', false, %s, '', '', '', false, true, now())",
                (f"{prefix}{number}",),
            )


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as connection:
        tables = list(connection.execute(ROW_COUNTS_SQL))
        return {
            f"{schema}.{table}": connection.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
            ).fetchone()[0]
            for schema, table in tables
        }


def usernames(database_url: str) -> list[str]:
    with psycopg.connect(database_url) as connection:
        return [row[0] for row in connection.execute("SELECT username FROM auth_user ORDER BY username")]


@pytest.fixture(scope="module")
def production():
    """A migrated database with rows: Django's own (content types, permissions, migrations) and 25 users."""
    with scratch_database("backup_source") as database_url:
        migrate(database_url)
        add_users(database_url, "student", 25)
        yield database_url


@pytest.fixture(scope="module")
def backup(production, tmp_path_factory):
    directory = tmp_path_factory.mktemp("backup")
    result = script("dump", production, directory)
    assert result.returncode == 0, result.stderr
    return directory


def test_a_dump_lists_every_tables_rows_beside_it(production, backup):
    (dump,) = backup.glob("berkeleytime-*.dump")
    (counts,) = backup.glob("berkeleytime-*.counts")
    assert dump.stem == counts.stem
    listed = dict(line.split("\t") for line in counts.read_text().splitlines())
    assert {table: int(rows) for table, rows in listed.items()} == row_counts(production)
    assert int(listed["public.auth_user"]) == 25


def test_a_restore_into_a_new_database_has_every_tables_rows(production, backup):
    with scratch_database("restored") as staging:
        result = script("restore", backup, staging)

        assert result.returncode == 0, result.stderr
        assert "every row count matches the backup" in result.stderr
        counts = row_counts(staging)
        assert counts == row_counts(production)
        assert counts["public.auth_user"] == 25
        assert counts["public.django_migrations"] > 20
        assert counts["public.auth_permission"] > 20
        assert usernames(staging) == usernames(production)


def test_a_restore_over_a_database_with_other_data_replaces_it(production, backup):
    with scratch_database("restored") as staging:
        # given staging with its own users and a table production does not have (an unreleased migration)
        migrate(staging)
        add_users(staging, "tester", 40)
        with psycopg.connect(staging) as connection:
            connection.execute("CREATE TABLE staging_only (id int)")

        result = script("restore", backup, staging)

        assert result.returncode == 0, result.stderr
        assert row_counts(staging) == row_counts(production)
        assert "public.staging_only" not in row_counts(staging)
        assert usernames(staging) == usernames(production)
        # and the restored database serves this code: no migration is missing
        assert subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"], cwd=BASE_DIR, env=environment(staging),
            capture_output=True,
        ).returncode == 0  # fmt: skip


def test_a_failed_restore_changes_nothing(backup, tmp_path):
    # given a truncated dump
    (dump,) = backup.glob("berkeleytime-*.dump")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / dump.name).write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    (broken / dump.with_suffix(".counts").name).write_text(dump.with_suffix(".counts").read_text())
    with scratch_database("restored") as staging:
        migrate(staging)
        add_users(staging, "tester", 3)
        before = row_counts(staging)

        result = script("restore", broken, staging)

        assert result.returncode != 0
        assert row_counts(staging) == before
        assert usernames(staging) == ["tester0", "tester1", "tester2"]


def test_a_restore_whose_row_counts_differ_from_the_backups_fails(backup, tmp_path):
    (dump,) = backup.glob("berkeleytime-*.dump")
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / dump.name).write_bytes(dump.read_bytes())
    counts = dump.with_suffix(".counts").read_text().replace("public.auth_user\t25", "public.auth_user\t26")
    (tampered / dump.with_suffix(".counts").name).write_text(counts)
    with scratch_database("restored") as staging:
        result = script("restore", tampered, staging)

    assert result.returncode == 1
    assert "row counts after the restore differ" in result.stderr
    assert "public.auth_user\t26" in result.stderr


GCLOUD_STANDIN = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    # gcloud storage cp/ls, with gs://BUCKET/... kept under $STANDIN_BUCKETS/BUCKET/...
    set -euo pipefail
    [ "$1" = storage ] || { echo "stand-in gcloud: only storage" >&2; exit 2; }
    local_path() { echo "$STANDIN_BUCKETS/${1#gs://}"; }
    case "$2" in
      cp) shift 2; args=("$@"); dest=${args[-1]}; unset 'args[-1]'
          for src in "${args[@]}"; do
            [[ $src == gs://* ]] && src=$(local_path "$src")
            if [[ $dest == gs://* ]]; then mkdir -p "$(local_path "$dest")"; cp "$src" "$(local_path "$dest")"
            else cp "$src" "$dest"; fi
          done ;;
      ls) shopt -s nullglob; found=($(local_path "$3")); [ "${#found[@]}" -gt 0 ] || exit 1
          for f in "${found[@]}"; do echo "gs://${f#"$STANDIN_BUCKETS"/}"; done ;;
      *) exit 2 ;;
    esac
    """
)


def test_the_newest_backup_goes_through_the_bucket_and_is_restored(production, backup, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gcloud").write_text(GCLOUD_STANDIN)
    (bin_dir / "gcloud").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "STANDIN_BUCKETS": str(tmp_path / "buckets")}
    bucket = "gs://berkeleytime-backups/production"
    # an older backup already in the bucket, with other rows
    older = tmp_path / "buckets" / "berkeleytime-backups" / "production"
    older.mkdir(parents=True)
    (older / "berkeleytime-20200101T000000Z.dump").write_text("not a dump")
    (older / "berkeleytime-20200101T000000Z.counts").write_text("public.auth_user\t1\n")

    uploaded = script("upload", backup, bucket, env=env)
    downloaded = script("download", bucket, tmp_path / "scratch", env=env)

    assert uploaded.returncode == 0, uploaded.stderr
    assert downloaded.returncode == 0, downloaded.stderr
    (dump,) = backup.glob("berkeleytime-*.dump")
    assert sorted(path.name for path in (tmp_path / "scratch").iterdir()) == [dump.stem + ".counts", dump.name]
    with scratch_database("restored") as staging:
        restored = script("restore", tmp_path / "scratch", staging)
        assert restored.returncode == 0, restored.stderr
        assert row_counts(staging) == row_counts(production)


def test_the_script_says_how_to_call_it():
    result = script("restore", "only-one-argument")

    assert result.returncode == 1
    assert "usage:" in result.stderr
    assert "restore DIR DATABASE_URL" in result.stderr


KUBECTL_STANDIN = textwrap.dedent(
    """\
    #!/usr/bin/env bash
    # records each call, one line of arguments each
    printf '%s\\n' "$*" >> "$KUBECTL_CALLS"
    """
)


@pytest.mark.parametrize(
    ("target", "namespace", "cronjob"),
    [("staging-refresh", "staging", "staging-refresh"), ("backup-production", "production", "database-backup")],
)
def test_the_make_target_runs_the_cronjob_once_and_waits_for_it(target, namespace, cronjob, tmp_path):
    kubectl = tmp_path / "kubectl"
    kubectl.write_text(KUBECTL_STANDIN)
    kubectl.chmod(0o755)
    calls = tmp_path / "calls"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    result = subprocess.run(
        ["make", "--no-print-directory", target, f"KUBECTL={kubectl}", f"HELM={kubectl}"],
        cwd=BASE_DIR, env={**env, "KUBECTL_CALLS": str(calls)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    create, wait, logs = calls.read_text().splitlines()
    job = create.split()[4]
    assert job.startswith(f"{cronjob}-manual-")
    assert create == f"--namespace {namespace} create job {job} --from=cronjob/berkeleytime-{cronjob}"
    assert wait == f"--namespace {namespace} wait job/{job} --for=condition=complete --timeout=60m"
    assert logs == f"--namespace {namespace} logs job/{job} --all-containers --prefix"
