"""The OpenAPI schema: every operation also documents the problem-details errors it can answer."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

# DRF refuses text containing a NUL character (PostgreSQL cannot store one): say so in the schema.
NO_NUL_CHARACTERS = "^[^\\u0000]*$"


class ProblemAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "format" not in schema
            and "enum" not in schema
        ):
            schema.setdefault("pattern", NO_NUL_CHARACTERS)
        return schema

    def _get_response_bodies(self, direction="response"):
        from api.serializers import ProblemSerializer

        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, ["application/problem+json"], direction
                )
                responses[code]["description"] = ERROR_DESCRIPTIONS[code]
        return responses

    def error_codes(self) -> list[str]:
        # Writes can be refused; reads can be refused for an invalid filter or page size, or for query
        # parameters the view checks (``refuses_bad_queries``: a report's period).
        refusable = self._is_list_view() or getattr(self.view, "refuses_bad_queries", False)
        codes = ["400"] if self.method in {"POST", "PUT", "PATCH"} or refusable else []
        if self.view.permission_classes and not getattr(self.view, "public", False):
            codes += ["401", "403"]
        codes.append("404")
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("409")
        codes.append("429")
        return codes


ERROR_DESCRIPTIONS = {
    "400": "The request has errors, or a rule of the protocol refuses it (the body names the field or rule).",
    "401": "Not signed in.",
    "403": "Signed in, but not allowed to do this to a record you can see.",
    "404": "No such record, or one you may not see.",
    "409": "The record's state does not allow this, or someone changed it first.",
    "429": "Too many requests (for sign-in: too many failures).",
}
