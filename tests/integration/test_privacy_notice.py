"""The privacy notice and the records of processing (issue 21, item 4; UK GDPR Articles 13, 14 and 30):
generated from the retention schedule in force and the settings, so that a period the Monitoring Officer
changes, a Data Protection Officer appointed or a mail server configured shows on the pages at once."""

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.text import capfirst

from register import retention
from register.models import Post, RetentionRule
from register.selectors import privacy
from register.services.history import save_with_history
from tests.integration.page_actions import signed_in

Role = Post.Role


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def set_period(council, key: str, months: int) -> RetentionRule:
    rule = RetentionRule(record_kind=key, months=months, set_by=council.monitoring_officer, set_at=timezone.now())
    save_with_history(rule, actor=council.monitoring_officer, reason="The council's schedule keeps these longer")
    return rule


def test_the_privacy_notice_is_public_and_states_each_kind_of_record_from_the_schedule(
    council, django_assert_num_queries
):
    """Without signing in, the notice names the controller and, for every kind in the retention schedule,
    what is held, why, on what basis, for how long from when, and what stays after (Article 13)."""
    with django_assert_num_queries(2):  # the periods in force, the posts named as contacts
        response = Client().get("/privacy/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Demoshire County Council runs this register and is the controller" in page
    for kind in retention.KINDS:
        assert kind.label in page, kind.key
        assert kind.purpose in page, kind.key
        assert f"How long {retention.period_text(kind.default_months)} Counted from {capfirst(kind.ends)}" in page, (
            kind.key
        )
        assert capfirst(kind.kept) in page, kind.key
    assert "Information Commissioner's Office" in page
    assert "we cannot usually erase an entry before its period is over" in page


def test_a_period_the_monitoring_officer_changes_changes_the_notice(council, django_assert_num_queries):
    """Change the period for declarations (a RetentionRule row) and the notice says the new one: the page is
    generated from the schedule in force, not written once; and it costs the same queries."""
    declarations = retention.kind("declaration")
    before = text_of(Client().get("/privacy/"))
    assert f"How long 6 years Counted from {capfirst(declarations.ends)}" in before
    set_period(council, "declaration", 120)
    with django_assert_num_queries(2):
        after = text_of(Client().get("/privacy/"))
    assert f"How long 10 years Counted from {capfirst(declarations.ends)}" in after
    assert f"How long 6 years Counted from {capfirst(declarations.ends)}" not in after
    concerns = retention.kind("concern")
    assert f"How long 6 years Counted from {capfirst(concerns.ends)}" in after


def test_the_notice_names_the_data_protection_officer_when_the_post_is_held(council):
    """The holder of the Data Protection Officer's post is named with their e-mail address; while nobody
    holds it the notice says to contact the Monitoring Officer instead."""
    without = text_of(Client().get("/privacy/"))
    assert f"contact the Monitoring Officer, {council.monitoring_officer.name}, about your data" in without
    assert "reaches the council's Monitoring Officer" in without
    officer = council.officer_in_post(council.organization, Role.DATA_PROTECTION_OFFICER, "Data Protection Officer")
    named = text_of(Client().get("/privacy/"))
    assert f"The council's Data Protection Officer is {officer.name}, {officer.email}" in named
    assert "contact the Monitoring Officer" not in named
    assert "reaches the council's Data Protection Officer" in named


def test_the_notice_names_the_mail_server_that_delivers_notices_as_a_processor(council, settings):
    """The e-mail processor comes from the EMAIL settings: an SMTP server is named; a test backend is not."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "smtp.mail.example", 587, True
    page = text_of(Client().get("/privacy/"))
    assert "handed over TLS to the mail server smtp.mail.example (port 587)" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    assert "This installation sends no e-mail out" in text_of(Client().get("/privacy/"))
    settings.NOTICE_EMAIL_SERVICE = "notify"  # issue 22: GOV.UK Notify, whatever the mail settings say
    page = text_of(Client().get("/privacy/"))
    assert "E-mail delivery: GOV.UK Notify (the Government Digital Service, Cabinet Office)" in page
    assert "smtp.mail.example" not in page


def test_every_kind_in_the_schedule_says_whose_data_it_holds_and_who_sees_it():
    """A kind added to the retention schedule without its subjects and recipients is caught here, not on a
    page; and its personal data are named from the models' fields that are erased."""
    assert set(privacy.AUDIENCES) == {kind.key for kind in retention.KINDS}
    assert privacy.personal_fields_of(retention.kind("complaint"))[:2] == ("complainant name", "complainant contact")


@pytest.mark.parametrize("who", ["monitoring officer", "data protection officer", "auditor"])
def test_the_monitoring_officer_the_dpo_and_auditors_read_the_records_of_processing(
    council, who, django_assert_num_queries
):
    """Article 30's records, one row per kind with purpose, subjects, data, recipients and the period in
    force (with who set it), and the security measures from the settings; linked from their navigation."""
    reader = {
        "monitoring officer": council.monitoring_officer,
        "auditor": council.auditor,
        "data protection officer": None,
    }[who] or council.officer_in_post(council.organization, Role.DATA_PROTECTION_OFFICER, "Data Protection Officer")
    set_period(council, "sign-in", 18)
    client = signed_in(reader)
    # The session; the reader with their standing; the posts named as contacts, the periods in force.
    with django_assert_num_queries(4):
        response = client.get("/privacy/records-of-processing/")
    assert response.status_code == 200
    page = text_of(response)
    for kind in retention.KINDS:
        assert kind.label in page and kind.purpose in page and privacy.AUDIENCES[kind.key].subjects in page
    assert f"18 months, counted from: at the sign-in (or attempt) (set by {council.monitoring_officer}" in page
    assert "Database roles: the application connects as register_app" in page
    assert "Two-factor sign-in" in page
    assert 'href="/privacy/records-of-processing/"' in client.get("/").content.decode()


def test_the_records_of_processing_download_as_csv_with_one_row_per_kind(council):
    """The CSV holds the same rows as the page, with the period in force."""
    set_period(council, "notice", 36)
    response = signed_in(council.auditor).get("/privacy/records-of-processing.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["record_kind"] for row in rows] == [kind.key for kind in retention.KINDS]
    by_key = {row["record_kind"]: row for row in rows}
    assert by_key["notice"]["retention"] == "3 years"
    assert by_key["notice"]["retention_set_by"].startswith(str(council.monitoring_officer))
    assert by_key["declaration"]["retention"] == "6 years" and by_key["declaration"]["retention_set_by"] == "default"
    assert "other person" in by_key["declaration"]["personal_data"]
    assert "Tamper-evident history" in by_key["declaration"]["security_measures"]


@pytest.mark.parametrize("who", ["chief executive", "group leader", "officer"])
def test_to_anyone_else_the_records_of_processing_do_not_exist(council, who):
    """Everyone else gets "page not found" for the page and the CSV, and no navigation leads there."""
    person = {
        "chief executive": council.chief_executive,
        "group leader": council.groups[0].leader,
        "officer": council.directorates[0].officers[0],
    }[who]
    client = signed_in(person)
    assert client.get("/privacy/records-of-processing/").status_code == 404
    assert client.get("/privacy/records-of-processing.csv").status_code == 404
    assert "/privacy/records-of-processing/" not in client.get("/").content.decode()
    assert Client().get("/privacy/records-of-processing/").status_code == 302
