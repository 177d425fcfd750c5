"""Reading the data set's files as they are published: UTF-8 with or without a
byte-order mark, CSV with any line ending, preamble lines before a header, JSON
whose errors can name a line.

A structural problem raises DataFileError with ``file:line: reason``; importers
let it stop the run before they write anything. Text the database could not
store as written is such a problem: bytes that are not UTF-8, a NUL (raw or
escaped), a lone surrogate, a value longer than its column (``fitted``).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
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
    """A data file's text: UTF-8, with or without a byte-order mark. Other bytes
    are refused rather than guessed at, so no name is stored mangled."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read file ({exc.strerror})") from exc
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataFileError(path, _line_at(raw, nul), "NUL byte (binary data where text was expected)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)
        raise DataFileError(path, _line_at(raw, start), f"invalid UTF-8 (byte 0x{raw[start]:02x})") from None


_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _line_at(raw: bytes, offset: int) -> int:
    """The physical line of a byte offset, counting \\n, \\r\\n and old-Mac \\r alike (as csv does)."""
    return len(_LINE_BREAK.findall(raw, 0, offset)) + 1


def unstorable(value: str) -> str | None:
    """Why PostgreSQL could not store ``value`` as it is (a NUL, a lone surrogate), or None."""
    if "\x00" in value:
        return "NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "lone surrogate (not valid Unicode)"
    return None


def fitted(path: Path | str, line: int | None, field, value: str, what: str | None = None) -> str:
    """``value`` when the model column ``field`` (a CharField or TextField, or an
    ArrayField of them) holds it as it is; else DataFileError naming the place.
    The limit is the model's max_length, so a migration that widens a column widens this."""
    what = what or field.name.replace("_", " ")
    problem = unstorable(value)
    if problem:
        raise DataFileError(path, line, f"{what}: {problem}")
    limit = getattr(getattr(field, "base_field", field), "max_length", None)
    if limit is not None and len(value) > limit:
        raise DataFileError(path, line, f"{what} of {len(value)} characters (at most {limit})")
    return value


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
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, f"invalid JSON ({exc.msg})") from exc
    if _ESCAPE.search(text):
        check_strings(path, data, _escape_line(text))
    return data, text


# \u0000 and UTF-16 surrogate escapes: JSON can spell what no UTF-8 file holds.
_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _escape_line(text: str) -> int | None:
    """The line of the first escape that spells a NUL or half a surrogate pair."""
    for match in _ESCAPE.finditer(text):
        start = match.end() - 6
        unit = int(text[start + 2 : match.end()], 16)
        if 0xD800 <= unit <= 0xDBFF and re.match(r"\\u[dD][c-fC-F]", text[match.end() : match.end() + 6]):
            continue  # a high surrogate with its low half: one character
        if 0xDC00 <= unit <= 0xDFFF and re.match(r"\\u[dD][89abAB]", text[start - 6 : start]):
            continue
        return text.count("\n", 0, start) + 1
    return None


def check_strings(path: Path | str, data: Any, line: int | None = None, where: str = "") -> None:
    """Refuse the first key or string anywhere in ``data`` the database could not
    store (``unstorable``), naming its place in the document: ``courses[3].instructor``."""
    if isinstance(data, str):
        problem = unstorable(data)
        if problem:
            raise DataFileError(path, line, f"{problem} in {where or 'the document'}")
    elif isinstance(data, dict):
        for key, value in data.items():
            place = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and unstorable(key):
                raise DataFileError(path, line, f"{unstorable(key)} in a key of {where or 'the document'}")
            check_strings(path, value, line, place)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_strings(path, value, line, f"{where}[{index}]")


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
