"""The history's signed checkpoints on the public register (issue 20, C4): a page anyone can read with the
public keys and how to check them, plain-text addresses, the checker itself, and consistency proofs."""

import json
from pathlib import Path

import pytest
from django.test import Client

from register import transparency
from register.models import TransparencyLog
from register.services.audit import checkpoints
from register.services.history import save_with_history

pytestmark = pytest.mark.django_db

HISTORY = TransparencyLog.HISTORY
PAGE = "/register/checkpoints/"


def _grow_and_sign(council, times: int) -> list:
    group = council.groups[0].organization
    signed = []
    for number in range(times):
        group.name = f"Group renamed {number}"
        save_with_history(group, actor=council.chief_executive, reason="Renamed", update_fields=["name"])
        signed.append(checkpoints.sign_checkpoint(log=HISTORY, reason="hourly"))
    return signed


def test_the_checkpoint_page_needs_no_sign_in_and_shows_keys_origins_and_how_to_check_C4(council):
    """Anyone reads the latest checkpoint, every public key, each log's origin and the exact command."""
    latest = _grow_and_sign(council, 2)[-1]
    response = Client().get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert checkpoints.signing_key().verifier.text() in page
    assert checkpoints.origin("history") in page and checkpoints.origin("access") in page
    assert latest.root_hash in page
    assert f"python3 verify_register_proof.py --key keys.txt --origin {checkpoints.origin('history')} history.txt" in (
        page
    )
    assert "No checkpoint of this log has been signed yet." in page  # the access log, nothing read yet


def test_a_key_that_signed_before_a_rotation_stays_published_C4(council, settings):
    """Old checkpoints stay checkable: the key that signed them is still listed after the key changes."""
    old = _grow_and_sign(council, 1)[0]
    settings.HISTORY_SIGNING_KEY = transparency.SignerKey.generate("register.test/register").text()
    _grow_and_sign(council, 1)
    keys = Client().get(f"{PAGE}keys.txt").content.decode().splitlines()
    assert old.verifier_key in keys and checkpoints.signing_key().verifier.text() in keys and len(keys) == 2


def test_the_latest_signed_note_is_plain_text_and_says_clearly_when_there_is_none_C4(council):
    client = Client()
    missing = client.get(f"{PAGE}history.txt")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/plain")
    assert missing.content.decode() == "No checkpoint of the history log has been signed yet.\n"
    latest = _grow_and_sign(council, 2)[-1]
    response = client.get(f"{PAGE}history.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == latest.note
    body = transparency.open_checkpoint(latest.note, [checkpoints.signing_key().verifier], checkpoints.origin(HISTORY))
    assert body.size == latest.tree_size
    assert client.get(f"{PAGE}access.txt").status_code == 404


def test_the_checker_offered_for_download_is_the_register_s_own_byte_for_byte_C4(db):
    response = Client().get(f"{PAGE}verify_register_proof.py")
    assert response.status_code == 200
    assert response.content == Path(transparency.__file__).read_bytes()
    assert 'filename="verify_register_proof.py"' in response["Content-Disposition"]


def test_a_consistency_proof_between_two_checkpoints_checks_with_the_public_key_alone_C4(council, tmp_path):
    older, _, newer = _grow_and_sign(council, 3)
    response = Client().get(f"{PAGE}consistency/", {"log": "history", "from": older.tree_size, "to": newer.tree_size})
    assert response.status_code == 200
    document = response.json()
    assert document["format"] == transparency.CONSISTENCY_FORMAT
    assert (document["old_checkpoint"], document["new_checkpoint"]) == (older.note, newer.note)
    proof = tmp_path / "consistency.json"
    proof.write_text(json.dumps(document))
    said = transparency.check_file(proof, [checkpoints.signing_key().verifier], checkpoints.origin(HISTORY))
    assert f"at {newer.tree_size} entries extends its checkpoint at {older.tree_size} unchanged" in said


@pytest.mark.parametrize(
    ("query", "status", "names"),
    [
        ({"from": "two", "to": "5"}, 400, "parameter from"),
        ({"from": "1"}, 400, "parameter to"),
        ({"from": "0", "to": "1"}, 400, "parameter from"),
        ({"from": "{newer}", "to": "{older}"}, 400, "from ("),
        ({"from": "{older}", "to": "999999"}, 404, "no checkpoint at 999999 entries (parameter to)"),
        ({"log": "diary", "from": "{older}", "to": "{newer}"}, 404, "no log 'diary'"),
    ],
    ids=["not a number", "missing", "zero", "from after to", "unknown size", "unknown log"],
)
def test_a_bad_consistency_request_is_refused_naming_the_parameter_C4(council, query, status, names):
    older, newer = _grow_and_sign(council, 2)
    sizes = {"older": older.tree_size, "newer": newer.tree_size}
    response = Client().get(f"{PAGE}consistency/", {key: value.format(**sizes) for key, value in query.items()})
    assert response.status_code == status
    assert names in response.content.decode()


@pytest.mark.parametrize("how_many", [2, 30])
def test_the_checkpoint_page_costs_the_same_queries_at_2_and_30_checkpoints_C4(
    council, how_many, django_assert_num_queries
):
    """The page of checkpoints and its count, the latest of each log, and the keys: five queries."""
    _grow_and_sign(council, how_many)
    client = Client()
    with django_assert_num_queries(5):
        response = client.get(PAGE)
    rows = response.content.decode().count('<tr class="govuk-table__row">') - 1
    assert rows == min(how_many, 25)
    if how_many > 25:
        assert client.get(PAGE, {"page": 2}).content.decode().count('<tr class="govuk-table__row">') - 1 == 5
