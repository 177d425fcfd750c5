"""An HTTP client for the SIS Term, Course and Class APIs.

Each API has its own credentials, sent as the ``app_id`` and ``app_key``
headers. A GET that times out or answers 5xx is retried with exponential
backoff (urllib3's Retry); lists are read page by page (``page-number`` and
``page-size``) until an empty page. Everything that goes wrong becomes a
SisError naming the API, the page and the reason, and 401/403 a SisRefused
naming the settings to fix. Every answer, good or bad, is handed to the
``recorder`` (sis.archive keeps them so a run can be replayed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import requests
from django.core.management.base import CommandError
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

PAGE_SIZE = 100  # the APIs' maximum
PACIFIC = ZoneInfo("America/Los_Angeles")  # the SIS writes and reads local times: Berkeley's


@dataclass(frozen=True)
class Api:
    key: str  # "term", "course", "class"
    name: str  # "Term API", for messages
    setting: str  # "SIS_TERM": SIS_TERM_APP_ID and SIS_TERM_APP_KEY


APIS = {
    "term": Api("term", "Term API", "SIS_TERM"),
    "course": Api("course", "Course API", "SIS_COURSE"),
    "class": Api("class", "Class API", "SIS_CLASS"),
}


class SisError(CommandError):
    """The SIS answered something a run cannot use: where and why, in one line."""

    def __init__(self, api: Api, reason: str, page: int | None = None, record: int | None = None):
        self.api, self.page, self.record, self.reason = api, page, record, reason
        where = api.name + (f", page {page}" if page else "") + (f", record {record}" if record else "")
        super().__init__(f"SIS {where}: {reason}")


class SisRefused(SisError):
    """401 or 403: the credentials are wrong or lack access."""

    def __init__(self, api: Api, status: int, page: int | None = None):
        super().__init__(
            api,
            f"the SIS refused the credentials (HTTP {status}); check {api.setting}_APP_ID and {api.setting}_APP_KEY",
            page,
        )


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the archive keeps it."""

    api: str
    path: str
    params: dict
    status: int
    body: str


class SisClient:
    def __init__(
        self,
        base_url: str,
        credentials: dict[str, tuple[str, str]],
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 3,
        backoff: float = 0.5,
        page_size: int = PAGE_SIZE,
        recorder: Callable[[Exchange], None] = lambda exchange: None,
    ):
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = timeout
        self.page_size = page_size
        self.recorder = recorder
        self.tries = retries + 1
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def get(self, api_key: str, path: str, params: dict | None = None, page: int | None = None) -> dict:
        """One GET, its JSON object. 401/403, another error status, a timeout or a body
        that is not a JSON object raise SisError."""
        api = APIS[api_key]
        app_id, app_key = self.credentials.get(api_key, ("", ""))
        params = dict(params or {})
        try:
            answer = self.session.get(
                self.base_url + path,
                params=params,
                headers={"app_id": app_id, "app_key": app_key, "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise SisError(api, f"timed out after {self.tries} tries", page) from None
        except requests.ConnectionError as exc:
            # urllib3 reports retries exhausted on read timeouts as a connection error.
            cause = getattr(exc.args[0], "reason", None) if exc.args else None
            if isinstance(cause, ReadTimeoutError):
                raise SisError(api, f"timed out after {self.tries} tries ({self.timeout[1]:g} s each)", page) from None
            raise SisError(api, f"could not connect to {self.base_url} ({exc.__class__.__name__})", page) from None
        except requests.RequestException as exc:  # retries exhausted on 5xx, and the like
            raise SisError(api, f"request failed ({exc.__class__.__name__})", page) from None
        self.recorder(Exchange(api_key, path, params, answer.status_code, answer.text))
        if answer.status_code >= 500:
            raise SisError(api, f"HTTP {answer.status_code} after {self.tries} tries", page)
        return decode(api, answer.status_code, answer.text, page)

    def pages(self, api_key: str, path: str, list_key: str, params: dict | None = None) -> Iterator[tuple[int, list]]:
        """(page number, items) for every page of a list, until an empty page."""
        number = 1
        while True:
            body = self.get(
                api_key, path, {**(params or {}), "page-number": number, "page-size": self.page_size}, number
            )
            items = listed(APIS[api_key], body, list_key, number)
            if not items:
                return
            yield number, items
            number += 1


def decode(api: Api, status: int, text: str, page: int | None = None) -> dict:
    """The JSON object of an answer, or the SisError it amounts to."""
    if status in (401, 403):
        raise SisRefused(api, status, page)
    if status == 404:
        return {}  # "no records": the APIs answer 404 for an empty result
    if status != 200:
        raise SisError(api, f"HTTP {status}", page)
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SisError(api, f"malformed JSON ({exc.msg} at character {exc.pos})", page) from None
    if not isinstance(body, dict):
        raise SisError(api, "the answer is not a JSON object", page)
    return body


def listed(api: Api, body: dict, list_key: str, page: int | None = None) -> list:
    """The list under ``response.<list_key>``, inside ``apiResponse`` for the Class and
    Course APIs and at the top for the Term API. An empty answer ({}) is an empty list."""
    if not body:
        return []
    envelope = body.get("apiResponse", body)
    if not isinstance(envelope, dict) or not isinstance(envelope.get("response"), dict):
        raise SisError(api, "no response object in the answer", page)
    items = envelope["response"].get(list_key, [])
    if not isinstance(items, list):
        raise SisError(api, f"response.{list_key} is not a list", page)
    return items
