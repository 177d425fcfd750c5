"""Deploy runs: asking for one, and the worker's steps through it.

A run goes queued -> running -> succeeded | failed (or dispatched when GitHub
Actions does the deploy). The database keeps at most one queued or running run
per environment (a partial unique index), so two clicks that race cannot both
start a deploy: the second gets DeployInProgress.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Now
from django.utils import timezone

from .models import DeployRun, Environment


class DeployInProgress(Exception):
    def __init__(self, environment: str, active: DeployRun | None):
        self.environment, self.active = environment, active
        which = f" (#{active.pk}, {active.get_status_display().lower()})" if active else ""
        super().__init__(f"A deploy to {environment} is already queued or running{which}.")


def request_deploy(user, environment: str) -> DeployRun:
    """Queue a deploy of DEPLOY_GIT_REF to ``environment`` on behalf of ``user``."""
    if environment not in Environment.values:
        raise ValueError(f"unknown environment {environment!r}")
    try:
        with transaction.atomic():
            return DeployRun.objects.create(
                environment=environment,
                git_ref=settings.DEPLOY_GIT_REF,
                requested_by=user,
                requested_by_name=user.get_username(),
                via=settings.DEPLOY_VIA,
            )
    except IntegrityError:
        active = DeployRun.objects.active().for_environment(environment).first()
        raise DeployInProgress(environment, active) from None


def claim_next_run() -> DeployRun | None:
    """The oldest queued run, marked running; None when nothing waits.

    Workers skip rows another worker has locked, so each run is claimed once."""
    with transaction.atomic():
        run = (
            DeployRun.objects
            .select_for_update(skip_locked=True)
            .filter(status=DeployRun.Status.QUEUED)
            .order_by("created_at", "id")
            .first()
        )  # fmt: skip
        if run is None:
            return None
        now = timezone.now()
        run.status, run.started_at, run.heartbeat_at = DeployRun.Status.RUNNING, now, now
        run.save(update_fields=["status", "started_at", "heartbeat_at"])
        return run


def append_log(run: DeployRun, text: str) -> None:
    """Add output to the run's log in the database (and touch its heartbeat)."""
    updates = {"heartbeat_at": Now()}
    if text:
        updates["log"] = Concat("log", Value(text))
        run.log += text
    DeployRun.objects.filter(pk=run.pk).update(**updates)


def record(run: DeployRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    DeployRun.objects.filter(pk=run.pk).update(**fields)


def finish(run: DeployRun, status: str, exit_code: int | None) -> None:
    record(run, status=status, exit_code=exit_code, finished_at=timezone.now())


def fail_abandoned_runs() -> int:
    """Fail running runs whose worker stopped reporting (killed pod, lost node), freeing their environment."""
    cutoff = timezone.now() - timedelta(seconds=settings.DEPLOY_HEARTBEAT_TIMEOUT)
    return DeployRun.objects.filter(status=DeployRun.Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=DeployRun.Status.FAILED,
        finished_at=Now(),
        log=Concat("log", Value("\n[deploy worker stopped reporting; marked failed]\n")),
    )
