"""Run the deploys queued from the dashboard, one at a time.

    python manage.py deploy_worker [--once] [--poll-interval SECONDS]

Claims the oldest queued run (several workers never claim the same one), runs
it (dashboard.deploys) and goes on polling. --once handles at most one run and
exits. SIGTERM lets the current run finish, then stops. The file
DEPLOY_WORKER_HEARTBEAT_FILE is touched while the worker is alive; the chart's
probes read its age.
"""

import signal
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from dashboard import deploys, services


class Command(BaseCommand):
    help = "Run the deploys queued from the dashboard (DeployRun), one at a time."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="handle at most one queued run, then exit")
        parser.add_argument("--poll-interval", type=float, default=2.0, help="seconds between looks at the queue")

    def handle(self, *args, once: bool, poll_interval: float, **options):
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write(f"deploy worker: polling every {poll_interval:g} s (via {settings.DEPLOY_VIA})")
        while not self.stopping:
            self._beat()
            if not connection.in_atomic_block:  # a caller's transaction (tests) keeps its connection
                close_old_connections()
            abandoned = services.fail_abandoned_runs()
            if abandoned:
                self.stderr.write(f"marked {abandoned} abandoned run(s) failed")
            run = services.claim_next_run()
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
        path = settings.DEPLOY_WORKER_HEARTBEAT_FILE
        if path:
            Path(path).touch()
