"""docker-entrypoint.sh wait-for-migrations, the web pods' init container, against real databases.

The pod must sit in Init while the migrate Job runs (not crash-loop), start as soon as the migrations are
applied, and give up with a reason when they never are.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.deploy.conftest import BASE_DIR
from tests.deploy.databases import scratch_database


def environment(database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=database_url,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",  # the image's `python`
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def wait_for_migrations(database_url: str, timeout: int) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", "docker-entrypoint.sh", "wait-for-migrations"],
        cwd=BASE_DIR,
        env=environment(database_url, MIGRATIONS_WAIT_TIMEOUT=str(timeout), MIGRATIONS_WAIT_INTERVAL="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_init_container_waits_while_migrations_run_and_then_lets_the_pod_start():
    with scratch_database("wait") as database_url:
        # given a pod starting against a database that has none of this code's migrations
        waiting = wait_for_migrations(database_url, timeout=600)
        time.sleep(3)
        assert waiting.poll() is None, waiting.communicate()[0]

        # when the migrate Job applies them from another process
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR, env=environment(database_url), capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert migrate.returncode == 0, migrate.stderr

        # then the wait ends with success, within a couple of its 1-second retries
        output, _ = waiting.communicate(timeout=60)
        assert waiting.returncode == 0, output
        assert "waiting for migrations" in output
        assert "every migration is applied" in output


def test_the_init_container_gives_up_with_a_reason_after_its_timeout():
    with scratch_database("wait") as database_url:
        started = time.monotonic()
        waiting = wait_for_migrations(database_url, timeout=3)
        output, _ = waiting.communicate(timeout=120)

        assert waiting.returncode == 1, output
        assert "gave up after 3s waiting for migrations" in output
        assert "is the migrate Job for this image running?" in output
        assert time.monotonic() - started < 60


def test_the_init_container_passes_at_once_on_a_migrated_database():
    with scratch_database("wait") as database_url:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR, env=environment(database_url), check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        waiting = wait_for_migrations(database_url, timeout=5)
        output, _ = waiting.communicate(timeout=120)

        assert waiting.returncode == 0, output
        assert "waiting for migrations" not in output
