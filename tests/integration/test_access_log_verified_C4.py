"""The access log's own tree and checkpoints are checked by verify_history as the history's are (issue 20,
item 6, C4): an entry edited or removed behind the register's back is found and located."""

import pytest

from register.models import AccessLogEntry, TransparencyLog
from register.services import audit
from register.services.audit import checkpoints
from register.services.audit.access_log import entry_leaf_hash, record_read
from tests.tampering import tamper

pytestmark = [pytest.mark.django_db, pytest.mark.history_tampered]

TABLE = AccessLogEntry._meta.db_table


def _reads(council, count):
    for number in range(count):
        record_read(reader=council.monitoring_officer, record_kind="declaration", record_id=number + 1, via="page test")


def _access_problems():
    return [problem for problem in audit.verify_history(records=False).problems if problem.table == TABLE]


def test_the_access_log_verifies_and_extends_its_signed_checkpoint_C4(council):
    _reads(council, 5)
    signed = checkpoints.sign_checkpoint(log=TransparencyLog.ACCESS, reason="test")
    assert signed.tree_size == 5
    _reads(council, 2)
    assert _access_problems() == []


def test_an_access_log_entry_edited_behind_the_register_is_found_and_located_C4(council):
    _reads(council, 4)
    tamper(f"UPDATE {TABLE} SET reader_id = %s WHERE position = 2", [council.chief_executive.pk])
    [problem] = _access_problems()
    assert (problem.kind, problem.position) == ("edited", 2)


def test_the_access_log_cut_short_is_caught_against_its_checkpoint_C4(council):
    _reads(council, 6)
    checkpoints.sign_checkpoint(log=TransparencyLog.ACCESS, reason="test")
    tamper(f"DELETE FROM {TABLE} WHERE position > 4")
    [problem] = _access_problems()
    assert problem.kind == "removed" and "positions 5 to 6 were removed" in problem.message


def test_an_access_log_entry_rewritten_with_its_hash_recomputed_is_caught_against_its_checkpoint_C4(council):
    _reads(council, 3)
    checkpoints.sign_checkpoint(log=TransparencyLog.ACCESS, reason="test")
    entry = AccessLogEntry.objects.get(position=1)
    entry.reader_id = council.chief_executive.pk
    tamper(
        f"UPDATE {TABLE} SET reader_id = %s, leaf_hash = %s WHERE position = 1",
        [council.chief_executive.pk, entry_leaf_hash(entry)],
    )
    assert [problem.kind for problem in _access_problems()] == ["rewritten"]
