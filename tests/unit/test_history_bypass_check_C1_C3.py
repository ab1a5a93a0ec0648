"""The bypass check: nothing in register/, api/ or tasks/ writes to the database behind the history (C1, C3)."""

from pathlib import Path

from tests.history_bypass import ALLOWED, find_bypasses

PROJECT = Path(__file__).resolve().parents[2]


def test_no_code_updates_bulk_writes_deletes_or_runs_raw_sql_outside_the_history_helpers_C1_C3():
    found = find_bypasses(PROJECT)
    assert found == [], "\n".join(str(bypass) for bypass in found)


def test_every_allowed_exception_still_exists_and_says_why():
    for (path, function), reason in ALLOWED.items():
        source = (PROJECT / path).read_text()
        assert f"def {function}(" in source, f"{path} no longer has {function}(): remove it from ALLOWED"
        assert len(reason) > 30


def _plant(root: Path, source: str) -> None:
    module = root / "register" / "services" / "planted.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)


def test_the_check_catches_a_planted_queryset_update_on_a_tracked_model_C1(tmp_path):
    _plant(
        tmp_path,
        (
            "from register.models import Absence\n"
            "\n"
            "def cancel_quietly(absence_id):\n"
            "    context = {}\n"
            "    context.update({'absence': absence_id})\n"
            "    Absence.objects.filter(pk=absence_id).update(state='cancelled')\n"
        ),
    )

    found = find_bypasses(tmp_path)

    assert [(b.path, b.line, b.function) for b in found] == [("register/services/planted.py", 6, "cancel_quietly")]
    assert "update()" in found[0].why


def test_the_check_catches_planted_bulk_writes_deletes_and_raw_sql_C1_C3(tmp_path):
    _plant(
        tmp_path,
        (
            "from django.db import connection\n"
            "from register.models import Notification, Person\n"
            "\n"
            "def tidy(people, notices):\n"
            "    Person.objects.bulk_create(people)\n"
            "    Notification.objects.bulk_update(notices, ['status'])\n"
            "    Notification.objects.filter(status='sent').delete()\n"
            "    people[0].delete()\n"
            "    Person.objects.raw('SELECT * FROM register_person')\n"
            "    with connection.cursor() as cursor:\n"
            "        cursor.execute('DELETE FROM register_historicalperson')\n"
        ),
    )

    found = find_bypasses(tmp_path)

    assert [b.line for b in found] == [5, 6, 7, 8, 9, 10, 11]


def test_an_allowed_function_is_allowed_only_in_its_own_module(tmp_path):
    _plant(tmp_path, "def _append_links(links, using):\n    Link.objects.bulk_create(links)\n")

    assert len(find_bypasses(tmp_path)) == 1
    assert find_bypasses(tmp_path, allowed={("register/services/planted.py", "_append_links"): "test"}) == []
