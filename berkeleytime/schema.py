"""The API's OpenAPI schema class (settings REST_FRAMEWORK DEFAULT_SCHEMA_CLASS)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """Every operation is public and anonymous: the schema lists no security requirement
    (drf-spectacular would write an empty one, which the docs page shows as "Authorizations")."""

    def get_auth(self):
        return []
