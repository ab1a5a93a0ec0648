"""The OpenAPI document the register serves passes an independent validator (openapi-spec-validator,
not drf-spectacular, which generates it), so that the clients councils generate from it keep working."""

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from rest_framework.test import APIClient

JSON, YAML = "application/vnd.oai.openapi+json", "application/vnd.oai.openapi"


def served_schema(accept: str) -> dict:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content[:500]
    return response.json() if accept == JSON else yaml.safe_load(response.content)


def test_the_served_schema_is_a_valid_openapi_document(db):
    """Both forms /api/schema/ serves, JSON and YAML, are the same valid document."""
    document = served_schema(JSON)
    assert document["openapi"].startswith("3.")
    assert document["paths"], "a document with no operations would be valid and show nothing"
    validate(document)
    assert served_schema(YAML) == document


def test_the_validator_refuses_a_default_that_the_schema_itself_refuses():
    """The defect the validator found (issue 15): a default of '' on a string that requires a character."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "A register", "version": "1"},
        "paths": {},
        "components": {"schemas": {"DeclareRequest": {"type": "object", "properties": {"family_relation": {}}}}},
    }
    validate(document)
    document["components"]["schemas"]["DeclareRequest"]["properties"]["family_relation"] = {
        "type": "string",
        "minLength": 1,
        "default": "",
    }
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_an_optional_text_left_out_means_none_and_sent_blank_is_refused_naming_it(council):
    """What the schema now says of family_relation and action_detail (no default, at least one character
    when given) is what the API does: left out, the service is given none; sent as '', a 400 naming it."""
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    client = APIClient()
    client.force_authenticate(member)
    friendship = {"other_person": officer.pk, "kind": "friendship", "began_on": "2024-06-01", "description": "Golf."}

    blank = client.post("/api/declarations/", {**friendship, "family_relation": ""}, format="json")
    assert blank.status_code == 400 and set(blank.json()["errors"]) == {"family_relation"}
    declared = client.post("/api/declarations/", friendship, format="json")
    assert declared.status_code == 201, declared.json()
    assert declared.json()["family_relation"] == ""

    client.force_authenticate(council.monitoring_officer)
    review = f"/api/declarations/{declared.json()['id']}/review/"
    advice = {"advice": "Say so at meetings.", "action_agreed": "declare-at-meetings"}
    blank = client.post(review, {**advice, "action_detail": ""}, format="json")
    assert blank.status_code == 400 and set(blank.json()["errors"]) == {"action_detail"}
    reviewed = client.post(review, advice, format="json")
    assert reviewed.status_code == 200, reviewed.json()
    assert reviewed.json()["action_detail"] == ""
