"""API plumbing shared by every app: error bodies, JSON 404/500 for /api/, the filter
backend, and the schema's error responses."""

from django.http import JsonResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Each offending parameter with what is wrong with it.",
        },
    },
    "required": ["detail"],
}


def error_body(errors: dict[str, list[str]]) -> dict:
    """``{"detail": "Invalid parameter: level.", "errors": {"level": ["..."]}}``."""
    return {"detail": f"Invalid parameter: {', '.join(sorted(errors))}.", "errors": errors}


def exception_handler(exc, context):
    """Errors are JSON; a validation error names each offending parameter."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        response.data = error_body(response.data)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid request.", "errors": {"non_field_errors": response.data}}
    return response


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, with each error message taken as written: its own
    translation %-formats every message, so a ``%`` the user typed into one failed."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            errors = filterset.errors.get_json_data()
            raise exceptions.ValidationError({name: [e["message"] for e in each] for name, each in errors.items()})
        return filterset.qs


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation that takes parameters can
    answer 400 with the error body; one with a path parameter (no such course) or a page
    (past the last) can answer 404; one with a query string 414 when it is too long."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            responses = operation.setdefault("responses", {})
            if parameters:
                responses.setdefault(
                    "400", {"description": "A parameter is invalid; errors names it.", "content": error}
                )
            if any(p["in"] == "query" for p in parameters):
                # The server (gunicorn, the ingress) refuses a request line over about 4 KB itself.
                responses.setdefault("414", {"description": "The query string is too long to read."})
            if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
                responses.setdefault("404", {"description": "No such thing.", "content": error})
    return result


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def api_not_found(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def api_server_error(request):
    return JsonResponse({"detail": "Internal server error."}, status=500)
