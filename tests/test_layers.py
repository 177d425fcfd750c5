"""Dependencies point one way: each package imports only the layers below it.

    berkeleytime (plumbing: caching, signals, metrics, logging, probes)
      <- sources (the data set's files and the SIS's APIs: codes, terms, formats, import log)
        <- catalog
          <- grades, enrollment, search, accounts (students' accounts and saved courses), schedules
            <- sis (the SIS sync: catalog and enrollment writes)
              <- dashboard
          enrollment <- waitlists (waitlist odds), forecasts (when courses fill), from the enrollment history
          accounts <- alerts (seat alerts for signed-in students; hears the sync through enrollment_changed)

The project's wiring (settings, root URLconfs) names every app by string and
imports none, so it needs no exception.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = {
    "berkeleytime": set(),
    "sources": {"berkeleytime"},
    "catalog": {"berkeleytime", "sources"},
    "grades": {"berkeleytime", "sources", "catalog"},
    "enrollment": {"berkeleytime", "sources", "catalog"},
    "search": {"berkeleytime", "sources", "catalog"},
    "accounts": {"berkeleytime", "sources", "catalog"},
    "schedules": {"berkeleytime", "sources", "catalog"},
    "sis": {"berkeleytime", "sources", "catalog", "enrollment"},
    "dashboard": {"berkeleytime", "sources", "catalog", "search", "sis"},
    "waitlists": {"berkeleytime", "catalog", "enrollment"},
    "alerts": {"berkeleytime", "catalog", "accounts"},
    "forecasts": {"berkeleytime", "catalog", "enrollment"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """(top-level package, line) of every import in a module, function-level ones included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_layers_below_it(package):
    # given every module of the package, migrations aside (they are history)
    modules = [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    assert modules

    # when its imports of the project's own packages are collected
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for name, line in imported_packages(path)
        if name in ALLOWED and name != package and name not in ALLOWED[package]
    ]

    # then none reaches up or sideways
    assert wrong == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from catalog.models import Course\n")
    assert ("catalog", 2) in imported_packages(module)
