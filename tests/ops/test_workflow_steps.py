"""The workflows' shell steps, run through bash the way the GitHub runner runs them.

Each `run:` script is written to a file and run with `bash --noprofile --norc -eo pipefail FILE`
(the runner's `shell: bash`), in the checkout, with `${{ ... }}` expressions evaluated against
the contexts a dashboard dispatch produces (inputs dashboard_run and dry_run, github.ref and
github.sha, needs.*.outputs.*, vars.*, env.*), the workflow's, job's and step's env, and the
runner's files GITHUB_ENV, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in RUNNER_TEMP. `if:` decides
which steps run. `uses:` steps are actions, not shell: they are skipped, and an action's outputs
the test needs (the pushed digest) are given.

What cannot run here stands in on PATH and records its arguments: apt-get, the recursive
`make test`, and kubectl answering for the cluster. Everything else is real: make deploy-staging
and deploy-production (DRY_RUN=1), git, curl against a local HTTP server serving a .tar.gz, tar.
"""

import functools
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.deploy.conftest import BASE_DIR, run

WORKFLOWS = BASE_DIR / ".github" / "workflows"
DIGEST = "sha256:" + "4d1c" * 16
IMAGE = "ghcr.io/asuc-octo/berkeleytime"
REAL_MAKE = shutil.which("make")


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


# -- expressions -------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(&&|\|\||==|!=|!|\(|\))|([A-Za-z_][\w.-]*(?:\(\))?)|(\d+))")


def evaluate(expression: str, contexts: dict):
    """A GitHub Actions expression, for the forms the workflows use: context paths, 'strings',
    numbers, true/false/null, == != ! && || (returning an operand, as GitHub does), always()."""
    python = []
    position = 0
    while position < len(expression.rstrip()):
        match = TOKEN.match(expression, position)
        assert match, f"cannot read {expression!r} at {position}"
        string, operator, name, number = match.groups()
        position = match.end()
        if string is not None:
            python.append(repr(string[1:-1].replace("''", "'")))
        elif operator is not None:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(operator, f" {operator} "))
        elif number is not None:
            python.append(number)
        elif name in ("true", "false", "null"):
            python.append({"true": "True", "false": "False", "null": "None"}[name])
        elif name in ("always()", "success()"):
            python.append("True")
        else:
            python.append(repr(lookup(contexts, name)))
    return eval("".join(python), {"__builtins__": {}})  # noqa: S307 (built from the tokens above only)


def lookup(contexts: dict, path: str):
    value = contexts
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else value


def as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def substitute(text: str, contexts: dict) -> str:
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(evaluate(m.group(1), contexts)), text)


def condition(value, contexts: dict) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    text = value.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return bool(evaluate(text, contexts))


# -- the runner --------------------------------------------------------------


@dataclass
class StepResult:
    name: str
    skipped: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""


@dataclass
class Runner:
    """Runs one job's steps as the GitHub runner would, on this machine."""

    tmp: Path
    inputs: dict
    ref: str = "refs/heads/main"
    needs: dict = field(default_factory=dict)
    vars: dict = field(default_factory=dict)
    action_outputs: dict = field(default_factory=dict)
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self):
        self.runner_temp = self.tmp / "runner-temp"
        self.runner_temp.mkdir()
        self.home = self.tmp / "home"
        self.home.mkdir()
        self.summary = self.runner_temp / "step-summary.md"
        self.summary.touch()
        self.sha = run(["git", "rev-parse", "HEAD"]).stdout.strip()

    def contexts(self, env: dict, steps: dict) -> dict:
        return {
            "inputs": self.inputs,
            "github": {"ref": self.ref, "sha": self.sha, "event_name": "workflow_dispatch", "actor": "octocat"},
            "needs": self.needs,
            "vars": self.vars,
            "env": env,
            "steps": steps,
            "secrets": {},
        }

    def job_allowed(self, workflow: dict, job_name: str) -> bool:
        job = workflow["jobs"][job_name]
        return condition(job.get("if"), self.contexts({}, {}))

    def run_job(self, workflow: dict, job_name: str) -> tuple[list[StepResult], dict]:
        job = workflow["jobs"][job_name]
        env: dict = {}
        for scope in (workflow.get("env", {}), job.get("env", {})):
            for key, value in scope.items():
                env[key] = substitute(as_text(value), self.contexts(env, {}))
        steps: dict = {}
        results = []
        for index, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or f"step {index}"
            contexts = self.contexts(env, steps)
            if not condition(step.get("if"), contexts):
                results.append(StepResult(name, skipped=True))
                continue
            if "uses" in step:
                if step.get("id") in self.action_outputs:
                    steps[step["id"]] = {"outputs": self.action_outputs[step["id"]]}
                results.append(StepResult(name, skipped=True))
                continue
            step_env = {k: substitute(as_text(v), contexts) for k, v in step.get("env", {}).items()}
            result, outputs, exported = self.run_script(name, index, step["run"], {**env, **step_env})
            results.append(result)
            if step.get("id"):
                steps[step["id"]] = {"outputs": outputs}
            env.update(exported)
            if result.returncode != 0:
                break
        return results, env

    def run_script(self, name: str, index: int, script: str, env: dict) -> tuple[StepResult, dict, dict]:
        script_file = self.runner_temp / f"step-{index}.sh"
        script_file.write_text(script)
        github_env = self.runner_temp / f"env-{index}"
        github_output = self.runner_temp / f"output-{index}"
        github_env.touch()
        github_output.touch()
        process_env = {
            "PATH": f"{self.tmp / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REF": self.ref,
            "GITHUB_SHA": self.sha,
            "GITHUB_WORKSPACE": str(BASE_DIR),
            "GITHUB_ENV": str(github_env),
            "GITHUB_OUTPUT": str(github_output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(self.runner_temp),
            **self.extra_env,
            **env,
        }
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=BASE_DIR,
            env=process_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        result = StepResult(name, False, completed.returncode, completed.stdout, completed.stderr)
        return result, parse_runner_file(github_output), parse_runner_file(github_env)


def parse_runner_file(path: Path) -> dict:
    """KEY=value lines and KEY<<DELIMITER blocks, as the runner reads GITHUB_ENV and GITHUB_OUTPUT."""
    values, lines = {}, path.read_text().splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            values[key] = "\n".join(lines[index + 1 : end])
            index = end + 1
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        index += 1
    return values


# -- stand-ins and a data set server ------------------------------------------


def stand_in(bin_dir: Path, name: str, body: str = "", record: bool = True) -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    recording = f'echo "{name} $*" >> "{bin_dir / "calls.log"}"\n' if record else ""
    script.write_text(f"#!/usr/bin/env bash\n{recording}{body}\n")
    script.chmod(0o755)


def calls(tmp: Path) -> list[str]:
    log = tmp / "bin" / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def stand_ins(tmp_path) -> Path:
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, "apt-get")
    # the recursive `make test` is this very suite; every other make target runs for real
    stand_in(
        bin_dir,
        "make",
        f'if [ "$*" = test ]; then printf "make test\\nBT_DATA_DIR=%s\\n" "$BT_DATA_DIR" >> "{bin_dir / "calls.log"}"; exit 0; fi\n'
        f'exec {REAL_MAKE} "$@"',
        record=False,
    )
    return tmp_path


@pytest.fixture
def data_set_server(tmp_path):
    """A local HTTP server serving berkeley.tar.gz with a catalog/ file in it."""
    served = tmp_path / "served"
    served.mkdir()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        content = b"subject,number\nCOMPSCI,61A\n"
        info = tarfile.TarInfo("catalog/courses.csv")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    (served / "berkeley.tar.gz").write_bytes(buffer.getvalue())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/berkeley.tar.gz"
    finally:
        server.shutdown()
        server.server_close()


DASHBOARD_DRY_RUN = {"dashboard_run": "7", "dry_run": True}


def ran(results: list[StepResult]) -> dict[str, StepResult]:
    return {result.name: result for result in results if not result.skipped}


def assert_all_succeeded(results: list[StepResult]) -> None:
    for result in results:
        assert result.returncode == 0, f"{result.name}:\n{result.stdout}\n{result.stderr}"


# -- the tests ---------------------------------------------------------------


def test_the_dashboards_staging_dry_run_deploys_the_images_digest(stand_ins):
    runner = Runner(stand_ins, inputs=DASHBOARD_DRY_RUN, needs={"image": {"outputs": {"digest": DIGEST}}})
    workflow = load("ci.yml")

    assert runner.job_allowed(workflow, "deploy-staging")
    results, env = runner.run_job(workflow, "deploy-staging")

    assert_all_succeeded(results)
    assert env["DRY_RUN"] == "1"
    steps = ran(results)
    # a dry run needs no cluster: the auth actions are skipped
    assert set(steps) == {"Started from the dashboard", "make deploy-staging"}
    assert runner.summary.read_text() == "Dashboard deploy #7 (DRY_RUN=1)\n"
    deploy = steps["make deploy-staging"].stdout.splitlines()
    assert deploy[0] == f"staging: {IMAGE}@{DIGEST} (commit {runner.sha})"
    assert f"--set-string image.digest={DIGEST} " in deploy[1]
    assert f"--set-string image.revision={runner.sha} " in deploy[1]
    assert calls(stand_ins) == []


def test_a_push_to_another_branch_builds_the_image_but_deploys_nothing(stand_ins):
    workflow = load("ci.yml")
    branch = Runner(stand_ins, inputs={}, ref="refs/heads/feature")

    assert not branch.job_allowed(workflow, "deploy-staging")
    assert branch.job_allowed(workflow, "image")
    assert not branch.job_allowed(load("deploy-production.yml"), "deploy-production")


def test_the_image_job_reports_the_digest_it_pushed(stand_ins):
    runner = Runner(stand_ins, inputs={}, action_outputs={"build": {"digest": DIGEST}})
    workflow = load("ci.yml")

    results, _ = runner.run_job(workflow, "image")

    assert_all_succeeded(results)
    assert runner.summary.read_text() == f"Image: `{IMAGE}@{DIGEST}` (commit {runner.sha})\n"
    assert evaluate(" steps.build.outputs.digest ", runner.contexts({}, {"build": {"outputs": {"digest": DIGEST}}}))


def test_the_test_job_fetches_the_data_set_and_runs_make_test_with_it(stand_ins, data_set_server):
    runner = Runner(stand_ins, inputs={}, ref="refs/heads/feature", vars={"BT_DATA_ARCHIVE_URL": data_set_server})

    results, env = runner.run_job(load("ci.yml"), "test")

    assert_all_succeeded(results)
    data_dir = Path(env["BT_DATA_DIR"])
    assert data_dir == runner.runner_temp / "berkeley"
    assert (data_dir / "catalog" / "courses.csv").read_text().startswith("subject,number")
    recorded = calls(stand_ins)
    assert recorded[0] == "apt-get update -qq"
    assert recorded[1].startswith("apt-get install -y -qq --no-install-recommends make")
    assert recorded[-2:] == ["make test", f"BT_DATA_DIR={data_dir}"]
    # git config --global ran for real, into the runner's home
    assert f"directory = {BASE_DIR}" in (runner.home / ".gitconfig").read_text()


def test_the_test_job_stops_without_the_data_set_variable(stand_ins):
    runner = Runner(stand_ins, inputs={}, ref="refs/heads/feature")

    results, _ = runner.run_job(load("ci.yml"), "test")

    failed = results[-1]
    assert failed.name == "The Berkeley data set (never kept in the repository)"
    assert failed.returncode == 1
    assert "::error::set the BT_DATA_ARCHIVE_URL repository variable" in failed.stdout
    assert "make test" not in calls(stand_ins)


def test_the_dashboards_production_dry_run_reads_staging_and_prints_its_digest(stand_ins):
    sha = run(["git", "rev-parse", "HEAD"]).stdout.strip()
    stand_in(
        stand_ins / "bin",
        "kubectl",
        f'case "$*" in *annotations*) printf %s {sha};; *) printf %s {IMAGE}@{DIGEST};; esac',
    )
    # the cluster's kubectl: make's KUBECTL taken from the environment
    runner = Runner(stand_ins, inputs=DASHBOARD_DRY_RUN, extra_env={"KUBECTL": str(stand_ins / "bin" / "kubectl")})
    workflow = load("deploy-production.yml")

    assert runner.job_allowed(workflow, "deploy-production")
    results, _ = runner.run_job(workflow, "deploy-production")

    assert_all_succeeded(results)
    assert runner.summary.read_text() == "Dashboard deploy #7 (DRY_RUN=1)\n"
    deploy = ran(results)["make deploy-production"].stdout.splitlines()
    assert deploy[0] == f"production: {IMAGE}@{DIGEST} (commit {sha}, chart from that commit)"
    assert "--namespace production" in deploy[1]
    assert f"--set-string image.digest={DIGEST} " in deploy[1]
    # read-only lookups only
    assert [call.split()[:2] for call in calls(stand_ins)] == [["kubectl", "get"]] * 2


def test_a_plain_scalar_run_is_cut_at_the_hash_and_the_step_fails(stand_ins, tmp_path):
    # the form the workflows had: YAML reads ` #` as the start of a comment
    text = (WORKFLOWS / "ci.yml").read_text()
    block = '        run: |\n          echo "Dashboard deploy #${DASHBOARD_RUN} (DRY_RUN=${DRY_RUN:-})" >> "$GITHUB_STEP_SUMMARY"\n'
    assert block in text
    old = yaml.safe_load(text.replace(block, block.replace("run: |\n          ", "run: ")))
    old["on"] = old.pop(True)
    runner = Runner(stand_ins, inputs=DASHBOARD_DRY_RUN, needs={"image": {"outputs": {"digest": DIGEST}}})

    results, _ = runner.run_job(old, "deploy-staging")

    started = ran(results)["Started from the dashboard"]
    assert started.returncode != 0
    assert "Dashboard deploy #7" not in runner.summary.read_text()


def test_actionlint_reports_the_plain_scalar_through_shellcheck(tmp_path):
    # make lint's actionlint, with shellcheck on PATH, on the old form of the step
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "old.yml").write_text(
        "on: workflow_dispatch\n"
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        '      - run: echo "Dashboard deploy #${DASHBOARD_RUN}" >> "$GITHUB_STEP_SUMMARY"\n'
    )
    venv_bin = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}"}

    result = subprocess.run(
        [venv_bin / "actionlint", "-shellcheck", "shellcheck", workflows / "old.yml"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 1
    assert "SC1072" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("inputs.dry_run && '1' || ''", "1"),
        ("inputs.missing && '1' || ''", ""),
        ("github.ref != 'refs/heads/main'", False),
        ("inputs.dashboard_run != ''", True),
        ("!(env.DRY_RUN == '')", True),
    ],
)
def test_the_expression_evaluator_follows_github(expression, expected):
    contexts = {"inputs": DASHBOARD_DRY_RUN, "github": {"ref": "refs/heads/main"}, "env": {"DRY_RUN": "1"}}

    assert evaluate(expression, contexts) == expected
