"""Run the deploys queued from the dashboard, one at a time.

    python manage.py deploy_worker [--once] [--poll-interval SECONDS] [--probe-port PORT]

Claims the oldest queued run (several workers never claim the same one), runs
it (dashboard.deploys) and goes on polling. --once handles at most one run and
exits. SIGTERM lets the current run finish, then stops.

With --probe-port the worker answers Kubernetes' probes on that port: /livez
is 200 while the polling loop keeps beating, /readyz also checks the database.
"""

import http.server
import json
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from berkeleytime.health import _check_database
from dashboard import deploys, services


class Command(BaseCommand):
    help = "Run the deploys queued from the dashboard (DeployRun), one at a time."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="handle at most one queued run, then exit")
        parser.add_argument("--poll-interval", type=float, default=2.0, help="seconds between looks at the queue")
        parser.add_argument("--probe-port", type=int, default=None, help="answer /livez and /readyz on this port")

    def handle(self, *args, once: bool, poll_interval: float, probe_port: int | None, **options):
        self.stopping = False
        self.last_beat = time.monotonic()
        if probe_port is not None:
            self._serve_probes(probe_port)
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write(f"deploy worker: polling every {poll_interval:g} s (via {settings.DEPLOY_VIA})")
        while not self.stopping:
            self._beat()
            if not connection.in_atomic_block:  # a caller's transaction (tests) keeps its connection
                close_old_connections()
            try:
                abandoned = services.fail_abandoned_runs()
                run = services.claim_next_run()
            except DatabaseError as error:
                # The database will be back; a worker that exits would only be restarted.
                self.stderr.write(f"deploy worker: database unavailable ({error}); retrying")
                connection.close()
                if once:
                    raise
                time.sleep(poll_interval)
                continue
            if abandoned:
                self.stderr.write(f"marked {abandoned} abandoned run(s) failed")
            if run is not None:
                self.stdout.write(f"deploy #{run.pk} to {run.environment}: started")
                deploys.execute(run, heartbeat=self._beat)
                self.stdout.write(f"deploy #{run.pk} to {run.environment}: {run.status} (exit code {run.exit_code})")
            if once:
                return
            if run is None:
                time.sleep(poll_interval)
        self.stdout.write("deploy worker: stopped")

    def _stop(self, signum, frame):
        self.stopping = True

    def _beat(self):
        self.last_beat = time.monotonic()

    def _serve_probes(self, port: int) -> None:
        command = self

        class Probes(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                silent = time.monotonic() - command.last_beat
                problems = {}
                if silent > settings.DEPLOY_HEARTBEAT_TIMEOUT / 2:
                    problems["worker"] = f"no beat for {silent:.0f} s"
                if self.path == "/readyz":
                    try:
                        database = _check_database()
                    finally:
                        connection.close()
                    if database:
                        problems["database"] = database
                elif self.path != "/livez":
                    self.send_error(404)
                    return
                body = json.dumps({"status": "unavailable" if problems else "ok", **problems}).encode()
                self.send_response(503 if problems else 200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("0.0.0.0", port), Probes)  # noqa: S104 (the kubelet probes the pod IP)
        threading.Thread(target=server.serve_forever, daemon=True).start()
