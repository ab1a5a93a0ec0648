"""`make bench` is not part of the suite (timings are not tests), but its harness must not rot:
this runs the seed and the in-process scenarios on a tiny council and checks what they report,
never how fast anything was."""

import json

import pytest

from register.models import AttendanceRequest, Declaration, HistoryLink
from register.services.audit import verify_history
from tests.bench import harness, scenarios
from tests.bench.seed import seed

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bench.urls")]


@pytest.fixture
def seeded(db):
    return seed(requests=30, declarations=12, history_rows=200, say=lambda line: None)


def test_the_bench_seed_loads_what_it_is_asked_for_and_the_chain_still_verifies_C4(seeded):
    assert AttendanceRequest.objects.filter(subject__startswith="Bench ").count() == 30
    assert Declaration.objects.filter(description__startswith="Bench ").count() == 12
    assert HistoryLink.objects.count() >= 200
    assert verify_history().ok


def test_the_bench_seed_run_again_adds_nothing(seeded):
    links = HistoryLink.objects.count()
    seed(requests=30, declarations=12, history_rows=200, say=lambda line: None)
    assert HistoryLink.objects.count() == links


def test_the_in_process_scenarios_measure_against_their_baseline(seeded):
    bench = scenarios.Bench(web="unused:0", quick=True)
    saved = scenarios.save_with_and_without_history(bench)
    assert saved.ratio is not None and saved.figures["ours"]["n"] == 5 and saved.figures["baseline"]["n"] == 5
    # Split by statement for the README: the audited save writes its history row and its chain link,
    # the bare save neither.
    split = saved.figures["statements"]
    assert any("chain link" in kind for kind in split["ours"]) and not any(
        "chain link" in kind for kind in split["bare"]
    )
    assert any(kind.startswith("INSERT") for kind in split["ours"]) and "UPDATE register_groupmeeting" in split["bare"]
    assert "| UPDATE register_groupmeeting |" in harness.statement_tables([saved])
    assert verify_history().ok


@pytest.mark.parametrize("baseline", [scenarios.SIGNED_IN_BARE, scenarios.BARE])
def test_the_bare_baseline_views_return_the_same_fields_as_the_attendance_api(seeded, client, baseline):
    """Issue 10: the baseline returns "the same fields as JSON from one hand-written query"; issue 23
    adds the fair one, which signs in as the API does, and keeps the first beside it."""
    from register.models import Person

    client.force_login(Person.objects.get(username="chief-executive"))
    bare = client.get(baseline, secure=True)
    ours = client.get(scenarios.find_path("api_requests"), secure=True)
    assert bare.status_code == 200 and ours.status_code == 200
    assert len(bare.json()["results"]) == len(ours.json()["results"]) >= 30
    assert bare.json()["count"] == ours.json()["count"]
    # The caller's actions (issue 15) come from the workflow's tables for the caller's standing; the
    # bare view reads no standing and leaves them out, which favours it.
    assert bare.json()["results"] == without_actions(ours.json()["results"])
    shown = ours.json()["results"]
    assert any(row["invitations"] for row in shown), "the page compared should show officers' invitations"


def test_the_fair_baseline_loads_the_session_and_the_person_as_the_api_does_and_refuses_anyone_else(
    seeded, client, django_assert_num_queries
):
    from register.models import Person

    assert client.get(scenarios.SIGNED_IN_BARE, secure=True).status_code == 403
    # The first tables' baseline, asked with no session: the page and its count, nothing else.
    with django_assert_num_queries(1):
        assert client.get(scenarios.BARE, secure=True).status_code == 200
    client.force_login(Person.objects.get(username="chief-executive"))
    # The session, the person, and the page with its count: the API's first two statements and one of its own.
    with django_assert_num_queries(3):
        assert client.get(scenarios.SIGNED_IN_BARE, secure=True).status_code == 200


def test_a_scenario_whose_page_is_missing_says_not_measured_and_why(monkeypatch, seeded):
    monkeypatch.setitem(scenarios.PATHS, "queue", ["/no-such-page/"])
    result = scenarios.queue_page(scenarios.Bench(web="unused:0", quick=True))
    assert result.note.startswith("not measured:") and result.row[1].startswith("not measured:")


def test_the_table_and_the_json_carry_the_same_figures(tmp_path):
    results = [
        harness.Result("a scenario", "ratio at most 1.5", ours="2.0 ms", baseline="1.0 ms", ratio=2.0, met=False),
        harness.not_measured("later", "under 100 ms", "no page yet"),
    ]
    table = harness.table(results)
    harness.write_json(results, tmp_path / "results.json", seeded={"history_rows": 1})
    written = json.loads((tmp_path / "results.json").read_text())
    assert "| a scenario | 2.0 ms | 1.0 ms | 2.00 | ratio at most 1.5 (MISSED) |" in table
    assert "not measured: no page yet" in table
    assert [row["ratio"] for row in written["results"]] == [2.0, None] and written["machine"]["nproc"] >= 1


def without_actions(value):
    """The API's answer less every ``actions`` list, at any depth (requests and their invitations)."""
    if isinstance(value, dict):
        return {key: without_actions(item) for key, item in value.items() if key != "actions"}
    if isinstance(value, list):
        return [without_actions(item) for item in value]
    return value


def test_the_import_scenario_imports_and_measures_against_plain_service_calls(seeded):
    result = scenarios.import_of_1000_people(scenarios.Bench(web="unused:0", quick=True))
    assert result.figures["people"] == 5 * 10 and result.ratio is not None


def test_the_history_tree_scenario_extends_signs_and_checks_a_proof_with_the_stand_alone_checker_C4(seeded):
    """Issue 20's rows: the tree extended from nothing over the seeded rows, a checkpoint signed after
    more rows (its root equal to the root of every leaf, which the scenario itself checks), and a proof
    for one row checked by register/transparency.py in this process and as a fresh process."""
    from register.models import Checkpoint

    results = scenarios.history_tree(scenarios.Bench(web="unused:0", quick=True))
    extended, signed, hashes, in_process, command, built = results
    assert all(not result.note for result in results), [result.note for result in results]
    leaves = extended.figures["leaves"]
    # Every complete node of the tree is stored once: those the demo council's checkpoint stored, and the rest now.
    assert leaves >= 200 and extended.figures["nodes_before"] + extended.figures["nodes"] == sum(
        leaves >> level for level in range(1, leaves.bit_length())
    )
    assert signed.figures["tree_sizes"] == [leaves + 1_000, leaves + 2_000] and signed.figures["ours"]["n"] == 2
    assert Checkpoint.objects.get(tree_size=leaves + 2_000).log == "history"
    assert 0 < hashes.figures["hashes"] <= (leaves + 2_000 - 1).bit_length() and hashes.met
    assert (
        in_process.figures["ours"]["n"] == 5 and command.figures["ours"]["n"] == 3 and built.figures["ours"]["n"] == 5
    )
    assert verify_history().ok


def test_the_bench_seed_publishes_a_register_of_attendance_some_of_it_corrected_A8(seeded):
    """The public register's load row measures real entries (bench_seed --published): every generated
    briefing is on the published register with its officers' posts, one in eight corrected; run again,
    the seed adds none."""
    from register import selectors

    entries = selectors.published_register()
    assert len(entries) == 400 and all(entry.posts for entry in entries)
    assert sum(entry.corrected for entry in entries) == 50
    assert all(entry.published_at <= entry.corrected_at for entry in entries if entry.corrected)
    seed(requests=30, declarations=12, history_rows=200, say=lambda line: None)
    assert selectors.published_briefings().count() == 400
    assert verify_history().ok


def test_the_public_register_baseline_returns_the_same_json_as_the_public_api(seeded, client):
    """The public register's load row is compared with a bare view of the same page: its JSON is the
    API's first page, envelope and all (the links name its own address), on the bench's 400 entries,
    some corrected, so that the baseline cannot drift from what it stands for."""
    bare = client.get(scenarios.PUBLIC_BARE, secure=True)
    ours = client.get(scenarios.find_path("public_register"), secure=True)
    assert bare.status_code == 200 and ours.status_code == 200
    assert bare["Cache-Control"] == ours["Cache-Control"]
    page = ours.json()
    assert page["next"] == f"https://testserver{scenarios.find_path('public_register')}?page=2"
    assert bare.json() == {**page, "next": f"https://testserver{scenarios.PUBLIC_BARE}?page=2"}
    assert len(page["results"]) == 50 and page["count"] >= 400
    shown = page["results"]
    assert any(entry["corrected"] for entry in shown), "the page compared should show a corrected entry"
    assert any(len(entry["posts"]) > 1 for entry in shown), "the page compared should show two officers' posts"


def test_the_public_register_baseline_reads_its_page_and_count_in_one_statement(
    seeded, client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert client.get(scenarios.PUBLIC_BARE, secure=True).status_code == 200
