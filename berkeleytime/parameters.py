"""Every API request's parameters checked against the OpenAPI schema, before any view runs.

The schema drf-spectacular generates says, for each operation, which query parameters it
takes and which of them may repeat. Whatever the view then does with a value, a value that
could never be right is answered here with a 400 naming the parameter, in the API's error
body: a single-valued parameter given twice, an empty or blank value, one over MAX_LENGTH
characters, a control character (PostgreSQL refuses NUL), a value outside the schema's
enum, an integer that is not one or is outside its minimum and maximum. A path parameter
with a control character names nothing that exists: 404. Views keep the checks that need
the data (an unknown subject, term or instructor).
"""

import functools
import re

from django.http import JsonResponse

from .api import error_body

MAX_LENGTH = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
INTEGER = re.compile(r"-?[0-9]+")


@functools.cache
def _operations() -> dict[tuple, dict]:
    """(view class, viewset action, method) -> the operation's query parameters by name."""
    from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    operations = {}
    for path, _, method, callback in EndpointEnumerator().get_api_endpoints():
        operation = paths.get(path, {}).get(method.lower())
        if operation is not None:
            query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            operations[_key(callback, method)] = query
    return operations


def prepare() -> None:
    """Build the table now (it takes a second or two): gunicorn.conf.py calls it as each
    worker boots, so no request waits for it."""
    _operations()


def _key(callback, method: str) -> tuple:
    # A ViewSet's view maps methods to actions (DRF adds "head" to the map at its first request).
    action = (getattr(callback, "actions", None) or {}).get(method.lower())
    return getattr(callback, "cls", callback), action, method.upper()


def query_errors(parameters: dict[str, dict], query) -> dict[str, list[str]]:
    errors = {}
    for name, spec in parameters.items():
        values = query.getlist(name)
        if values:
            problem = _problem(spec, values)
            if problem:
                errors[name] = [problem]
    return errors


def _problem(spec: dict, values: list[str]) -> str | None:
    schema = spec.get("schema", {})
    array = schema.get("type") == "array"
    repeated = array and spec.get("explode", True)  # else one comma-separated value (ordering=code,-gpa)
    enum = {str(e) for e in (schema.get("items", {}) if array else schema).get("enum") or ()}
    if len(values) > 1 and not repeated:
        return "give it once."
    for value in values:
        if not value.strip():
            return "must not be empty."
        if len(value) > MAX_LENGTH:
            return f"at most {MAX_LENGTH} characters."
        if CONTROL_CHARACTERS.search(value):
            return "must not contain control characters."
        for element in value.split(",") if array and not repeated else [value]:
            if enum and element not in enum:
                return f"one of {', '.join(sorted(enum))}; got {element[:40]!r}."
        if schema.get("type") == "integer" and (problem := _integer_problem(schema, value)):
            return problem
    return None


def _integer_problem(schema: dict, value: str) -> str | None:
    # ASCII digits only: int() would also read "١٠" as 10.
    if not INTEGER.fullmatch(value):
        return f"must be a whole number, got {value[:40]!r}."
    if "minimum" in schema and int(value) < schema["minimum"]:
        return f"must be at least {schema['minimum']}."
    if "maximum" in schema and int(value) > schema["maximum"]:
        return f"must be at most {schema['maximum']}."
    return None


class ParameterMiddleware:
    """Answers an API request whose parameters break the schema before its view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith("/api/"):
            return None
        if any(isinstance(v, str) and CONTROL_CHARACTERS.search(v) for v in view_kwargs.values()):
            return JsonResponse({"detail": "Not found."}, status=404)
        parameters = _operations().get(_key(view_func, request.method))
        if parameters is None:
            return None
        errors = query_errors(parameters, request.GET)
        if errors:
            return JsonResponse(error_body(errors), status=400)
        return None
