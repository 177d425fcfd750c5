"""Reading the data set's files as they are published: encodings, CSV with any
line ending, preamble lines before a header, JSON whose errors can name a line.

A structural problem raises DataFileError with ``file:line: reason``; importers
let it stop the run before they write anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError


class DataFileError(CommandError):
    """A file that cannot be imported, with the place and the reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


def read_text(path: Path) -> str:
    """A data file's text: UTF-8 with or without a byte-order mark, Latin-1 as a last resort."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read file ({exc.strerror})") from exc
    if b"\x00" in raw[:4096]:
        raise DataFileError(path, None, "binary data where text was expected")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every row. The csv module takes \\n, \\r\\n and
    old-Mac \\r line endings alike; line numbers are physical lines."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise DataFileError(path, reader.line_num, f"malformed CSV ({exc})") from exc


def find_header(
    path: Path, rows: Iterable[tuple[int, list[str]]], is_header, max_preamble: int = 30
) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
    """Skip title and preamble lines until ``is_header(cells)`` holds."""
    iterator = iter(rows)
    for seen, (line, cells) in enumerate(iterator):
        if is_header([c.strip() for c in cells]):
            return line, [c.strip() for c in cells], iterator
        if seen >= max_preamble:
            break
    raise DataFileError(path, None, "no recognisable header row (is this the right kind of file?)")


def load_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, f"invalid JSON ({exc.msg})") from exc


def json_array_items(path: Path, text: str, array_key: str | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, item) for each element of the top-level array, or of the
    array under ``array_key`` in a top-level object, so that errors can name a line."""
    decoder = json.JSONDecoder()
    start = 0
    if array_key is not None:
        marker = text.find(f'"{array_key}"')
        if marker < 0:
            raise DataFileError(path, None, f'missing "{array_key}" array')
        start = text.find("[", marker)
    else:
        start = text.find("[")
    if start < 0:
        raise DataFileError(path, 1, "expected a JSON array")
    pos = start + 1
    length = len(text)
    line, counted_to = text.count("\n", 0, pos) + 1, pos
    while True:
        while pos < length and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= length or text[pos] == "]":
            return
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        item, pos = decoder.raw_decode(text, pos)
        yield line, item
