"""Subject access (issue 21, item 3): the export for a member with declarations (their own, and another's
naming them), attendance requests, notices and a concern about them holds everything the register holds
about them and nothing DOMAIN.md withholds from them, checked by reading the ZIP's bytes; the same
readable document as HTML and as a PDF (read back with pdftotext); each export recorded with its reason."""

import json
import subprocess

import pytest
from django.utils import timezone

from register.models import AttendanceRequest, Declaration, Notification, SubjectAccessExport
from register.models.retention import DisposalItem, DisposalRun
from register.selectors.subject_access import WITHHELD_OTHERS_DECLARATION, WITHHELD_RAISER
from register.services.history import save_with_history
from tests.integration.page_actions import signed_in
from tests.integration.subject_access_helpers import (
    CONCERN_ACCOUNT,
    OTHERS_ADVICE,
    OTHERS_DESCRIPTION,
    OWN_DESCRIPTION,
    member_with_records,
    read_zip,
    section,
)

REASON = "Subject access request received 3 March 2026, reference DP-114"


def download(council, person, form="zip", reason=REASON):
    client = signed_in(council.monitoring_officer)
    return client.post(f"/people/{person.pk}/subject-access/", {"reason": reason, "form": form})


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "export.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def made(council):
    return member_with_records(council)


def test_the_zip_holds_everything_about_the_member_and_nothing_domain_withholds(council, made):
    """Done when (issue 21): their own declaration in full, another's naming them as existing with its kind
    only (its description and advice nowhere in the ZIP's bytes), their requests, notices and history; the
    concern about them without the raiser who asked not to be named."""
    response = download(council, made.member)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = read_zip(response.content)
    everything = b"".join(files.values())

    # Nothing withheld, anywhere: not in a section, not in a history, not in the readable document.
    for secret in (OTHERS_DESCRIPTION, OTHERS_ADVICE):
        assert secret.encode() not in everything
        assert json.dumps(secret)[1:-1].encode() not in everything  # nor escaped as JSON would
    raiser_name = made.raiser.name.encode()
    assert raiser_name not in everything

    # Their own declaration, in full, with its history.
    (own,) = section(files, "declarations-made")["records"]
    assert own["id"] == made.own.pk
    assert own["fields"]["Description"] == OWN_DESCRIPTION
    assert own["fields"]["Advice"] == made.own.advice
    assert own["history"] and {"Created", "Changed"} <= {version["change"] for version in own["history"]}
    assert own["corrected_at"] == f"http://testserver/declarations/{made.own.pk}/"

    # Another person's declaration naming them: its existence and kind, marked withheld with the reason.
    (others,) = section(files, "declarations-naming-them")["records"]
    assert others["id"] == made.others.pk
    assert others["fields"]["Kind"] == Declaration.Kind.CLOSE_PERSONAL
    assert others["fields"]["Declared by"] == made.others.declarant.name
    assert set(others["fields"]) == {"Declared by", "Kind", "Declared on"}
    withheld = {entry["field"]: entry["reason"] for entry in others["withheld"]}
    assert {"Description", "Advice", "Action agreed", "History"} <= set(withheld)
    assert set(withheld.values()) == {WITHHELD_OTHERS_DECLARATION}
    assert others["history"] == []

    # Their attendance requests, each with its history and the page where its brief is amended.
    requests = section(files, "attendance-requests")["records"]
    made_by_them = AttendanceRequest.objects.filter(requested_by=made.member)
    assert {record["id"] for record in requests} == set(made_by_them.values_list("id", flat=True))
    assert all(record["history"] for record in requests)

    # Every notice sent to them, in full.
    notices = section(files, "notices")["records"]
    sent = Notification.objects.filter(recipient=made.member)
    assert {record["id"] for record in notices} == set(sent.values_list("id", flat=True))
    assert len(notices) > 0

    # The concern about them: what happened, no raiser (they asked), no handling.
    (concern,) = section(files, "concerns-about-them")["records"]
    assert concern["fields"]["What happened"] == CONCERN_ACCOUNT
    assert "Raised by" not in concern["fields"]
    assert {"field": "Raised by", "reason": WITHHELD_RAISER} in concern["withheld"]

    # Their own record and its history; the page where their name and e-mail are corrected.
    (person,) = section(files, "person")["records"]
    assert person["fields"]["Username"] == made.member.username
    assert person["corrected_at"] == f"http://testserver/people/{made.member.pk}/change/"
    assert person["history"]

    # The manifest: who asked, for whom, why, and every withheld part with its reason.
    manifest = json.loads(files["manifest.json"])
    assert manifest["asked_by"]["id"] == council.monitoring_officer.pk
    assert manifest["asked_by"]["capacity"] == "Monitoring Officer"
    assert manifest["subject"] == {"id": made.member.pk, "name": made.member.name}
    assert manifest["reason"] == REASON
    assert {entry["record"] for entry in manifest["withheld"]} >= {
        f"declaration-naming-them {made.others.pk}",
        f"concern-about-them {made.raiser.concerns_raised.get().pk}",
    }
    assert {entry["file"] for entry in manifest["files"]} == set(files) - {"manifest.json"}


def test_each_export_is_recorded_with_who_for_whom_and_why_in_its_history(council, made):
    """Auditors see who exported whose data: the export is a record with history, its reason kept."""
    download(council, made.member)
    export = SubjectAccessExport.objects.get()
    assert (export.subject, export.asked_by, export.form, export.reason) == (
        made.member,
        council.monitoring_officer,
        SubjectAccessExport.Form.ZIP,
        REASON,
    )
    (row,) = export.history.all()
    assert row.history_user == council.monitoring_officer
    assert REASON in row.history_change_reason


def test_the_readable_html_document_marks_withheld_parts_and_links_each_record_to_its_page(council, made):
    """The ZIP's readable document: the same records in words, withheld parts marked with the reason."""
    html = read_zip(download(council, made.member).content)["subject-access.html"].decode()
    assert OWN_DESCRIPTION in html
    assert OTHERS_DESCRIPTION not in html and OTHERS_ADVICE not in html
    assert "Withheld: another person&#x27;s declaration: its existence and kind only" in html
    assert f'href="http://testserver/declarations/{made.own.pk}/"' in html
    assert f'href="http://testserver/people/{made.member.pk}/change/"' in html


def test_the_pdf_is_the_same_readable_document_and_holds_nothing_withheld(council, made, tmp_path):
    """The PDF (WeasyPrint, as the Standards Committee report's), read back with pdftotext."""
    response = download(council, made.member, form="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert f"Everything the register holds about {made.member.name}" in text
    assert "We sing in the same choir" in text
    assert "another person's declaration: its existence and kind only" in text
    assert "allotment society" not in text and "Do not brief the Red Group alone" not in text
    assert SubjectAccessExport.objects.get().form == SubjectAccessExport.Form.PDF


def test_values_erased_under_the_retention_schedule_are_reported_as_erased(council, made):
    """A notice whose words a disposal run erased is listed, its words reported as erased, not as empty."""
    notice = Notification.objects.filter(recipient=made.member).order_by("id").first()
    run = DisposalRun(as_of=timezone.localdate(), state=DisposalRun.State.DONE, proposed_at=timezone.now())
    save_with_history(run, actor=council.system, reason="Disposal run, in a test")
    item = DisposalItem(
        run=run,
        record_kind="notice",
        record_id=str(notice.pk),
        ended_on=timezone.localdate(),
        due_on=timezone.localdate(),
        months=24,
        outcome=DisposalItem.Outcome.ERASED,
        erased_at=timezone.now(),
    )
    save_with_history(item, actor=council.system, reason="Erased, in a test")
    notice.subject, notice.body_text, notice.body_html = "", "", ""
    save_with_history(notice, actor=council.system, reason="Erased under the retention schedule, in a test")

    files = read_zip(download(council, made.member).content)
    (record,) = [record for record in section(files, "notices")["records"] if record["id"] == notice.pk]
    assert {entry["field"] for entry in record["erased"]} == {"Subject", "Text"}
    assert "Subject" not in record["fields"] and "Text" not in record["fields"]
    manifest = json.loads(files["manifest.json"])
    assert {(entry["record"], entry["field"]) for entry in manifest["erased"]} == {
        (f"notice {notice.pk}", "Subject"),
        (f"notice {notice.pk}", "Text"),
    }
    assert "Erased: erased under the retention schedule" in files["subject-access.html"].decode()


def test_their_calendar_feed_addresses_and_delivery_receipts_are_in_the_export_but_no_secret(council, made):
    """Issue 22: a person's calendar feed addresses (when made, reset and why; never the token or its digest)
    and what GOV.UK Notify said of the e-mails sent to them are part of what the register holds about them."""
    from register.services.calendar_feeds import calendar_feed_make, calendar_feed_reset

    calendar_feed_make(actor=made.member, person=made.member)
    issued = calendar_feed_reset(actor=made.member, person=made.member, reason="My phone was lost")
    email = Notification.objects.filter(recipient=made.member, channel=Notification.Channel.EMAIL).first()
    email.sent_via, email.provider_id = Notification.Service.NOTIFY, "740e5834-3a29-46b4-9a6f-16142fde533a"
    email.receipt, email.receipt_at = Notification.Receipt.DELIVERED, timezone.now()
    save_with_history(email, actor=council.system, reason="GOV.UK Notify receipt, in a test")

    files = read_zip(download(council, made.member).content)
    feeds = section(files, "calendar-feeds")["records"]
    assert len(feeds) == 2
    assert "My phone was lost" in json.dumps(feeds)
    everything = b"".join(files.values())
    assert issued.token.encode() not in everything
    for feed in made.member.calendar_feeds.all():
        assert feed.digest.encode() not in everything
    (record,) = [record for record in section(files, "notices")["records"] if record["id"] == email.pk]
    assert (record["fields"]["Sent through"], record["fields"]["Delivery receipt"]) == ("notify", "delivered")
