"""``verify_history`` against what the register published (C4, issue 20): a signed checkpoint kept outside
the database proves that today's history extends it unchanged, and locates any rewrite of what it covers,
even when every hash, link, tree node and head after the rewrite was recomputed.

The history is tampered with as someone in control of the database would: plain SQL, as the maintenance
role (the only one the database lets change history). They can recompute every hash; they cannot sign.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from register import transparency
from register.models import Checkpoint, HistoryLink, MerkleNode, Organization, TransparencyLog
from register.models.audit import history_models
from register.services import audit
from register.services.audit import checkpoints, hashing, tree
from register.services.audit.published import CheckpointRefused, last_emailed_checkpoint, open_checkpoint
from register.services.history import save_with_history
from tests.tampering import tamper

HISTORY = TransparencyLog.HISTORY
ORGANIZATION_HISTORY = Organization.history.model._meta.db_table
LINKS = HistoryLink._meta.db_table


def _rename(council, times, group=0):
    organization = council.groups[group].organization
    for number in range(times):
        organization.name = f"Group {group} renamed {number}"
        save_with_history(organization, actor=council.chief_executive, reason="Renamed", update_fields=["name"])


def _verify(*options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_history", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(*options) -> tuple[str, str]:
    """The command's failure: its message (the first problem) and everything it listed."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_history", *options, stdout=io.StringIO(), stderr=err)
    assert failed.value.returncode == 1
    return str(failed.value), err.getvalue()


def _position(checkpoint: Checkpoint) -> int:
    """The chain position of the last row a checkpoint covers."""
    return hashing.tree_start()[0] + checkpoint.tree_size - 1


@pytest.fixture
def published(council, tmp_path):
    """A history signed twice: an earlier checkpoint kept in the register, and a later one also saved
    outside it (as from the day's e-mail); then more work, not yet signed."""
    _rename(council, 3)
    earlier = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    _rename(council, 4)
    later = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    _rename(council, 2, group=1)
    path = tmp_path / "checkpoint.txt"
    path.write_text(later.note, encoding="utf-8")
    return earlier, later, str(path)


def _link_in(earlier: Checkpoint, later: Checkpoint) -> HistoryLink:
    """A link that the later checkpoint covers and the earlier does not."""
    return HistoryLink.objects.filter(position__gt=_position(earlier), position__lte=_position(later)).order_by(
        "position"
    )[1]


def _recompute_everything_from(position: int) -> None:
    """What someone in full control of the database does to hide a change: every leaf, link and chain hash
    from ``position`` on recomputed from the rows as they now are, and the tree's nodes rebuilt."""
    models_by_table = {model._meta.db_table: model for model in history_models()}
    previous = HistoryLink.objects.get(position=position - 1).chain_hash
    for link in HistoryLink.objects.filter(position__gte=position).order_by("position"):
        model = models_by_table[link.table]
        values = model.objects.filter(pk=link.row_id).values().get()
        leaf = hashing.row_leaf(model, link.row_id, values, link.salts, link.erased)
        previous = hashing.chain_hash(link.position, previous, leaf)
        tamper(
            f"UPDATE {LINKS} SET row_hash = %s, chain_hash = %s WHERE position = %s", [leaf, previous, link.position]
        )
    tamper(f"DELETE FROM {MerkleNode._meta.db_table} WHERE log = %s", [HISTORY])
    tree.extend_tree(HISTORY)


def _checkpoints_after(checkpoint: Checkpoint) -> None:
    """The checkpoints kept in the register that would show the change, removed: only a copy outside it is left."""
    tamper(f"DELETE FROM {Checkpoint._meta.db_table} WHERE tree_size > %s", [checkpoint.tree_size])


# --- An untouched history extends what was published ----------------------------------------------


def test_today_s_history_extends_the_published_checkpoint_unchanged_C4(published):
    earlier, later, path = published

    out, _ = _verify("--checkpoint", path)

    assert "The history verifies" in out
    assert (
        f"The history extends the checkpoint in {path} unchanged: its first {later.tree_size} entries "
        f"(the tree's start and every row up to position {_position(later)}), recomputed from the rows, "
        "have the root that was signed."
    ) in out
    assert audit.verify_history().ok


# --- Five ways to tamper, each detected and located against the published checkpoint -------------


@pytest.mark.history_tampered
def test_an_edited_row_is_located_against_the_published_checkpoint_C4(published):
    earlier, later, path = published
    link = _link_in(earlier, later)
    tamper(f"UPDATE {ORGANIZATION_HISTORY} SET name = %s WHERE history_id = %s", ["Forged name", link.row_id])

    first, listed = _refused("--checkpoint", path)

    assert f"position {link.position} ({ORGANIZATION_HISTORY} row {link.row_id}) was edited outside" in first
    assert (
        f"The history no longer extends the checkpoint in {path} ({later.tree_size} entries, up to position "
        f"{_position(later)}): the first position that differs is {link.position}, whose row no longer matches "
        "its hash."
    ) in listed


@pytest.mark.history_tampered
def test_a_row_inserted_into_the_middle_is_located_against_the_published_checkpoint_C4(published):
    """A forged history row slipped in at a position the later checkpoint covers, the links after it moved
    up one, and every hash, link and node after it recomputed: the chain is whole again, and only a signed
    checkpoint can tell."""
    earlier, later, path = published
    position = _link_in(earlier, later).position
    aside = 1_000_000  # moved out of the way first: the positions are the primary key
    tamper(f"UPDATE {LINKS} SET position = position + %s WHERE position >= %s", [aside, position])
    tamper(f"UPDATE {LINKS} SET position = position - %s + 1 WHERE position >= %s", [aside, aside])
    group = Organization.objects.get(name="Group 0 renamed 3").pk
    forged = tamper(
        f"INSERT INTO {ORGANIZATION_HISTORY} (id, name, classification, is_administration, history_date, "
        "history_type, history_change_reason) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING history_id",
        [group, "Forged name", "party", True, datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC), "~", "Renamed"],
    )[0]
    model = Organization.history.model
    names = hashing.field_set_of(model)[1]
    salts = hashing.new_salts(names)
    tamper(
        f'INSERT INTO {LINKS} (position, "table", row_id, field_set, row_hash, chain_hash, salts) '
        "VALUES (%s, %s, %s, %s, '', '', %s::jsonb)",
        [position, ORGANIZATION_HISTORY, str(forged), hashing.field_set_of(model)[0], hashing.canonical_json(salts)],
    )
    _recompute_everything_from(position)
    _checkpoints_after(earlier)
    assert audit.verify_history(records=False).ok  # the chain, and the checkpoints left in the register

    first, _ = _refused("--checkpoint", path)

    assert (
        f"The history no longer extends the checkpoint in {path} ({later.tree_size} entries, up to position "
        f"{_position(later)}): the history was rewritten at or after position {_position(earlier) + 1} and at "
        f"or before position {_position(later)} (every hash after it was recomputed; the last signed checkpoint "
        f"that still matches is of {earlier.tree_size} entries, the first that does not of {later.tree_size})."
    ) in first
    assert _position(earlier) < position <= _position(later)


@pytest.mark.history_tampered
def test_a_row_deleted_with_its_link_is_located_against_the_published_checkpoint_C4(published):
    earlier, later, path = published
    link = _link_in(earlier, later)
    tamper(f"DELETE FROM {ORGANIZATION_HISTORY} WHERE history_id = %s", [link.row_id])
    tamper(f"DELETE FROM {LINKS} WHERE position = %s", [link.position])

    first, listed = _refused("--checkpoint", path)

    assert f"Links at positions {link.position} to {link.position} are missing" in first
    assert (
        f"The history no longer extends the checkpoint in {path} ({later.tree_size} entries, up to position "
        f"{_position(later)}): the first position that differs is {link.position}, whose row or link is gone."
    ) in listed


@pytest.mark.history_tampered
def test_a_stretch_rewritten_with_every_hash_recomputed_is_located_between_signed_checkpoints_C4(published):
    """The attacker edits a row, recomputes every hash, link, tree node and head after it, and removes the
    register's own checkpoints that would show it: the walk finds nothing, the published checkpoint does,
    and the register's signed checkpoints bracket where."""
    earlier, later, path = published
    link = _link_in(earlier, later)
    tamper(f"UPDATE {ORGANIZATION_HISTORY} SET name = %s WHERE history_id = %s", ["Forged name", link.row_id])
    _recompute_everything_from(link.position)
    _checkpoints_after(earlier)
    assert audit.verify_history(records=False).ok

    first, _ = _refused("--checkpoint", path)

    assert (
        f"the history was rewritten at or after position {_position(earlier) + 1} and at or before position "
        f"{_position(later)} (every hash after it was recomputed"
    ) in first


@pytest.mark.history_tampered
def test_a_rewrite_that_left_the_tree_s_nodes_is_located_to_two_rows_C4(published):
    """Nodes of the tree are written once, when it first grows past them: a rewrite that recomputed the
    links but not the nodes above them is located to the two rows under the lowest node that differs."""
    earlier, later, path = published
    link = _link_in(earlier, later)
    tamper(f"UPDATE {ORGANIZATION_HISTORY} SET name = %s WHERE history_id = %s", ["Forged name", link.row_id])
    nodes = list(MerkleNode.objects.filter(log=HISTORY).values_list("level", "index", "hash"))
    _recompute_everything_from(link.position)
    tamper(f"DELETE FROM {MerkleNode._meta.db_table} WHERE log = %s", [HISTORY])
    for level, index, value in nodes:
        tamper(
            f'INSERT INTO {MerkleNode._meta.db_table} (log, level, "index", hash) VALUES (%s, %s, %s, %s)',
            [HISTORY, level, index, value],
        )

    first, _ = _refused("--checkpoint", path)

    leaf = link.position - hashing.tree_start()[0]
    pair = (leaf // 2 * 2 + hashing.tree_start()[0], leaf // 2 * 2 + 1 + hashing.tree_start()[0])
    assert f"the history was rewritten at position {pair[0]} or {pair[1]} (the tree's stored nodes" in first
    assert link.position in pair


@pytest.mark.history_tampered
def test_a_tail_cut_off_is_caught_without_any_option_against_the_last_signed_checkpoint_C4(published):
    """The newest history rows and their links deleted: the chain that is left is whole, but the register
    signed more than it now holds."""
    earlier, later, path = published
    cut_from = _position(later) - 2
    for link in HistoryLink.objects.filter(position__gte=cut_from).order_by("-position"):
        tamper(f'DELETE FROM "{link.table}" WHERE history_id = %s', [int(link.row_id)])
    tamper(f"DELETE FROM {LINKS} WHERE position >= %s", [cut_from])
    removed = (
        f"covers {later.tree_size} entries, up to position {_position(later)}: positions {cut_from} to "
        f"{_position(later)} were removed."
    )

    first, _ = _refused()
    assert f"The history ends at position {cut_from - 1}, but the checkpoint signed on " in first
    assert removed in first

    first, _ = _refused("--checkpoint", path)
    assert f"The history ends at position {cut_from - 1}, but the checkpoint in {path} covers" in first


# --- What counts as a published checkpoint ---------------------------------------------------------


def _edited(note: str, line: int, value: str) -> str:
    lines = note.split("\n")
    lines[line] = value
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda note: _edited(note, 1, str(int(note.split("\n")[1]) + 1)),
            "does not verify: the checkpoint was altered",
        ),
        (lambda note: _edited(note, 2, "A" * 43 + "="), "does not verify: the checkpoint was altered"),
        (lambda note: note.split("\n\n")[0] + "\n", "This is not a signed note"),
        (lambda note: "not a checkpoint at all\n", "This is not a signed note"),
    ],
    ids=["edited size", "edited root", "signature cut off", "not a checkpoint"],
)
def test_an_altered_checkpoint_is_refused_naming_what_is_wrong_C4(published, tmp_path, change, message):
    _, later, _ = published
    path = tmp_path / "altered.txt"
    path.write_text(change(later.note), encoding="utf-8")

    first, _ = _refused("--checkpoint", str(path))

    assert first.startswith(f"The checkpoint in {path} is refused: ") and message in first


def test_a_checkpoint_signed_with_another_key_or_of_another_register_is_refused_C4(published, tmp_path):
    _, later, _ = published
    body = transparency.CheckpointBody(checkpoints.origin(HISTORY), later.tree_size, bytes.fromhex(later.root_hash))
    forged = transparency.SignerKey.generate("register.test/register").sign(body.text())
    with pytest.raises(CheckpointRefused, match="not signed by the register's key"):
        open_checkpoint(forged, "the forged checkpoint")

    other = transparency.CheckpointBody("another.council.example/register/history", later.tree_size, body.root)
    with pytest.raises(CheckpointRefused, match="of another log .*another.council.example"):
        open_checkpoint(checkpoints.signing_key().sign(other.text()), "the other register's checkpoint")

    access_log = transparency.CheckpointBody(checkpoints.origin(TransparencyLog.ACCESS), later.tree_size, body.root)
    with pytest.raises(CheckpointRefused, match="of another log"):
        open_checkpoint(checkpoints.signing_key().sign(access_log.text()), "the access log's checkpoint")


def test_a_checkpoint_saved_from_an_e_mail_with_windows_line_ends_is_read_C4(published, tmp_path):
    _, later, _ = published
    path = tmp_path / "from-mail.txt"
    path.write_bytes(later.note.replace("\n", "\r\n").encode("utf-8") + b"\r\n")

    out, _ = _verify("--checkpoint", str(path))

    assert f"The history extends the checkpoint in {path} unchanged" in out


def _daily_check_e_mailed(django_capture_on_commit_callbacks) -> Checkpoint:
    """The daily check signs a checkpoint and e-mails it to the Monitoring Officer and the auditors."""
    with django_capture_on_commit_callbacks(execute=True):
        audit.history_daily_check(on=datetime.date(2026, 3, 3))
    return checkpoints.last_emailed_checkpoint(HISTORY)


def test_last_emailed_checks_against_the_checkpoint_in_the_last_daily_notice_sent_C4(
    published, council, django_capture_on_commit_callbacks
):
    _, later, _ = published
    assert last_emailed_checkpoint().size == later.tree_size  # none e-mailed yet: the latest signed
    emailed = _daily_check_e_mailed(django_capture_on_commit_callbacks)
    _rename(council, 2)
    checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")  # newer, and not e-mailed

    out, _ = _verify("--last-emailed")

    assert last_emailed_checkpoint().size == emailed.tree_size > later.tree_size
    assert "The history extends the checkpoint last e-mailed (signed on " in out
    assert f"its first {emailed.tree_size} entries" in out


@pytest.mark.history_tampered
def test_a_tail_cut_off_with_every_stored_checkpoint_is_caught_against_the_last_emailed_C4(
    published, django_capture_on_commit_callbacks
):
    emailed = _daily_check_e_mailed(django_capture_on_commit_callbacks)
    cut_from = _position(emailed) - 1
    for link in HistoryLink.objects.filter(position__gte=cut_from).order_by("-position"):
        tamper(f'DELETE FROM "{link.table}" WHERE history_id = %s', [int(link.row_id)])
    tamper(f"DELETE FROM {LINKS} WHERE position >= %s", [cut_from])
    tamper(f"DELETE FROM {Checkpoint._meta.db_table}")
    assert audit.verify_history(records=False).ok  # what is left is whole, and nothing stored says otherwise

    first, _ = _refused("--last-emailed")

    assert (
        f"The history ends at position {cut_from - 1}, but the checkpoint last e-mailed (signed on "
    ) in first and f"positions {cut_from} to {_position(emailed)} were removed." in first


@pytest.mark.history_tampered
def test_a_stored_checkpoint_whose_signature_fails_is_itself_reported_C4(published):
    earlier, _, _ = published
    tamper(
        f"UPDATE {Checkpoint._meta.db_table} SET note = %s WHERE id = %s",
        [_edited(earlier.note, 1, str(earlier.tree_size - 1)), earlier.pk],
    )

    problems = [p for p in audit.verify_history().problems if p.kind == "checkpoint"]

    assert len(problems) == 1 and f"The stored checkpoint of {earlier.tree_size} entries" in problems[0].message
    assert "does not verify: the checkpoint was altered or forged" in problems[0].message


def test_the_plain_walk_says_the_latest_signed_checkpoint_still_matches_C4(published):
    _, later, _ = published

    out, _ = _verify()

    assert "The history extends the checkpoint signed on " in out
    assert f"(hourly) unchanged: its first {later.tree_size} entries" in out
