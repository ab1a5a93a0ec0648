"""The checkpoints a restore is verified against (register/backups.py, manage.py restore_checkpoints; docs/backups.md):
found in whatever the operator saved (a file, a folder, the daily e-mail's text) or fetched from the live
register's /register/checkpoints/history.txt; one not signed by the register is named and not used."""

import functools
import http.server
import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from register import backups, transparency
from register.models import TransparencyLog
from register.services.audit import checkpoints

HISTORY = TransparencyLog.HISTORY


def note(size: int, key: transparency.SignerKey | None = None, origin: str = "register.test/register/history") -> str:
    key = key or transparency.SignerKey.generate("register.test/register")
    return key.sign(transparency.CheckpointBody(origin, size, bytes(range(32))).text())


def test_every_signed_note_is_found_in_an_e_mail_a_saved_page_or_several_notes_one_after_another():
    first, second = note(10), note(12)
    e_mail = (
        "Dear Monitoring Officer,\r\n\r\n-----BEGIN HISTORY CHECKPOINT-----\r\n"
        + first.replace("\n", "\r\n")
        + "-----END HISTORY CHECKPOINT-----\r\n\r\nPlease keep this message.\r\n"
    )

    assert backups.signed_notes(e_mail) == [first]
    assert backups.signed_notes(first + "\n" + second) == [first, second]
    assert backups.signed_notes(second.rstrip("\n")) == [second]
    assert backups.signed_notes("not a checkpoint\n12\n\n\u2014 nobody abc\n") == []


def test_checkpoints_are_read_from_files_folders_and_the_live_registers_address(tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "monday.txt").write_text(note(10))
    (saved / "tuesday.txt").write_text(note(11))
    (saved / "ignored.eml").write_text(note(99))
    live = tmp_path / "live"
    live.mkdir()
    (live / "history.txt").write_text(note(12))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(live))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}/history.txt"
    try:
        found = backups.read_sources([str(saved), address])
    finally:
        server.shutdown()
        server.server_close()

    assert [(item.source, item.note.split("\n")[1]) for item in found] == [
        (str(saved / "monday.txt"), "10"),
        (str(saved / "tuesday.txt"), "11"),
        (address, "12"),
    ]
    assert found[0].when.startswith("file dated ") and found[2].when.startswith("fetched ")
    with pytest.raises(OSError, match="missing.txt cannot be read"):
        backups.read_sources([str(tmp_path / "missing.txt")])


@pytest.mark.django_db
def test_a_checkpoint_not_signed_by_the_register_is_named_and_never_chosen(council, tmp_path):
    signed = checkpoints.sign_checkpoint(log=HISTORY, reason="hourly")
    forged = note(signed.tree_size, origin=checkpoints.origin(HISTORY))  # same size, another key
    (tmp_path / "checkpoints.txt").write_text(signed.note + forged)
    chosen = tmp_path / "chosen.txt"
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "restore_checkpoints",
        "--from",
        str(tmp_path / "checkpoints.txt"),
        "--newest-to",
        str(chosen),
        stdout=out,
        stderr=err,
    )

    assert "Not used: The checkpoint in" in err.getvalue() and "not signed by the register's key" in err.getvalue()
    assert chosen.read_text() == signed.note
    assert f"no newer than the backup: {signed.tree_size:,} entries" in out.getvalue()
    assert "No later checkpoint was given" in out.getvalue()


@pytest.mark.django_db
def test_a_source_with_no_checkpoint_in_it_is_refused(council, tmp_path):
    (tmp_path / "empty.txt").write_text("nothing here\n")
    with pytest.raises(CommandError, match="No signed checkpoint was found in"):
        call_command("restore_checkpoints", "--from", str(tmp_path / "empty.txt"), stdout=io.StringIO())
