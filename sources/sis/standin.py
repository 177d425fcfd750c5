"""A stand-in for UC Berkeley's SIS, for tests and for trying the site by hand.

    python -m sources.sis.standin [--port 8790] [--data-dir DIR] [--app-id ID --app-key KEY]

It answers the Term, Course and Class API paths the sync uses, in the shapes
of the university's specifications (../shared/data/sis-api; a test validates
its answers against their JSON schemas), from the data set's files: the
Summer 2026 listing as the term's class sections, the course graph and the
catalog as courses. Every call must carry the configured ``app_id`` and
``app_key`` headers (401 otherwise). Lists are paged with ``page-number`` and
``page-size`` and end with an empty page.

Tests and people steer it over HTTP (POST, JSON body):
- ``/_standin/counts``: set a section's counts, e.g. ``{"course": "COMPSCI 61A",
  "kind": "LEC", "section": "001", "enrolled": 230}``; the section is then
  "updated" for the enrollment endpoint's ``updated-after``;
- ``/_standin/fault``: the next answers fail: ``{"kind": "status", "status":
  500, "times": 2}``, ``{"kind": "timeout", "seconds": 5}``, ``{"kind":
  "malformed"}``, ``{"kind": "truncate", "page": 2}``, ``{"kind": "shrink",
  "keep": 0.5}`` (lists only that share of the sections); ``{"kind": "none"}``
  clears it;
- ``/_standin/repeat``: ``{"times": 6}`` lists the term's classes that many
  times under other course numbers (a term of ten thousand sections).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

SUMMER_2026 = "2265"
DAY_FLAGS = {"M": "meetsMonday", "Tu": "meetsTuesday", "W": "meetsWednesday", "Th": "meetsThursday",
             "F": "meetsFriday", "Sa": "meetsSaturday", "Su": "meetsSunday"}  # fmt: skip
MEETS_DAYS = {"M": "Mo", "Tu": "Tu", "W": "We", "Th": "Th", "F": "Fr", "Sa": "Sa", "Su": "Su"}
KINDS = {"discussion": "DIS", "lab": "LAB", "laboratory": "LAB", "lecture": "LEC", "seminar": "SEM"}
COMPONENTS = {"LEC": "Lecture", "DIS": "Discussion", "LAB": "Laboratory", "SEM": "Seminar"}

# Three terms around Summer 2026, with the dates the Term API gives.
TERMS = [
    {"id": "2262", "name": "2026 Spring", "position": "Previous", "begin": "2026-01-13", "end": "2026-05-15",
     "enroll": ("2025-10-20", "2026-02-20")},
    {"id": "2265", "name": "2026 Summer", "position": "Current", "begin": "2026-05-26", "end": "2026-08-14",
     "enroll": ("2026-02-02", "2026-08-07")},
    {"id": "2268", "name": "2026 Fall", "position": "Next", "begin": "2026-08-19", "end": "2026-12-18",
     "enroll": ("2026-03-23", "2026-09-18")},
]  # fmt: skip


PACIFIC = ZoneInfo("America/Los_Angeles")  # the SIS's clock


def _now() -> str:
    return datetime.datetime.now(PACIFIC).replace(tzinfo=None).isoformat(timespec="seconds")


class Data:
    """The stand-in's state: the term's sections (with their counts), the courses, faults."""

    def __init__(self, data_dir: Path):
        self.lock = threading.Lock()
        self.data_dir = data_dir
        self.load()

    def load(self) -> None:
        """The state as the data set's files give it: no faults, no repeats, the listing's counts."""
        data_dir = self.data_dir
        self.sections: list[dict] = []
        self.repeat = 1
        self.fault: dict = {}
        self.courses = _courses(data_dir)
        listing = json.loads((data_dir / "catalog" / "summer-2026-sections.json").read_text())
        next_id = 10000
        seen = set()
        for item in listing["courses"]:
            subject, _, number = str(item["code"]).rpartition(" ")
            lecture = _number(item.get("sectionNumber"), "LEC")
            if lecture is None or (subject, number, lecture) in seen:
                continue  # the listing repeats some classes
            seen.add((subject, number, lecture))
            next_id += 1
            primary = self._section(next_id, subject, number, item, lecture, None, item.get("title", ""))
            self.sections.append(primary)
            for sub in item.get("sections") or []:
                kind_number = _number(sub.get("sectionNumber"), KINDS.get(str(sub.get("type", "")).lower(), "DIS"))
                if kind_number is None:
                    continue
                next_id += 1
                self.sections.append(
                    self._section(next_id, subject, number, sub, kind_number, primary["id"], item.get("title", ""))
                )

    @staticmethod
    def _section(sis_id, subject, number, item, kind_number, primary_id, title) -> dict:
        kind, section = kind_number
        return {
            "id": sis_id,
            "subject": subject,
            "number": number,
            "title": title,
            "kind": kind,
            "section": section,
            "primary_id": primary_id,
            "days": [d for d in item.get("days") or [] if d in DAY_FLAGS],
            "start": item.get("startTime") or None,
            "end": item.get("endTime") or None,
            "location": item.get("location") or "",
            "instructor": item.get("instructor") or "",
            "final_exam": item.get("finalExam") or "",
            "enrolled": _count(item.get("enrolledCount")),
            "capacity": _count(item.get("enrollmentCapacity", item.get("capacity"))),
            "waitlisted": _count(item.get("waitlistCount")),
            "updated": "2026-04-23T19:26:08",
        }

    def listed_sections(self) -> list[dict]:
        """The term's sections as listed now: repeated under other numbers, shrunk by a fault."""
        sections = self.sections
        if self.repeat > 1:
            sections = [
                {**s, "id": s["id"] + copy * 1_000_000, "number": f"{s['number']}{'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[copy - 1]}"
                 if copy else s["number"], "primary_id": s["primary_id"] and s["primary_id"] + copy * 1_000_000}
                for copy in range(self.repeat) for s in self.sections
            ]  # fmt: skip
        if self.fault.get("kind") == "shrink":
            sections = sections[: math.floor(len(sections) * float(self.fault.get("keep", 0.5)))]
        return sections


def _courses(data_dir: Path) -> list[dict]:
    titles = {c["name"]: c.get("title", "") for c in json.loads((data_dir / "catalog" / "courses.json").read_text())}
    courses = []
    for item in json.loads((data_dir / "catalog" / "course-graph-catalog.json").read_text()):
        subject, _, number = str(item.get("displayCode", "")).rpartition(" ")
        if subject and number:
            courses.append({"subject": subject, "number": number, "title": item.get("title") or "",
                            "description": item.get("description") or "", "units": item.get("units"),
                            "prerequisites": item.get("prereqRaw") or ""})  # fmt: skip
    known = {(c["subject"], c["number"]) for c in courses}
    for name, title in titles.items():
        subject, _, number = name.rpartition(" ")
        if subject and (subject, number) not in known:
            courses.append({"subject": subject, "number": number, "title": title or "", "description": "",
                            "units": None, "prerequisites": ""})  # fmt: skip
    # The Course API lists a cross-listed course's other codes: here, the same C-number with the same title.
    by_listing: dict[tuple, list[str]] = {}
    for c in courses:
        if re.match(r"^C\d", c["number"]) and c["title"]:
            by_listing.setdefault((c["number"], c["title"]), []).append(f"{c['subject']} {c['number']}")
    for c in courses:
        codes = by_listing.get((c["number"], c["title"]), [])
        c["cross_listed"] = [code for code in codes if code != f"{c['subject']} {c['number']}"]
    return courses


def _number(raw, default_kind) -> tuple[str, str] | None:
    match = re.match(r"^#?\s*([A-Z]{2,4})?\s*([0-9A-Z]+)$", str(raw or "").strip().upper())
    return (match.group(1) or default_kind, match.group(2)) if match else None


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


# -- rendering, in the specifications' shapes -----------------------------------


def _envelope(list_key: str, items: list, element: str, wrapped: bool = True) -> dict:
    inner = {
        "correlationId": str(uuid.uuid4()),
        "httpStatus": {"code": "200", "description": "OK"},
        "responseType": f'namespaceURI="http://bmeta.berkeley.edu/student/{element}.xsd" element="{list_key}"',
        "response": {list_key: items},
    }
    return {"apiResponse": inner} if wrapped else inner


def render_section(s: dict) -> dict:
    primary = s["primary_id"] is None
    term = next(t for t in TERMS if t["id"] == SUMMER_2026)
    meeting = {"number": 1, "meetsDays": "".join(MEETS_DAYS[d] for d in s["days"]),
               **{flag: day in s["days"] for day, flag in DAY_FLAGS.items()},
               "location": {"code": "", "description": s["location"]},
               "assignedInstructors": [
                   {"assignmentNumber": 1, "instructor": {
                       "identifiers": [{"type": "campus-uid", "id": str(sum(map(ord, name)) * 97 % 1_000_000)}],
                       "names": [
                       {"type": {"code": "PRF", "description": "Preferred"}, "familyName": name.rpartition(" ")[2],
                        "givenName": name.rpartition(" ")[0], "formattedName": name}]},
                    "role": {"code": "PI", "description": "1-TIC"}}
                   for name in [n.strip() for n in s["instructor"].split(";") if n.strip() and n.strip() != "Staff"]],
               "startDate": term["begin"], "endDate": term["end"]}  # fmt: skip
    if s["start"]:
        meeting["startTime"] = f"{s['start']}:00"
    if s["end"]:
        meeting["endTime"] = f"{s['end']}:00"
    section = {
        "id": s["id"],
        "number": s["section"],
        "component": {"code": s["kind"], "description": COMPONENTS.get(s["kind"], s["kind"])},
        "displayName": f"2026 Summer {s['subject']} {s['number']} {s['section']} {s['kind']} {s['section']}",
        "status": {"code": "A", "description": "Active"},
        "association": {
            "primary": primary,
            "primaryAssociatedSectionId": s["id"] if primary else s["primary_id"],
            "primaryAssociatedSectionIds": [s["id"] if primary else s["primary_id"]],
        },  # fmt: skip
        "enrollmentStatus": render_counts(s),
        "meetings": [meeting],
        "class": {
            "course": {
                "identifiers": [
                    {"type": "cs-course-id", "id": str(abs(hash((s["subject"], s["number"]))) % 1_000_000)}
                ],
                "subjectArea": {"code": s["subject"], "description": s["subject"]},
                "catalogNumber": {"number": re.sub(r"\D", "", s["number"]) or s["number"], "formatted": s["number"]},
                "displayName": f"{s['subject']} {s['number']}",
                "title": s["title"],
            },
            "offeringNumber": 1,
            "session": {
                "term": {"id": SUMMER_2026, "name": "2026 Summer"},
                "id": "1",
                "name": "Regular Academic Session",
            },
            "number": s["section"] if primary else "001",
            "displayName": f"2026 Summer {s['subject']} {s['number']} {s['section']}",
        },
    }
    if s["final_exam"] and primary:
        section["exams"] = [{"number": 1, "type": {"code": "FIN", "description": s["final_exam"][:60]},
                             "date": "2026-08-13", "startTime": "08:00:00", "endTime": "11:00:00",
                             "location": {"code": "", "description": "TBA"}}]  # fmt: skip
    return section


def render_counts(s: dict) -> dict:
    status = "O" if s["enrolled"] is None or s["capacity"] is None or s["enrolled"] < s["capacity"] else "C"
    counts = {"status": {"code": status, "description": {"O": "Open", "C": "Closed"}[status]}}
    for key, field in (("enrolledCount", "enrolled"), ("maxEnroll", "capacity"), ("waitlistedCount", "waitlisted")):
        if s[field] is not None:
            counts[key] = s[field]
    counts.update(reservedCount=s.get("reserved", 0) or 0, minEnroll=0, maxWaitlist=s.get("waitlist_capacity", 0) or 0,
                  openReserved=0)  # fmt: skip
    return counts


def render_course(c: dict, number: int) -> dict:
    course = {
        "identifiers": [{"type": "cs-course-id", "id": str(100000 + number)}],
        "subjectArea": {"code": c["subject"], "description": c["subject"]},
        "catalogNumber": c["number"],
        "displayName": f"{c['subject']} {c['number']}",
        "title": c["title"],
        "transcriptTitle": c["title"].upper()[:19],
        "description": c["description"],
        "status": {"code": "ACTIVE", "description": "Active"},
        "preparation": {"requiredText": c["prerequisites"], "requiredCourses": []},
    }
    if c.get("cross_listed"):
        course["crossListing"] = {"count": len(c["cross_listed"]), "courses": c["cross_listed"]}
    if isinstance(c["units"], (int, float)):
        course["credit"] = {"type": "fixed", "value": {"fixed": {"units": float(c["units"])}}}
    return course


def render_term(t: dict) -> dict:
    year, season = t["name"].split()
    return {
        "academicCareer": {"code": "UGRD", "description": "Undergraduate"},
        "temporalPosition": t["position"],
        "id": t["id"],
        "name": t["name"],
        "category": {"code": season[0], "description": f"{season} Term"},
        "academicYear": year,
        "beginDate": t["begin"],
        "endDate": t["end"],
        "selfServiceEnrollBeginDate": t["enroll"][0],
        "selfServiceEnrollEndDate": t["enroll"][1],
    }


# -- the server ------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    server_version = "sis-standin/1"
    data: Data
    credentials: tuple[str, str]

    def log_message(self, format, *args):  # quiet: tests read their own output
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload) -> None:
        self._send(status, json.dumps(payload).encode())

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            return self._json(400, {"error": "body is not JSON"})
        path = urlparse(self.path).path
        with self.data.lock:
            if path == "/_standin/reset":
                self.data.load()
                return self._json(200, {"sections": len(self.data.sections)})
            if path == "/_standin/fault":
                self.data.fault = {} if body.get("kind") == "none" else body
                return self._json(200, {"fault": self.data.fault})
            if path == "/_standin/repeat":
                self.data.repeat = max(1, int(body.get("times", 1)))
                return self._json(200, {"sections": len(self.data.listed_sections())})
            if path == "/_standin/counts":
                found = [s for s in self.data.sections if f"{s['subject']} {s['number']}" == body.get("course")
                         and s["kind"] == body.get("kind", "LEC") and s["section"] == body.get("section", "001")]  # fmt: skip
                if not found:
                    return self._json(404, {"error": "no such section"})
                for key in ("enrolled", "capacity", "waitlisted", "reserved", "waitlist_capacity"):
                    if key in body:
                        found[0][key] = body[key]
                found[0]["updated"] = _now()
                return self._json(200, {"section": found[0]})
        return self._json(404, {"error": "unknown control"})

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if (self.headers.get("app_id"), self.headers.get("app_key")) != self.credentials:
            return self._json(401, {"apiResponse": {"httpStatus": {"code": "401", "description": "Unauthorized"},
                                                    "message": {"description": "Invalid app_id or app_key"}}})  # fmt: skip
        with self.data.lock:
            fault = dict(self.data.fault)
            if fault.get("kind") == "status":
                times = int(fault.get("times", 1))
                self.data.fault = {**fault, "times": times - 1} if times > 1 else {}
        if fault.get("kind") == "status":
            return self._json(int(fault["status"]), {"apiResponse": {"httpStatus": {"code": str(fault["status"])}}})
        if fault.get("kind") == "timeout":
            time.sleep(float(fault.get("seconds", 5)))
        page = int(query.get("page-number", 1))
        size = min(int(query.get("page-size", 50)), 100)
        payload = self._answer(url.path, query, page, size)
        if payload is None:
            return self._json(404, {"apiResponse": {"httpStatus": {"code": "404", "description": "Not Found"}}})
        body = json.dumps(payload).encode()
        if fault.get("kind") == "malformed":
            body = body.replace(b"{", b"{{", 1)
        if fault.get("kind") == "truncate" and page == int(fault.get("page", 1)):
            body = body[: len(body) // 2]
        self._send(200, body)

    def _answer(self, path: str, query: dict, page: int, size: int):
        def paged(items):
            return items[(page - 1) * size : page * size]

        if path == "/v2/terms":
            wanted = query.get("temporal-position", "Current")
            return _envelope(
                "terms", [render_term(t) for t in TERMS if t["position"] == wanted], "termV1", wrapped=False
            )
        if path == "/v5/courses":
            courses = self.data.courses
            return _envelope("courses", [render_course(c, (page - 1) * size + i) for i, c in
                                         enumerate(paged(courses))], "courseV2")  # fmt: skip
        if path == "/v1/classes/sections":
            if query.get("term-id") != SUMMER_2026:
                return _envelope("classSections", [], "classSectionV1")
            with self.data.lock:
                sections = self.data.listed_sections()
            return _envelope("classSections", [render_section(s) for s in paged(sections)], "classSectionV1")
        match = re.match(r"^/v1/classes/sections/terms/(\d{4})/updated/enrollments$", path)
        if match:
            if match.group(1) != SUMMER_2026:
                return _envelope("classSections", [], "classSectionV1")
            after = query.get("updated-after", "")
            with self.data.lock:
                changed = [s for s in self.data.listed_sections() if s["updated"] > after]
            return _envelope("classSections", [{"id": s["id"], "enrollmentStatus": render_counts(s)}
                                               for s in paged(changed)], "classSectionV1")  # fmt: skip
        return None


def serve(port: int, data_dir: Path, app_id: str, app_key: str) -> ThreadingHTTPServer:
    handler = type("StandinHandler", (Handler,), {"data": Data(data_dir), "credentials": (app_id, app_key)})
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("BT_DATA_DIR", "../shared/data/berkeley")))
    parser.add_argument("--app-id", default=os.environ.get("SIS_STANDIN_APP_ID", "standin"))
    parser.add_argument("--app-key", default=os.environ.get("SIS_STANDIN_APP_KEY", "standin"))
    options = parser.parse_args()
    server = serve(options.port, options.data_dir, options.app_id, options.app_key)
    print(f"SIS stand-in on http://127.0.0.1:{options.port} (app_id {options.app_id!r})", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
