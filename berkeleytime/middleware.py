import contextlib
import logging
import re
import time
import uuid

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .api import wants_json
from .logging import request_id_var

access_log = logging.getLogger("berkeleytime.access")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class RequestIdMiddleware:
    """Gives every request an id (the caller's X-Request-ID when it is sane),
    returns it in the response, and writes one access log line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class DatabaseOutageMiddleware:
    """A dropped or refused database connection (a PostgreSQL restart or failover)
    costs a student nothing on a read and never shows as a 500.

    An idempotent request (GET, HEAD) whose view hits a broken connection is run
    once more on a fresh one, after a short pause; a write, or a read whose second
    try fails too, answers 503 with Retry-After: JSON on API paths, a small page
    otherwise. Last in MIDDLEWARE, so its process_exception is the first asked:
    that hook sees the view's and the template rendering's exceptions before
    Django turns them into a 500. Errors raised by other middleware (outside the
    view) stay 500s; CONN_HEALTH_CHECKS keeps those rare by replacing a dead
    persistent connection before a request first uses it.
    """

    RETRY_PAUSE_SECONDS = 0.5
    RETRY_AFTER_SECONDS = 5
    IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_CONNECTION_ERRORS):
            return None
        discard_database_connections()
        if request.method in self.IDEMPOTENT_METHODS and request.resolver_match is not None:
            db_log.warning("database connection lost during %s %s; trying once more", request.method, request.path)
            time.sleep(self.RETRY_PAUSE_SECONDS)
            try:
                return self.view_again(request)
            except DATABASE_CONNECTION_ERRORS as again:
                exception = again
                discard_database_connections()
        # With the exception attached, so Sentry reports the outage as the error it is.
        db_log.error("database unavailable for %s %s: %s", request.method, request.path, exception, exc_info=exception)
        return database_unavailable(request, self.RETRY_AFTER_SECONDS)

    @staticmethod
    def view_again(request):
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        # Django renders a template response after the view, but not one that
        # process_exception returns for a failed render: render it here.
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response


DATABASE_CONNECTION_ERRORS = (OperationalError, InterfaceError)
db_log = logging.getLogger("berkeleytime.db")


def discard_database_connections() -> None:
    """Close every connection this thread opened, so the next query connects afresh."""
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            conn.close()


def database_unavailable(request, retry_after: int) -> HttpResponse:
    if wants_json(request):
        response = JsonResponse({"detail": "The database is unavailable for a moment; try again shortly."}, status=503)
    else:
        # Rendered without the request: context processors might need the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(retry_after)
    return response
