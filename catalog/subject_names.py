"""Which subjects a word names: everyday names (aliases.yaml) and the catalog's own codes, spellings and names."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import yaml

ALIASES_FILE = Path(__file__).resolve().parent / "aliases.yaml"
_KEY = re.compile(r"[^A-Z0-9&]+")


def compact(name: str) -> str:
    """'poli sci' -> 'POLISCI', 'L & S' -> 'L&S', 'A,RESEC' -> 'ARESEC': the form names are compared in."""
    return _KEY.sub("", name.upper())


@functools.cache
def everyday_names() -> dict[str, tuple[str, ...]]:
    """aliases.yaml as {compact name: subject codes, best guess first}."""
    raw = yaml.safe_load(ALIASES_FILE.read_text()) or {}
    table = {}
    for name, codes in raw.items():
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise ValueError(f"{ALIASES_FILE.name}: {name!r} must map to a list of subject codes")
        table[compact(str(name))] = tuple(codes)
    return table


class SubjectNames:
    """Every name of every subject, compact, to the subjects it may mean.

    Built once per process from the catalog and refreshed after an import
    (search.receivers). Search and every box where a course is typed read it. The everyday names come first, so "ee" tries ELENG
    before EECS; a subject's own code, spellings and name follow.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._table: dict[str, tuple[str, ...]] | None = None

    def table(self) -> dict[str, tuple[str, ...]]:
        table = self._table
        if table is None:
            with self._lock:
                if self._table is None:
                    self._table = self._build()
                table = self._table
        return table

    def forget(self) -> None:
        with self._lock:
            self._table = None

    def resolve(self, name: str) -> tuple[str, ...]:
        return self.table().get(compact(name), ())

    def words_for(self, subject: str) -> list[str]:
        """The lower-case everyday names that point at ``subject`` ("cs" for COMPSCI)."""
        return sorted(name.lower() for name, codes in everyday_names().items() if subject in codes)

    @staticmethod
    def _build() -> dict[str, tuple[str, ...]]:
        from catalog.models import Subject

        known: dict[str, list[str]] = {}
        subjects = list(Subject.objects.values_list("code", "spellings", "name"))
        codes = {code for code, _, _ in subjects}
        for name, targets in everyday_names().items():
            known.setdefault(name, []).extend(c for c in targets if c in codes)
        for code, spellings, _ in subjects:
            for spelling in [code, *spellings]:
                known.setdefault(compact(spelling), []).append(code)
        # Full names last: two subjects may share one ("Neuroscience").
        for code, _, name in subjects:
            if name:
                known.setdefault(compact(name), []).append(code)
        return {name: tuple(dict.fromkeys(targets)) for name, targets in known.items() if targets}


subject_names = SubjectNames()
