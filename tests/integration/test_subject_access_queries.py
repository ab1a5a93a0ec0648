"""A subject access export costs a fixed number of queries, however many records the person has (issue 21)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from register.selectors.standing import standing_of
from register.services.subject_access import html_document, subject_access_export, zip_document
from tests.factories import approved_request
from tests.integration.subject_access_helpers import member_with_records


def export(council, member, viewer):
    made, found = subject_access_export(
        person_id=member.pk,
        actor=council.monitoring_officer,
        reason="Request of 3 March",
        form="zip",
        via="test",
        standing=viewer,
    )
    zip_document(found, export=made, base_url="http://testserver/")
    html_document(found, export=made, base_url="http://testserver/")
    return found


def test_the_export_costs_the_same_queries_for_one_request_or_six(council, django_assert_num_queries):
    """Reading, recording and writing the ZIP cost the same with one attendance request (and its notices)
    as with six: every kind of record is read once, its history once, and the names behind all ids once."""
    made = member_with_records(council, requests=1)
    viewer = standing_of(council.monitoring_officer)
    with CaptureQueriesContext(connection) as few:
        found = export(council, made.member, viewer)
    few_records = found.record_count
    for number in range(5):
        approved_request(council, subject=f"More briefings {number}")
    with django_assert_num_queries(len(few)):
        found = export(council, made.member, viewer)
    assert found.record_count >= few_records + 5  # five more requests, and the notices they brought
