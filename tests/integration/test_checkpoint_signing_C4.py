"""Running the signed checkpoints (issue 20, C4): the key made and refused, the system check, signing on
demand and on Celery beat, and the day's checkpoint e-mailed with the daily head notice."""

import datetime
import logging
import os
import stat
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import checks, mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from register import transparency
from register.models import AccessLogEntry, Checkpoint, Notification, Organization, TransparencyLog
from register.services import audit
from register.services.audit import access_log, checkpoints, tree
from register.services.history import save_with_history
from tasks.celery import app
from tasks.jobs import sign_checkpoints
from tests.services import wait_until
from tests.tampering import as_maintenance

HISTORY, ACCESS = TransparencyLog.HISTORY, TransparencyLog.ACCESS
DAY = datetime.date(2026, 3, 3)


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rename_a_group(council, name: str) -> None:
    group = council.groups[0].organization
    group.name = name
    save_with_history(group, actor=council.chief_executive, reason="Renamed", update_fields=["name"])


def record_a_read(reader) -> AccessLogEntry:
    """An entry of the access log, written as the pages write one."""
    return access_log.record_read(
        reader=reader, record_kind="declaration", record_id="1", via="page declaration-detail"
    )


def opened(note: str, log: str) -> transparency.CheckpointBody:
    """The checkpoint, if its signature verifies with a published key and it is of this register's log."""
    return transparency.open_checkpoint(note, checkpoints.published_keys(), checkpoints.origin(log))


# --- generate_signing_key ----------------------------------------------------------------------------


def test_a_new_key_is_written_readable_only_by_its_owner_and_its_public_key_and_setting_are_printed(tmp_path):
    path = tmp_path / "history-signing.key"

    out, _ = run("generate_signing_key", "--out", str(path), "--name", "register.council.example/register")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = transparency.SignerKey.parse(path.read_text())
    assert key.name == "register.council.example/register"
    assert key.verifier.text() in out
    assert f"HISTORY_SIGNING_KEY_FILE={path}" in out
    assert key.text() not in out, "the private key stays in the file"


def test_the_key_is_named_after_the_register_by_default(tmp_path):
    path = tmp_path / "key"
    run("generate_signing_key", "--out", str(path))
    assert transparency.SignerKey.parse(path.read_text()).name == django_settings.TRANSPARENCY_ORIGIN


def test_without_a_file_the_private_key_alone_goes_to_standard_output():
    """So that `generate_signing_key > file` makes a key file; what to do with it goes to standard error."""
    out, err = run("generate_signing_key")
    key = transparency.SignerKey.parse(out)
    assert out.strip() == key.text()
    assert key.verifier.text() in err and "HISTORY_SIGNING_KEY" in err
    assert key.text() not in err


def test_an_existing_key_file_is_never_overwritten(tmp_path):
    path = tmp_path / "key"
    run("generate_signing_key", "--out", str(path))
    before = path.read_text()

    with pytest.raises(CommandError, match="already exists"):
        run("generate_signing_key", "--out", str(path))

    assert path.read_text() == before


def test_if_missing_keeps_the_key_already_there_and_prints_its_public_key(tmp_path):
    path = tmp_path / "key"
    run("generate_signing_key", "--out", str(path), "--if-missing")
    before = path.read_text()

    out, _ = run("generate_signing_key", "--out", str(path), "--if-missing")

    assert path.read_text() == before
    assert "it is kept" in out
    assert transparency.SignerKey.parse(before).verifier.text() in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--name", "two words"], "is not a key name"),
        (["--name", "a+b"], "is not a key name"),
        (["--if-missing"], "needs --out"),
        (["--out", "/nonexistent/directory/key"], "Cannot write"),
    ],
)
def test_a_bad_name_or_place_for_the_key_is_refused_naming_what_is_wrong(arguments, message):
    with pytest.raises(CommandError, match=message):
        run("generate_signing_key", *arguments)


def test_if_missing_refuses_a_file_that_holds_something_else(tmp_path):
    path = tmp_path / "key"
    path.write_text("not a key\n")
    with pytest.raises(CommandError, match="does not hold a signing key"):
        run("generate_signing_key", "--out", str(path), "--if-missing")
    assert path.read_text() == "not a key\n"


def test_the_key_file_made_is_the_one_the_register_signs_with(tmp_path, settings):
    path = tmp_path / "key"
    run("generate_signing_key", "--out", str(path))
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = "", str(path)
    assert checkpoints.signing_key() == transparency.SignerKey.parse(path.read_text())


# --- The system check ---------------------------------------------------------------------------------


def register_checks() -> list[checks.CheckMessage]:
    return [message for message in checks.run_checks() if message.id and message.id.startswith("register.")]


@pytest.mark.parametrize(
    ("key", "key_file", "message"),
    [
        ("", "", "not set"),
        ("PRIVATE+KEY+broken", "", "does not hold a signing key"),
        ("", "/nonexistent/signing.key", "cannot be read"),
    ],
)
def test_in_production_a_missing_or_unusable_key_is_an_error_naming_what_is_wrong(settings, key, key_file, message):
    settings.PRODUCTION = True
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = key, key_file

    [found] = register_checks()

    assert found.level == checks.ERROR and found.id == "register.E001"
    assert message in found.msg and "generate_signing_key" in found.msg


def test_in_development_a_missing_key_is_a_warning(settings):
    settings.PRODUCTION = False
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = "", ""

    [found] = register_checks()

    assert found.level == checks.WARNING and found.id == "register.W001"
    assert "not set" in found.msg


def test_a_usable_key_passes_the_check_in_production(settings):
    settings.PRODUCTION = True
    assert register_checks() == []


# --- sign_checkpoint ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_checkpoint_signs_both_logs_and_prints_notes_that_check_with_the_published_key_C4(council):
    record_a_read(council.auditor)

    out, _ = run("sign_checkpoint", "--reason", "before the Standards Committee")

    history = checkpoints.latest_checkpoint(HISTORY)
    access = checkpoints.latest_checkpoint(ACCESS)
    assert history.reason == access.reason == "before the Standards Committee"
    assert history.note in out and access.note in out
    assert opened(history.note, HISTORY).size == history.tree_size == tree.leaf_count(HISTORY)
    assert opened(access.note, ACCESS).size == access.tree_size == 1


@pytest.mark.django_db
def test_sign_checkpoint_signs_one_log_when_asked_and_says_when_the_other_is_empty(council):
    out, _ = run("sign_checkpoint", "--log", "history")
    assert Checkpoint.objects.filter(log=HISTORY).count() == 1
    assert not Checkpoint.objects.filter(log=ACCESS).exists()

    out, _ = run("sign_checkpoint", "--log", "access")
    assert "The access log is empty" in out
    assert not Checkpoint.objects.filter(log=ACCESS).exists()


@pytest.mark.django_db
def test_sign_checkpoint_with_no_key_refuses_and_signs_nothing(council, settings):
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = "", ""
    with pytest.raises(CommandError, match="not set"):
        run("sign_checkpoint")
    assert not Checkpoint.objects.exists()


@pytest.mark.django_db
def test_sign_checkpoint_refuses_an_empty_reason(council):
    with pytest.raises(CommandError, match="--reason"):
        run("sign_checkpoint", "--reason", " ")
    assert not Checkpoint.objects.exists()


# --- The Celery task ------------------------------------------------------------------------------------


def test_celery_beat_signs_checkpoints_every_checkpoint_every_minutes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sign-checkpoints"]
    assert entry["task"] == sign_checkpoints.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == datetime.timedelta(minutes=django_settings.CHECKPOINT_EVERY_MINUTES)
    assert django_settings.CHECKPOINT_EVERY_MINUTES == 60, "hourly unless the environment says otherwise"


@pytest.mark.django_db
def test_the_task_signs_each_log_only_when_it_has_grown_C4(council):
    record_a_read(council.auditor)
    first = sign_checkpoints.delay().get()
    assert first == {HISTORY: tree.leaf_count(HISTORY), ACCESS: 1}
    assert set(Checkpoint.objects.values_list("log", "reason")) == {(HISTORY, "hourly"), (ACCESS, "hourly")}

    sign_checkpoints.delay().get()
    assert Checkpoint.objects.count() == 2, "neither log grew: nothing signed again"

    rename_a_group(council, "Renamed for the next checkpoint")
    grown = sign_checkpoints.delay().get()
    assert grown[HISTORY] > first[HISTORY] and grown[ACCESS] == 1
    assert Checkpoint.objects.filter(log=HISTORY).count() == 2
    assert Checkpoint.objects.filter(log=ACCESS).count() == 1


@pytest.mark.django_db
def test_without_a_key_the_task_fails_with_an_error_in_the_log_and_signs_nothing(council, settings, caplog):
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = "", ""
    with caplog.at_level(logging.ERROR, logger="tasks.jobs"), pytest.raises(ImproperlyConfigured, match="not set"):
        sign_checkpoints.delay().get()
    assert not Checkpoint.objects.exists()
    [record] = [r for r in caplog.records if r.name == "tasks.jobs"]
    assert record.levelno == logging.ERROR and "not set" in record.getMessage()


@pytest.mark.integration
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_signs_both_logs_with_the_key_from_its_environment_C4(council, worker):
    """The worker keeps no results: what it signed is read from the checkpoints it wrote."""
    record_a_read(council.auditor)
    sizes = {HISTORY: tree.leaf_count(HISTORY), ACCESS: 1}

    sign_checkpoints.delay()

    wait_until(
        lambda: Checkpoint.objects.count() == 2,
        timeout=60,
        what="checkpoints of both logs",
        explain=lambda: f"checkpoints now: {list(Checkpoint.objects.all())}\n{worker.tail()}",
    )
    for log in (HISTORY, ACCESS):
        checkpoint = checkpoints.latest_checkpoint(log)
        assert opened(checkpoint.note, log).size == checkpoint.tree_size == sizes[log]
        assert checkpoint.verifier_key == checkpoints.signing_key().verifier.text()
        assert checkpoint.reason == "hourly"


# --- The daily notice ---------------------------------------------------------------------------------


def emailed_text(person) -> str:
    [message] = [message for message in mail.outbox if message.to == [person.email]]
    return message.body


@pytest.mark.django_db
def test_the_daily_notice_carries_the_day_s_signed_checkpoint_verbatim_with_its_key_and_how_to_check_it_C4(
    council, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = audit.history_daily_check(on=DAY)

    checkpoint = checkpoints.latest_checkpoint(HISTORY)
    assert checkpoint.reason == "daily check"
    for person in (council.monitoring_officer, council.auditor):
        text = emailed_text(person)
        note = checkpoints.note_in(text, HISTORY)
        assert note == checkpoint.note
        body = transparency.open_checkpoint(note, [transparency.VerifierKey.parse(checkpoint.verifier_key)], None)
        assert body == opened(note, HISTORY)
        assert (body.size, body.root.hex()) == (checkpoint.tree_size, checkpoint.root_hash)
        assert f"({checkpoint.tree_size})" in text and checkpoint.root_hash in text
        assert checkpoint.verifier_key in text
        assert "python manage.py verify_history --checkpoint checkpoint.txt" in text
        assert f"verify_history --head {result.head_hash}" in text, "the chain's head is still in it"
    assert checkpoints.last_emailed_checkpoint() == checkpoint


@pytest.mark.django_db
def test_the_daily_notice_carries_the_access_log_s_checkpoint_when_there_is_one_C4(
    council, django_capture_on_commit_callbacks
):
    record_a_read(council.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        audit.history_daily_check(on=DAY)

    access = checkpoints.latest_checkpoint(ACCESS)
    text = emailed_text(council.auditor)
    assert checkpoints.note_in(text, ACCESS) == access.note
    assert opened(access.note, ACCESS).size == 1
    assert checkpoints.last_emailed_checkpoint(ACCESS) == access
    assert checkpoints.last_emailed_checkpoint(HISTORY) == checkpoints.latest_checkpoint(HISTORY)


@pytest.mark.django_db
def test_the_last_emailed_checkpoint_is_the_one_in_the_newest_notice_sent_not_the_newest_signed_C4(
    council, django_capture_on_commit_callbacks
):
    assert checkpoints.last_emailed_checkpoint() is None
    with django_capture_on_commit_callbacks(execute=True):
        audit.history_daily_check(on=DAY)
    emailed = checkpoints.latest_checkpoint(HISTORY)

    rename_a_group(council, "Renamed after the notice")
    run("sign_checkpoint", "--log", "history")
    with django_capture_on_commit_callbacks(execute=True):
        audit.history_daily_check(on=DAY)  # the same day: signed again, but the notice is not sent twice

    assert checkpoints.latest_checkpoint(HISTORY).tree_size > emailed.tree_size
    assert checkpoints.last_emailed_checkpoint() == emailed

    rename_a_group(council, "Renamed before the next day")
    with django_capture_on_commit_callbacks(execute=True):
        audit.history_daily_check(on=DAY + datetime.timedelta(days=1))
    assert checkpoints.last_emailed_checkpoint() == checkpoints.latest_checkpoint(HISTORY) != emailed


@pytest.mark.django_db
def test_a_notice_not_yet_sent_is_not_the_last_emailed(council):
    audit.history_daily_check(on=DAY)  # queued; delivered only after commit, which never comes here
    assert Notification.objects.filter(kind="history-head", status=Notification.Status.PENDING).exists()
    assert checkpoints.last_emailed_checkpoint() is None


@pytest.mark.django_db
def test_without_a_key_the_daily_notice_still_sends_the_head_and_says_no_checkpoint_was_signed(
    council, settings, caplog, django_capture_on_commit_callbacks
):
    settings.HISTORY_SIGNING_KEY, settings.HISTORY_SIGNING_KEY_FILE = "", ""
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        result = audit.history_daily_check(on=DAY)

    assert result.ok and not Checkpoint.objects.exists()
    text = emailed_text(council.monitoring_officer)
    assert "No checkpoint of the history could be signed today" in text and "not set" in text
    assert f"verify_history --head {result.head_hash}" in text
    assert any(r.levelno == logging.ERROR and "signed no checkpoint" in r.getMessage() for r in caplog.records)
    assert checkpoints.last_emailed_checkpoint() is None


@pytest.mark.history_tampered
@pytest.mark.django_db
def test_a_history_that_does_not_verify_is_not_signed_C4(council):
    from django.db import connection

    row = Organization.history.get(name="Blue Group", history_type="+")
    with as_maintenance(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {row._meta.db_table} SET name = 'Green Group' WHERE history_id = %s", [row.history_id])

    assert not audit.history_daily_check(on=DAY).ok
    assert not Checkpoint.objects.exists()


def test_a_development_key_file_is_used_when_no_key_is_set_but_never_in_production(tmp_path):
    """`make run`'s var/history-signing.key (DEVELOPMENT_SIGNING_KEY_FILE) is the key in development when
    none is set; production never falls back to it (a fresh process reads the settings, as a server would)."""
    from tests.integration.test_production_settings import production_environment, run_python

    key_file = tmp_path / "history-signing.key"
    run("generate_signing_key", "--out", str(key_file))
    code = "import django; django.setup(); from django.conf import settings; print(settings.HISTORY_SIGNING_KEY_FILE)"

    def key_file_in(**overrides):
        environment = production_environment(
            DJANGO_SETTINGS_MODULE="register.settings", DEVELOPMENT_SIGNING_KEY_FILE=str(key_file), **overrides
        )
        environment.pop("HISTORY_SIGNING_KEY")
        result = run_python(code, environment)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    assert key_file_in(REGISTER_ENV="development") == str(key_file)
    assert key_file_in(REGISTER_ENV="development", HISTORY_SIGNING_KEY_FILE="/run/secrets/key") == "/run/secrets/key"
    assert key_file_in(REGISTER_ENV="production") == ""


@pytest.mark.parametrize("value", ["0", "-5", "hourly"])
def test_checkpoint_every_minutes_must_be_a_whole_number_of_minutes_at_least_one(value):
    from tests.integration.test_production_settings import production_environment, run_python

    environment = production_environment(DJANGO_SETTINGS_MODULE="register.settings", CHECKPOINT_EVERY_MINUTES=value)
    result = run_python("import django; django.setup()", environment)
    assert result.returncode != 0
    assert "CHECKPOINT_EVERY_MINUTES" in result.stderr


def test_checkpoint_every_minutes_comes_from_the_environment():
    from tests.integration.test_production_settings import production_environment, run_python

    environment = production_environment(DJANGO_SETTINGS_MODULE="register.settings", CHECKPOINT_EVERY_MINUTES="15")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_BEAT_SCHEDULE['sign-checkpoints']['schedule'].total_seconds())"
    )
    result = run_python(code, environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "900.0"


def test_key_file_permissions_are_the_owner_s_alone_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        run("generate_signing_key", "--out", str(tmp_path / "key"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
