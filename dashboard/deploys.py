"""What the deploy worker does with a claimed run: run the configured command, or hand the
deploy to a GitHub Actions workflow.

DEPLOY_VIA=command (the default) runs DEPLOY_COMMANDS[environment] (the
Makefile's deploy targets) in DEPLOY_WORKDIR, streaming its output into the
run's log; DEPLOY_DRY_RUN adds DRY_RUN=1, so make runs only its read-only
lookups (the registry's digest, what staging runs) and prints the upgrade it
would run, with that digest. A non-zero exit code fails the run.

DEPLOY_VIA=github asks GitHub to run GITHUB_WORKFLOWS[environment] on the run's
git ref (workflow_dispatch); the run is then "dispatched" and its log links to
the workflow's runs.
"""

from __future__ import annotations

import codecs
import json
import os
import queue
import re
import shlex
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings

from . import services
from .models import DeployRun

FLUSH_SECONDS = 0.5
# `helm upgrade ... --set-string image.tag=<commit>`, as the deploy targets print it.
IMAGE_TAG = re.compile(r"image\.tag=([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(?=\s|$)")


def execute(run: DeployRun, heartbeat=None) -> None:
    """Carry out a claimed (running) run to its end; never raises for a failed deploy."""
    if run.via == "github":
        dispatch_workflow(run)
    else:
        run_command(run, heartbeat=heartbeat)


def command_for(environment: str) -> list[str]:
    argv = shlex.split(settings.DEPLOY_COMMANDS[environment])
    if settings.DEPLOY_DRY_RUN:
        argv.append("DRY_RUN=1")
    return argv


def run_command(run: DeployRun, heartbeat=None) -> None:
    argv = command_for(run.environment)
    services.record(run, command=shlex.join(argv))
    services.append_log(run, _checkout_note(run) + f"$ {shlex.join(argv)}\n")
    environment = {**os.environ, **({"DRY_RUN": "1"} if settings.DEPLOY_DRY_RUN else {})}
    try:
        process = subprocess.Popen(
            argv,
            cwd=settings.DEPLOY_WORKDIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the timeout kills the command's whole process group
        )
    except OSError as error:
        services.append_log(run, f"cannot start the command: {error}\n")
        services.finish(run, DeployRun.Status.FAILED, 127)
        return

    chunks: queue.Queue[bytes | None] = queue.Queue()
    reader = threading.Thread(target=_read_into, args=(process.stdout, chunks), daemon=True)
    reader.start()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    deadline = time.monotonic() + settings.DEPLOY_TIMEOUT
    pending, last_flush, ended, timed_out = [], time.monotonic(), False, False
    while not ended:
        try:
            chunk = chunks.get(timeout=FLUSH_SECONDS)
            if chunk is None:
                ended = True
            else:
                pending.append(decoder.decode(chunk))
        except queue.Empty:
            pass
        now = time.monotonic()
        if ended or now - last_flush >= FLUSH_SECONDS:
            services.append_log(run, "".join(pending))
            pending, last_flush = [], now
            if heartbeat:
                heartbeat()
        if not timed_out and now > deadline:
            timed_out = True
            services.append_log(run, f"\n[stopped after {settings.DEPLOY_TIMEOUT} s]\n")
            os.killpg(process.pid, signal.SIGTERM)
    exit_code = process.wait()
    services.append_log(run, decoder.decode(b"", final=True) + f"\n[exit code {exit_code}]\n")
    match = IMAGE_TAG.search(run.log)
    if match:
        services.record(run, image_tag=match.group(1))
    succeeded = exit_code == 0 and not timed_out
    services.finish(run, DeployRun.Status.SUCCEEDED if succeeded else DeployRun.Status.FAILED, exit_code)


def _checkout_note(run: DeployRun) -> str:
    """Which commit the command will deploy: the worker's checkout, which should be at the run's ref."""
    try:
        branch, commit = (
            subprocess.run(
                ["git", "rev-parse", *arguments],
                cwd=settings.DEPLOY_WORKDIR, capture_output=True, text=True, timeout=10, check=True,
            ).stdout.strip()
            for arguments in (["--abbrev-ref", "HEAD"], ["--short", "HEAD"])
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "[not a git checkout: deploying the files in DEPLOY_WORKDIR as they are]\n"
    note = f"[checkout: {branch} at {commit}]\n"
    if branch != run.git_ref:
        note += f"[warning: the checkout is on {branch}, not {run.git_ref}]\n"
    return note


def _read_into(stream, chunks: queue.Queue) -> None:
    fd = stream.fileno()
    while data := os.read(fd, 65536):
        chunks.put(data)
    stream.close()
    chunks.put(None)


def workflow_dispatch_request(run: DeployRun) -> urllib.request.Request:
    """The GitHub REST call that starts the environment's workflow on the run's ref."""
    workflow = settings.GITHUB_WORKFLOWS[run.environment]
    url = (
        f"{settings.GITHUB_API_URL.rstrip('/')}/repos/{settings.GITHUB_REPOSITORY}"
        f"/actions/workflows/{workflow}/dispatches"
    )
    payload = {
        "ref": run.git_ref,
        # Both workflows declare these inputs (.github/workflows/); GitHub refuses undeclared ones.
        "inputs": {"dashboard_run": str(run.pk), "dry_run": "true" if settings.DEPLOY_DRY_RUN else "false"},
    }
    return urllib.request.Request(  # noqa: S310 (GITHUB_API_URL is a setting)
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {settings.GITHUB_TOKEN}",
            "Content-Type": "application/json",
            "User-Agent": "berkeleytime-deploy-worker",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )


def dispatch_workflow(run: DeployRun) -> None:
    workflow = settings.GITHUB_WORKFLOWS[run.environment]
    services.record(run, command=f"workflow_dispatch {settings.GITHUB_REPOSITORY} {workflow} ref={run.git_ref}")
    if not settings.GITHUB_TOKEN:
        services.append_log(run, "GITHUB_TOKEN is not set: cannot ask GitHub Actions to deploy.\n")
        services.finish(run, DeployRun.Status.FAILED, None)
        return
    request = workflow_dispatch_request(run)
    services.append_log(run, f"POST {request.full_url}\n{request.data.decode()}\n")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (GITHUB_API_URL is a setting)
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read(2000).decode(errors="replace")
        services.append_log(run, f"GitHub answered {error.code}: {body}\n")
        services.finish(run, DeployRun.Status.FAILED, None)
        return
    except OSError as error:
        services.append_log(run, f"cannot reach GitHub: {error}\n")
        services.finish(run, DeployRun.Status.FAILED, None)
        return
    actions = f"{settings.GITHUB_SERVER_URL.rstrip('/')}/{settings.GITHUB_REPOSITORY}/actions/workflows/{workflow}"
    services.append_log(run, f"GitHub answered {status}: workflow {workflow} started on {run.git_ref}.\n{actions}\n")
    services.finish(run, DeployRun.Status.DISPATCHED, None)
