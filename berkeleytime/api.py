"""API plumbing shared by every app: error bodies, JSON 404/500 for /api/."""

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Errors are JSON; a validation error names each offending parameter:
    ``{"detail": "Invalid parameter: level.", "errors": {"level": ["..."]}}``."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        names = ", ".join(sorted(response.data))
        response.data = {"detail": f"Invalid parameter: {names}.", "errors": response.data}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "Invalid request.", "errors": {"non_field_errors": response.data}}
    return response


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def api_not_found(request, exception=None):
    return JsonResponse({"detail": "Not found."}, status=404)


def api_server_error(request):
    return JsonResponse({"detail": "Internal server error."}, status=500)
