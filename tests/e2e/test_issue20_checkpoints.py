"""Issue 20 in a real Chromium at 1,280 and 320 px: the public page of the history's signed checkpoints
reads well (axe-core, no sideways scrolling) with no sign-in, and an auditor downloads an inclusion proof
of a change from a record's history page that checks with only the published key."""

import re

import pytest
from django.core.management import call_command

from register import transparency
from register.models import Organization, TransparencyLog
from register.services.audit import checkpoints
from tests.e2e.conftest import assert_reads_well
from tests.e2e.test_declarations_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HISTORY = TransparencyLog.HISTORY


def test_the_public_checkpoint_page_reads_well_and_an_auditor_downloads_a_proof_C4(
    live_server, page_at_width, tmp_path
):
    call_command("seed_demo")
    checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    page = page_at_width
    page.set_default_timeout(10_000)

    # Anyone, signed out: the page with the keys, the origins and the command, from the public register.
    page.goto(f"{live_server.url}/register-of-attendance/")
    page.get_by_role("link", name="checking the register's history").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Checking the register's history"
    assert checkpoints.signing_key().verifier.text() in page.locator("#public-keys").inner_text()
    assert checkpoints.origin(HISTORY) in page.locator("#check-command").inner_text()
    assert_reads_well(page)

    # An auditor downloads the proof of a political group's latest change from its history page.
    group = Organization.objects.filter(classification=Organization.Classification.PARTY).order_by("pk").first()
    journey = Journey(page, live_server.url)
    journey.sign_in("auditor")
    page.goto(f"{live_server.url}/history/organization/{group.pk}/")
    assert_reads_well(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("^Download proof")).first.click()
    latest = group.history.order_by("-history_id").first()
    assert download.value.suggested_filename == f"organization-{group.pk}-change-{latest.history_id}-proof.json"
    proof = tmp_path / "proof.json"
    download.value.save_as(proof)
    said = transparency.check_file(proof, [checkpoints.signing_key().verifier], checkpoints.origin(HISTORY))
    assert f"row {latest.history_id} is entry" in said
