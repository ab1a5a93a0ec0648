"""Inclusion proofs of a record's changes, from its history page and the API, and in the export (issue 20,
C4): each checks with only the council's public key, with the stand-alone checker, without the database."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from register import transparency
from register.errors import NotFound
from register.models import Checkpoint, HistoryLink, Person, TransparencyLog
from register.services import audit
from register.services.audit import checkpoints, proofs
from register.services.audit import export as export_module
from register.services.history import save_with_history
from tests.factories import make_person
from tests.integration.declaration_helpers import DESCRIPTION, declare, review

pytestmark = pytest.mark.django_db

HISTORY = TransparencyLog.HISTORY


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def rename(organization, actor, times: int):
    for number in range(times):
        organization.name = f"{organization.name.split(' #')[0]} #{number}"
        save_with_history(organization, actor=actor, reason=f"Renamed {number}", update_fields=["name"])


def latest_row(record):
    return record.history.order_by("-history_id").first()


def proof_url(kind: str, record_id: int, history_id: int) -> str:
    return f"/history/{kind}/{record_id}/changes/{history_id}/proof.json"


def check(tmp_path, document: dict) -> str:
    """What the checker says of a proof file, given only the public key and the history's origin."""
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(document))
    return transparency.check_file(path, [checkpoints.signing_key().verifier], checkpoints.origin(HISTORY))


# --- The record's history page ------------------------------------------------------------------


def test_the_auditor_downloads_a_proof_of_a_declaration_s_change_that_checks_with_the_public_key_alone_C4(
    council, auditor, tmp_path
):
    """The file is an inclusion proof: the change's values with their salts, leaf index, path and checkpoint."""
    declaration = declare(council.groups[0].members[0], make_person(Person.Kind.OFFICER))
    row = latest_row(declaration)
    client = signed_in(auditor)
    page = client.get(f"/history/declaration/{declaration.pk}/").content.decode()
    assert page.count("Download proof") == declaration.history.count()
    assert f'action="{proof_url("declaration", declaration.pk, row.history_id)}"' in page

    response = client.post(proof_url("declaration", declaration.pk, row.history_id))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = response.json()
    link = HistoryLink.objects.get(table=row._meta.db_table, row_id=str(row.history_id))
    assert document["format"] == transparency.INCLUSION_FORMAT
    assert document["position"] == link.position and document["leaf_index"] == audit.tree.history_leaf_index(
        link.position
    )
    assert document["entry"]["table"] == row._meta.db_table and document["entry"]["id"] == str(row.history_id)
    assert document["entry"]["fields"]["description"] == {"value": DESCRIPTION, "salt": link.salts["description"]}
    assert set(document["entry"]["fields"]) == set(link.salts)
    assert f"row {row.history_id} is entry {document['leaf_index']} of the log" in check(tmp_path, document)

    changed = dict(document["entry"]["fields"], description={"value": "Edited", "salt": link.salts["description"]})
    with pytest.raises(transparency.ProofError, match="root"):
        check(tmp_path, {**document, "entry": {**document["entry"], "fields": changed}})


def test_the_downloaded_proof_passes_the_stand_alone_checker_downloaded_from_the_public_register_C4(
    council, auditor, tmp_path
):
    """As an outsider would: the checker, the keys and the proof, run by a bare Python with no Django."""
    organization = council.groups[0].organization
    rename(organization, council.chief_executive, 1)
    row = latest_row(organization)
    proof = signed_in(auditor).post(proof_url("organization", organization.pk, row.history_id))
    public = Client()
    (tmp_path / "verify_register_proof.py").write_bytes(
        public.get("/register/checkpoints/verify_register_proof.py").content
    )
    (tmp_path / "keys.txt").write_bytes(public.get("/register/checkpoints/keys.txt").content)
    (tmp_path / "proof.json").write_bytes(proof.content)
    origin = checkpoints.origin(HISTORY)
    ran = subprocess.run(
        [sys.executable, "-I", "verify_register_proof.py", "--key", "keys.txt", "--origin", origin, "proof.json"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("OK  proof.json:") and f"row {row.history_id} is entry" in ran.stdout


def test_a_proof_uses_the_latest_checkpoint_covering_the_change_and_signs_one_only_when_none_does_C4(council, auditor):
    organization = council.groups[0].organization
    rename(organization, council.chief_executive, 1)
    published = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    covered = latest_row(organization)
    client = signed_in(auditor)
    document = client.post(proof_url("organization", organization.pk, covered.history_id)).json()
    assert document["checkpoint"] == published.note and Checkpoint.objects.count() == 1

    rename(organization, council.chief_executive, 1)
    newer = latest_row(organization)
    document = client.post(proof_url("organization", organization.pk, newer.history_id)).json()
    signed = Checkpoint.objects.order_by("-tree_size").first()
    assert signed.tree_size == published.tree_size + 1 and document["checkpoint"] == signed.note
    assert signed.reason == f"on demand by {auditor} for a proof"


def test_without_a_signing_key_a_proof_no_checkpoint_covers_is_refused_saying_why_not_a_crash_C4(
    council, auditor, settings
):
    """The page and the API answer 409 in words (the administrator must set the key), sign nothing, and
    still hand out a proof that an existing checkpoint covers."""
    organization = council.groups[0].organization
    rename(organization, council.chief_executive, 1)
    published = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    covered = latest_row(organization)
    rename(organization, council.chief_executive, 1)
    uncovered = latest_row(organization)
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = "", ""

    page = signed_in(auditor).post(proof_url("organization", organization.pk, uncovered.history_id))
    assert page.status_code == 409 and "its signing key is missing or unusable" in page.content.decode()
    api = APIClient()
    api.force_authenticate(auditor)
    answer = api.post(f"/api/history/organization/{organization.pk}/changes/{uncovered.history_id}/proof/")
    assert answer.status_code == 409 and "signing key" in json.dumps(answer.json())
    assert list(Checkpoint.objects.all()) == [published], "nothing signed"
    document = signed_in(auditor).post(proof_url("organization", organization.pk, covered.history_id)).json()
    assert document["checkpoint"] == published.note


def test_only_those_who_may_read_a_record_s_history_get_its_proofs_C2_C4(council):
    """The declarant and the auditor get a proof of a declaration's change; the person it names, another
    member and someone signed out do not, nor of a change that is not of the record asked about."""
    declarant, named = council.groups[0].members[0], make_person(Person.Kind.OFFICER)
    declaration = review(declare(declarant, named))
    url = proof_url("declaration", declaration.pk, latest_row(declaration).history_id)
    assert signed_in(declarant).post(url).status_code == 200
    assert signed_in(council.auditor).post(url).status_code == 200
    assert signed_in(named).post(url).status_code == 404
    assert signed_in(council.groups[1].members[0]).post(url).status_code == 404
    assert Client().post(url).status_code == 302
    other = declare(council.groups[1].members[0], make_person(Person.Kind.OFFICER))
    elsewhere = proof_url("declaration", declaration.pk, latest_row(other).history_id)
    assert signed_in(council.auditor).post(elsewhere).status_code == 404
    assert signed_in(council.auditor).get(url).status_code == 405


def test_a_change_linked_before_the_signed_history_began_is_refused_a_proof_saying_why_C4(council, auditor):
    """A link from before the tree's start carries no salts (its row hash is the old content hash): the
    hash chain covers it, no inclusion proof can, and the refusal says so. (A test database's tree
    starts at position 0, so such a link is built here as the chain wrote them before issue 20.)"""
    organization = council.groups[0].organization
    row = latest_row(organization)
    link = HistoryLink.objects.get(table=row._meta.db_table, row_id=str(row.history_id))
    before = HistoryLink(position=link.position, table=link.table, row_id=link.row_id, row_hash=link.row_hash)
    with pytest.raises(NotFound, match="before the register began signing its history"):
        proofs.inclusion_proof(link=before, row=row, person=auditor)
    assert not Checkpoint.objects.exists()


# --- The API ------------------------------------------------------------------------------------


def test_the_api_hands_out_the_same_proof_to_whoever_reads_the_history_C4(council, auditor, tmp_path):
    organization = council.groups[0].organization
    rename(organization, council.chief_executive, 1)
    row = latest_row(organization)
    url = f"/api/history/organization/{organization.pk}/changes/{row.history_id}/proof/"
    client = APIClient()
    client.force_authenticate(auditor)
    response = client.post(url)
    assert response.status_code == 200
    assert f"row {row.history_id} is entry" in check(tmp_path, response.json())
    outsider = APIClient()
    outsider.force_authenticate(council.groups[0].members[0])
    assert outsider.post(url).status_code == 404
    assert client.post(f"/api/history/organization/{organization.pk}/changes/999999999/proof/").status_code == 404


# --- The export ---------------------------------------------------------------------------------


def _export(**options) -> list[bytes]:
    out = io.StringIO()
    audit.export_history(out, **options)
    return [line.encode("ascii") + b"\n" for line in out.getvalue().splitlines()]


def test_an_export_proves_each_row_against_the_checkpoint_in_its_closing_line_C4(council):
    rename(council.groups[0].organization, council.chief_executive, 3)
    lines = _export()
    closing = json.loads(lines[-1])["export"]
    latest = checkpoints.latest_checkpoint(HISTORY)
    assert closing["checkpoint"] == latest.note and latest.reason == "for an export of the history"
    rows = [json.loads(line) for line in lines[:-1]]
    assert rows and all(row["tree_size"] == latest.tree_size and row["path"] for row in rows)
    assert rows[-1]["leaf_index"] == latest.tree_size - 1  # the checkpoint ends at the export's last row

    checked = audit.verify_export(lines, keys=[checkpoints.signing_key().verifier], origin=checkpoints.origin(HISTORY))
    assert checked.ok, checked.problems
    assert checked.proofs == len(rows) and checked.checkpoint_signed_by == checkpoints.signing_key().name
    unchecked = audit.verify_export(lines)
    assert unchecked.ok and unchecked.proofs == len(rows)
    assert "its signature was not checked" in unchecked.checkpoint_note


def test_an_export_whose_checkpoint_or_proofs_do_not_check_is_refused_C4(council):
    rename(council.groups[0].organization, council.chief_executive, 3)
    lines = _export()
    stranger = transparency.SignerKey.generate(checkpoints.signing_key().name).verifier
    forged = audit.verify_export(lines, keys=[stranger])
    assert not forged.ok and "not signed by the register's key" in str(forged.first_problem)

    row = json.loads(lines[1])
    row["path"][0] = "0" * 64
    broken = audit.verify_export([lines[0], (transparency.canonical_json(row) + "\n").encode(), *lines[2:]])
    assert not broken.ok and "lead to another root than the checkpoint's" in str(broken.first_problem)

    for key in ("leaf_index", "tree_size", "path"):
        row.pop(key)
    stripped = audit.verify_export([lines[0], (transparency.canonical_json(row) + "\n").encode(), *lines[2:]])
    assert not stripped.ok
    assert f"position {row['position']} carries no inclusion proof" in str(stripped.first_problem)


def test_an_export_made_before_proofs_still_verifies_and_says_it_carries_none_C4(council):
    rename(council.groups[0].organization, council.chief_executive, 2)
    lines = _export()
    old = []
    for line in lines[:-1]:
        row = json.loads(line)
        for key in ("leaf_index", "tree_size", "path"):
            row.pop(key)
        old.append((transparency.canonical_json(row) + "\n").encode())
    summary = json.loads(lines[-1])["export"]
    summary.pop("checkpoint")
    closing = {"export": summary, "export_hash": audit.export.sha256(transparency.canonical_json(summary))}
    old.append((transparency.canonical_json(closing) + "\n").encode())
    result = audit.verify_export(old, keys=[checkpoints.signing_key().verifier])
    assert result.ok, result.problems
    assert result.proofs == 0 and result.checkpoint_note == "The export carries no checkpoint, so no inclusion proof."


def test_verify_history_checks_an_export_s_checkpoint_with_the_published_keys_C4(council, tmp_path):
    path = tmp_path / "history.jsonl"
    call_command("export_history", "--output", str(path), stderr=io.StringIO())
    (tmp_path / "keys.txt").write_bytes(Client().get("/register/checkpoints/keys.txt").content)
    out = io.StringIO()
    call_command("verify_history", "--file", str(path), "--key", str(tmp_path / "keys.txt"), stdout=out)
    assert f"whose signature by {checkpoints.signing_key().name} verifies" in out.getvalue()


def test_the_export_costs_a_fixed_number_of_queries_per_batch_C4(council, monkeypatch):
    """Each batch of rows, with their inclusion proofs, costs the same few queries however many rows."""
    monkeypatch.setattr(export_module, "BATCH", 10)
    organization = council.groups[0].organization

    def queries() -> int:
        checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")  # the export's own then costs one look
        with CaptureQueriesContext(connection) as captured:
            _export()
        return len(captured)

    rename(organization, council.chief_executive, 10 - HistoryLink.objects.count() % 10)  # whole batches
    counts = [queries()]
    for _ in range(2):
        rename(organization, council.chief_executive, 10)  # one more batch of one table's rows
        counts.append(queries())
    per_batch = counts[1] - counts[0]
    assert counts[2] - counts[1] == per_batch <= 8
