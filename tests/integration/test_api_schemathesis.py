"""Schemathesis against the live schema: every operation, signed in as each role, never a 5xx,
every response as the schema says."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.errors import PROBLEM_TYPE
from register.services.sign_in.tokens import issue_token
from register.wsgi import application
from tests.factories import Council

ROLES = ["anonymous", "member", "group_leader", "officer", "chief_executive", "monitoring_officer", "auditor"]


def live_schema():
    """The schema exactly as /api/schema/ serves it, loaded without a database."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = application  # calls go through the WSGI application, in-process
    return loaded


@pytest.fixture
def keep_the_test_connection_open(db):
    # The WSGI handler closes the database connection after each request, as in production; the
    # test's transaction lives on that connection, so keep it open as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def council_for_the_module(django_db_setup, django_db_blocker):
    """The council, built once for the module (every operation is a test of its own) in a transaction
    rolled back at the end; each test runs in a savepoint of it, so what one test's calls change is
    rolled back before the next, as with a council of its own."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield Council()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def council(council_for_the_module, db):
    return council_for_the_module


@pytest.fixture
def tokens(council):
    people = {
        "member": council.groups[0].members[0],
        "group_leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
        "chief_executive": council.chief_executive,
        "monitoring_officer": council.monitoring_officer,
        "auditor": council.auditor,
    }
    return {
        role: issue_token(actor=person, person=person, client="Schemathesis").token for role, person in people.items()
    }


schema = live_schema()

RULE_REFUSED = PROBLEM_TYPE + "rule-violation"


@schemathesis.check
def schema_valid_requests_are_accepted_unless_a_rule_of_the_protocol_refuses_them(ctx, response, case):
    """Schemathesis's own positive_data_acceptance, less one case: a rule of the protocol refusing a
    request whose shape the schema allows, answered 400 with the problem type 'rule-violation'
    and the field or rule named (api/errors.py). Whether a councillor may name this person, or a
    relationship begin on that date, is the register's rule, not the request's shape; a 400 of
    any other type for a schema-valid request is still a failure (the schema is not precise)."""
    if response.status_code == 400 and _problem_type(response) == RULE_REFUSED:
        return None
    return positive_data_acceptance(ctx, response, case)


def _problem_type(response) -> str | None:
    try:
        return response.json().get("type")
    except (ValueError, AttributeError):
        return None


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_every_role_without_a_server_error_and_as_the_schema_says(
    case, tokens, keep_the_test_connection_open
):
    for role in ROLES:
        headers = {} if role == "anonymous" else {"Authorization": f"Token {tokens[role]}"}
        case.call_and_validate(
            headers=headers,
            excluded_checks=[positive_data_acceptance],
            additional_checks=[schema_valid_requests_are_accepted_unless_a_rule_of_the_protocol_refuses_them],
        )
