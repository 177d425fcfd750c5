"""The API against its own OpenAPI schema: schemathesis sends valid and invalid values of every
parameter of every operation to the app under gunicorn over the real data, and every answer must
be a non-5xx, documented status with a body of the documented type and shape."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# About 4,000 requests over the 14 operations: under two minutes on two cores. With much fewer,
# a % in term (a 500 once) went unnoticed.
MAX_EXAMPLES = 500
pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def app_schema() -> dict:
    """The schema /api/v1/schema/ serves, as drf-spectacular generates it."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(app_schema())
schema.config.generation.update(max_examples=MAX_EXAMPLES)


@schema.parametrize()
@settings(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, site, enrollment_data):
    case.call_and_validate(base_url=site.url, checks=CHECKS)
