"""One small function per scenario of issue 10. Each takes the ``Bench`` context and returns a
``Result`` (tests/bench/harness.py); a scenario whose page or endpoint does not exist yet returns
``not_measured`` naming what is missing, rather than a figure for something else.

Where a page is looked for by path (PATHS), the first candidate the URLconf resolves is measured,
so that pages landing in main later are picked up without changing the scenarios.
"""

import datetime
import http.client
import os
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from register.models import GroupMeeting, HistoryLink, Notification, Person
from register.selectors import published_briefings
from register.services.sign_in import two_factor
from tests.bench import harness
from tests.bench.backups import backup_and_restore
from tests.bench.harness import Result, ms, not_measured
from tests.bench.history_tree import history_tree
from tests.bench.people import authenticator_code, signed_in_client
from tests.bench.statements import Recorder

# Candidate paths of each page, first found wins (other branches are adding them as this is written).
PATHS = {
    "api_requests": ["/api/attendance-requests/", "/api/attendance/requests/"],
    "queue": [
        "/attendance/queue/",
        "/attendance/to-decide/",
        "/attendance/decide/",
        "/attendance/decisions/",
        "/queue/",
    ],
    "timeline": ["/history/", "/audit/timeline/", "/timeline/"],
    "timeline_csv": ["/history/export.csv", "/audit/timeline.csv", "/audit/export.csv"],
    "public_register": ["/api/public/officer-attendance/", "/attendance/register/", "/public/attendance/"],
}
BARE = "/bench/requests/"  # the first tables' baseline: loads no session and no person
SIGNED_IN_BARE = "/bench/requests/signed-in/"  # the fair one (issue 23): authenticates as the API does
PUBLIC_BARE = "/bench/public-register/"  # the public register's own: the same page of published entries
PASSWORD = "demo-register-2026"


@dataclass
class Bench:
    web: str  # host:port of the stack's gunicorn
    quick: bool = False
    clients: dict = field(default_factory=dict)

    def repeat(self, full: int, quick: int = 5) -> int:
        return quick if self.quick else full

    def client(self, username: str) -> Client:
        """An in-process client signed in as ``username`` (the view runs in this process)."""
        if username not in self.clients:
            self.clients[username] = signed_in_client(username)
        return self.clients[username]


def find_path(name: str) -> str | None:
    for candidate in PATHS[name]:
        try:
            resolve(candidate.split("?")[0])
        except Resolver404:
            continue
        return candidate
    return None


def _getter(client: Client, path: str):
    def get():
        answer = client.get(path, secure=True)
        if answer.status_code != 200:
            raise AssertionError(f"GET {path}: {answer.status_code} {answer.content[:300]!r}")
        if hasattr(answer, "streaming_content"):
            for _ in answer.streaming_content:
                pass
        return answer

    return get


# --- 1. API list of attendance requests, a page of 50, against a bare view -------------------------


def api_list(bench: Bench) -> Result:
    name, target = "API list of attendance requests, page of 50 (p50 / p95)", "ratio at most 1.5 (p50)"
    path = find_path("api_requests")
    if path is None:
        return not_measured(name, target, "the attendance API (api/) is not in this branch yet")
    client = bench.client("chief-executive")
    samples = harness.interleaved(
        {
            "ours": _getter(client, path + "?page=2"),
            "bare": _getter(client, SIGNED_IN_BARE + "?page=2"),
            # No session cookie at all: since issue 18 the middleware loads the signed-in person on every
            # request that carries one (two-factor gate, session timeout), whatever the view.
            "unauthenticated": _getter(Client(HTTP_X_FORWARDED_PROTO="https"), BARE + "?page=2"),
        },
        repeat=bench.repeat(200),
    )
    result = _compare(name, target, samples, limit=1.5, statistic="p50")
    result.figures["statements"] = per_statement(
        {"ours": _getter(client, path + "?page=2"), "bare": _getter(client, SIGNED_IN_BARE + "?page=2")},
        repeat=bench.repeat(60),
    )
    return _beside_the_first_baseline(result, samples["ours"], samples["unauthenticated"], statistic="p50")


def per_statement(calls: dict, *, repeat: int) -> dict[str, dict[str, float]]:
    """Each call's p50 split by statement (and commit, and the Python left over), recorded in a round of
    its own after the timed one, so that recording costs the timed figures nothing: what the README shows
    for a row that misses its target."""
    recorder = Recorder()
    with recorder.recording():
        for _ in range(repeat):
            for name, call in calls.items():
                with recorder.call(name):
                    call()
    return {name: recorder.p50s(name, repeat) for name in calls}


def _beside_the_first_baseline(result: Result, ours: list[float], first: list[float], *, statistic: str) -> Result:
    """The ratio against the first tables' baseline, asked with no session, so loading nobody, kept in the
    baseline's cell for one release (issue 23) so that the two tables can be read side by side."""
    first_summary = harness.summary(first)
    ratio = harness.summary(ours)[statistic] / first_summary[statistic]
    result.baseline += f" (not signed in: {ms(first_summary['p50'])}, ratio {ratio:.2f})"
    result.figures["unauthenticated_baseline"] = first_summary
    return result


def _compare(name, target, samples, *, limit, statistic) -> Result:
    ours, bare = harness.summary(samples["ours"]), harness.summary(samples["bare"])
    ratio = ours[statistic] / bare[statistic]
    return Result(
        name,
        target,
        ours=f"{ms(ours['p50'])} / {ms(ours['p95'])}",
        baseline=f"{ms(bare['p50'])} / {ms(bare['p95'])}",
        ratio=ratio,
        met=ratio <= limit,
        figures={"ours": ours, "baseline": bare},
    )


# --- 2. The Chief Executive's queue page, the auditor timeline's first page ------------------------


def queue_page(bench: Bench) -> Result:
    return _page_p95(
        bench,
        "Chief Executive's queue page (p95)",
        "queue",
        "chief-executive",
        "the Chief Executive's queue page is not in this branch yet",
    )


def timeline_first_page(bench: Bench) -> Result:
    return _page_p95(
        bench,
        "Auditor timeline, first page (p95)",
        "timeline",
        "auditor",
        "the auditor timeline page is not in this branch yet",
    )


def _page_p95(bench, name, page, username, missing) -> Result:
    target = "under 100 ms"
    path = find_path(page)
    if path is None:
        return not_measured(name, target, missing)
    samples = harness.interleaved({"ours": _getter(bench.client(username), path)}, repeat=bench.repeat(100))
    ours = harness.summary(samples["ours"])
    return Result(
        name,
        target,
        ours=f"p95 {ms(ours['p95'])} (p50 {ms(ours['p50'])})",
        met=ours["p95"] < 0.1,
        figures={"ours": ours, "path": path},
    )


# --- 3. The auditor timeline half a million rows deep, against its first page ---------------------


def timeline_deep_page(bench: Bench) -> Result:
    name, target = "Auditor timeline, a page half a million rows deep (p95)", "ratio at most 1.2"
    path = find_path("timeline")
    if path is None:
        return not_measured(name, target, "the auditor timeline page is not in this branch yet")
    client = bench.client("auditor")
    depth = min(500_000, HistoryLink.objects.count() // 2)
    deep = _deep_link(client, path, depth=depth)
    if deep is None:
        return not_measured(name, target, f"{path} offers no link to older pages")
    samples = harness.interleaved(
        {"ours": _getter(client, deep), "bare": _getter(client, path)}, repeat=bench.repeat(50)
    )
    ours, first = harness.summary(samples["ours"]), harness.summary(samples["bare"])
    ratio = ours["p95"] / first["p95"]
    return Result(
        name,
        target,
        ours=f"p95 {ms(ours['p95'])}",
        baseline=f"first page p95 {ms(first['p95'])}",
        ratio=ratio,
        met=ratio <= 1.2,
        figures={"ours": ours, "baseline": first, "deep": deep, "depth": depth},
    )


def _deep_link(client: Client, path: str, *, depth: int) -> str | None:
    """A page ``depth`` rows into the timeline. The timeline pages by keyset on the chain position
    (``?older=<position>``, never OFFSET), so a deep page is the one older than head - depth."""
    first = client.get(path, secure=True)
    if first.status_code != 200 or b"older=" not in first.content:
        return None
    head = HistoryLink.objects.order_by("-position").values_list("position", flat=True).first() or 0
    return f"{path}?{urlencode({'older': max(head - depth, 2)})}"


# --- 4. Approval to every other leader's notice delivered, by the real worker ----------------------


def approval_to_notices(bench: Bench) -> Result:
    from register.services.attendance import MeetingDetails, attendance_request_approve, attendance_request_submit

    name, target = "Approval to every other leader's notice delivered, real worker (p50 / p95)", "p95 under 1 s"
    leader = Person.objects.get(username="leader-1")
    chief = Person.objects.get(username="chief-executive")
    officer = Person.objects.get(username="officer-2")
    count = bench.repeat(50, quick=3)
    starts = timezone.now() + datetime.timedelta(days=40)
    requests = [
        attendance_request_submit(
            actor=leader,
            meeting=MeetingDetails(starts_at=starts + datetime.timedelta(hours=n), place="Room 1"),
            officers=[officer],
            subject=f"Bench approval {n}",
            scope="The budget, for the benchmark.",
        )
        for n in range(count)
    ]
    _wait_for_outbox_empty()
    samples = []
    for request in requests:
        started = time.perf_counter()
        attendance_request_approve(request=request, actor=chief, reason="")
        cause = f"attendance-request:{request.pk}:r{request.round}:briefing-notice"
        _wait_until(lambda cause=cause: _all_sent(cause), within=60)
        samples.append(time.perf_counter() - started)
    ours = harness.summary(samples)
    return Result(
        name, target, ours=f"{ms(ours['p50'])} / {ms(ours['p95'])}", met=ours["p95"] < 1.0, figures={"ours": ours}
    )


def _all_sent(cause: str) -> bool:
    statuses = list(Notification.objects.filter(cause=cause).values_list("status", flat=True))
    return bool(statuses) and all(status == Notification.Status.SENT for status in statuses)


def _wait_until(condition, *, within: float, every: float = 0.002) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s")
        time.sleep(every)


def _wait_for_outbox_empty(within: float = 600) -> None:
    _wait_until(
        lambda: not Notification.objects.exclude(status__in=["sent", "failed"]).exists(), within=within, every=0.1
    )


# --- 5. Notice fan-out against a no-op task on the same broker and worker ---------------------------


def notice_fan_out(bench: Bench) -> Result:
    from register.services.notifications import notify
    from tests.bench.tasks import COUNTER, _redis, noop

    name, target = "Notice fan-out, 10,000 notices (notices/s)", "ratio at least 0.5"
    wanted = bench.repeat(10_000, quick=40)
    people = list(Person.objects.filter(is_active=True).exclude(kind=Person.Kind.SYSTEM).order_by("pk"))
    _wait_for_outbox_empty()
    run = f"bench-fan-out:{time.time_ns()}"
    with transaction.atomic():
        made, call = 0, 0
        while made < wanted:
            recipients = people[: max(1, (wanted - made) // 2)]
            made += len(
                notify(
                    cause=f"{run}:{call}",
                    kind="absence-recorded",
                    recipients=recipients,
                    about=None,
                    actor=None,
                    context=_absence_context(),
                )
            )
            call += 1
        started = time.perf_counter()  # delivery is queued on commit
    _wait_until(
        lambda: not Notification.objects.filter(cause__startswith=run).exclude(status="sent").exists(),
        within=3600,
        every=0.05,
    )
    ours = made / (time.perf_counter() - started)

    _redis().set(COUNTER, 0)
    started = time.perf_counter()
    for _ in range(made):
        noop.delay()
    _wait_until(lambda: int(_redis().get(COUNTER) or 0) >= made, within=600, every=0.01)
    bare = made / (time.perf_counter() - started)
    ratio = ours / bare
    return Result(
        name,
        target,
        ours=f"{ours:,.0f}/s ({made:,} notices)",
        baseline=f"{bare:,.0f}/s no-op tasks",
        ratio=ratio,
        met=ratio >= 0.5,
        figures={"ours_per_second": ours, "baseline_per_second": bare, "notices": made},
    )


def _absence_context() -> dict:
    chief = Person.objects.get(username="chief-executive")
    today = timezone.localdate()
    absence = {"person": chief, "recorded_by": chief, "start_date": today, "end_date": today}
    return {"absence": absence, "council_name": "Bench council"}


# --- 6. Load on gunicorn: the public register and an authenticated list ----------------------------


def load_on_gunicorn(bench: Bench) -> list[Result]:
    """Each page against the bare view a request of its kind would get, asked with the same cookie: the
    anonymous public register against its own bare view (the same page of published entries, by hand),
    with no session; the authenticated list against the one that signs in. The public register's row
    says how many entries it held (bench_seed --published), and keeps for one release the figure of its
    first baseline, the bare page of attendance requests, beside its own."""
    target = "ratio at least 0.7 (req/s)"
    seconds, concurrency = (1.0, 2) if bench.quick else (15.0, 8)
    session = _sign_in(bench.web, "chief-executive")
    entries = published_briefings().count()
    pages = [
        (f"public register (anonymous, {entries:,} entries)", find_path("public_register"), "", PUBLIC_BARE, BARE),
        ("authenticated list", find_path("api_requests") or "/api/declarations/", session, SIGNED_IN_BARE, None),
    ]
    results = []
    for label, path, cookie, bare_path, first_path in pages:
        name = f"Load on gunicorn ({_gunicorn_workers()}, {concurrency} clients): {label}"
        if path is None:
            results.append(not_measured(name, target, "the public register of attendance is not in this branch yet"))
            continue

        def load(asked, cookie=cookie):
            return _load(bench.web, asked, cookie, seconds=seconds, concurrency=concurrency)

        first = load(first_path) if first_path else None
        bare = load(bare_path)
        ours = load(path)
        again = load(bare_path)
        baseline_rps = (bare["rps"] + again["rps"]) / 2  # before and after, against drift
        ratio = ours["rps"] / baseline_rps
        result = Result(
            f"{name} {path}",
            target,
            ours=f"{ours['rps']:.0f} req/s, p99 {ms(ours['p99'])}",
            baseline=f"{baseline_rps:.0f} req/s, p99 {ms(again['p99'])} ({bare_path})",
            ratio=ratio,
            met=ratio >= 0.7,
            figures={"ours": ours, "baseline": [bare, again], "baseline_path": bare_path},
        )
        if first_path:
            _beside_the_first_load_baseline(result, ours, [first, load(first_path)], first_path)
        if not cookie:
            # The anonymous request split statement by statement in-process, as the API list's is.
            anonymous = Client(HTTP_X_FORWARDED_PROTO="https")
            result.figures["statements"] = per_statement(
                {"ours": _getter(anonymous, path), "bare": _getter(anonymous, bare_path)}, repeat=bench.repeat(60)
            )
        results.append(result)
    return results


def _beside_the_first_load_baseline(result: Result, ours: dict, first: list[dict], first_path: str) -> None:
    """The first baseline's throughput (before and after the row's own), and the ratio against it, kept in
    the baseline's cell for one release, as the API list's row keeps its baseline asked with no session."""
    first_rps = sum(each["rps"] for each in first) / len(first)
    result.baseline += f" (first baseline {first_path}: {first_rps:.0f} req/s, ratio {ours['rps'] / first_rps:.2f})"
    result.figures["first_baseline"] = first
    result.figures["first_baseline_path"] = first_path


def _gunicorn_workers() -> str:
    """As gunicorn.conf.py reads them, from the stack's environment: what this run measured."""
    workers, threads = os.environ.get("WEB_CONCURRENCY", "2"), int(os.environ.get("WEB_THREADS", "1"))
    return f"{workers} workers" + (f" x {threads} threads" if threads > 1 else "")


def _sign_in(web: str, username: str) -> str:
    """A session cookie for ``username``, signed in through the pages as a person would: the password,
    then, for those who must give one, the code from their authenticator app."""
    person = Person.objects.get(username=username)
    cookies, answer = _post_form(web, "/sign-in/", "", {"username": username, "password": PASSWORD})
    device = two_factor.authenticator_of(person)
    if device is not None and answer.getheader("Location", "").endswith(reverse("sign-in-code")):
        cookies, answer = _post_form(web, reverse("sign-in-code"), cookies, {"code": authenticator_code(device)})
    if answer.status != 302 or "sign-in" in answer.getheader("Location", ""):
        raise AssertionError(f"signing in as {username}: {answer.status} to {answer.getheader('Location')}")
    return cookies


def _post_form(web: str, path: str, cookies: str, fields: dict) -> tuple[str, http.client.HTTPResponse]:
    """GET the form at ``path`` for its CSRF token, POST ``fields``; the cookies after both, and the answer."""
    page = _http(web, "GET", path, cookie=cookies)
    cookies = _merged(cookies, _cookies(page))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read()).group(1).decode()
    answer = _http(
        web,
        "POST",
        path,
        body=urlencode({**fields, "csrfmiddlewaretoken": token}),
        cookie=cookies,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{web}",
            "Referer": f"https://{web}{path}",
        },
    )
    answer.read()
    return _merged(cookies, _cookies(answer)), answer


def _merged(*cookie_headers: str) -> str:
    merged = dict(item.split("=", 1) for header in cookie_headers for item in header.split("; ") if "=" in item)
    return "; ".join(f"{key}={value}" for key, value in merged.items())


def _cookies(answer) -> str:
    return "; ".join(header.split(";", 1)[0] for header in answer.headers.get_all("Set-Cookie") or [])


def _http(web: str, method: str, path: str, *, body: str = "", cookie: str = "", headers: dict | None = None):
    connection = http.client.HTTPConnection(*web.split(":"), timeout=60)
    sent = {"X-Forwarded-Proto": "https", **(headers or {})}
    if cookie:
        sent["Cookie"] = cookie
    connection.request(method, path, body=body, headers=sent)
    return connection.getresponse()


def _load(web: str, path: str, cookie: str, *, seconds: float, concurrency: int) -> dict:
    """``concurrency`` clients requesting ``path`` back to back for ``seconds``: requests per second and latency."""
    latencies: list[float] = []
    errors: list[int] = []
    stop_at = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            answer = _http(web, "GET", path, cookie=cookie)
            answer.read()
            latencies.append(time.perf_counter() - started)
            if answer.status != 200:
                errors.append(answer.status)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise AssertionError(f"GET {path} under load: {len(errors)} answers not 200, e.g. {errors[0]}")
    return {"rps": len(latencies) / (time.perf_counter() - started), **harness.summary(latencies)}


# --- 7. A service call writing history and the chain, against the same save without history --------


def save_with_and_without_history(bench: Bench) -> Result:
    from register.services.history import save_with_history

    name, target = "Save that writes history and the chain hash (time per call)", "ratio at most 1.5"
    chief = Person.objects.get(username="chief-executive")
    meeting_id = GroupMeeting.objects.order_by("pk").values_list("pk", flat=True).first()
    counter = iter(range(10**9))

    def changed() -> GroupMeeting:
        meeting = GroupMeeting.objects.select_for_update().get(pk=meeting_id)
        meeting.place = f"Committee room {next(counter)}"
        return meeting

    def with_history():
        with transaction.atomic():
            save_with_history(changed(), actor=chief, reason="Room changed (bench)", update_fields=["place"])

    def without_history():
        with transaction.atomic():
            meeting = changed()
            meeting.skip_history_when_saving = True  # simple-history writes nothing for this save
            meeting.save(update_fields=["place"])

    samples = harness.interleaved({"ours": with_history, "bare": without_history}, repeat=bench.repeat(300))
    statements = per_statement({"ours": with_history, "bare": without_history}, repeat=bench.repeat(300))
    # The baseline's saves wrote no history, which verify_history rightly names (a record that no longer
    # holds what its history says): one more save with history leaves the record and its history agreeing.
    with_history()
    result = _compare(name, target, samples, limit=1.5, statistic="p50")
    result.figures["statements"] = statements
    return result


# --- 8. CSV export of the whole timeline: the process's peak memory -------------------------------


def csv_export_memory(bench: Bench) -> Result:
    name, target = "CSV export of the full timeline (peak memory)", "under 200 MB, flat as rows grow"
    path = find_path("timeline_csv")
    if path is None:
        return not_measured(name, target, "the timeline's CSV export is not in this branch yet")
    from tests.bench.memory import export_peak_memory

    figures = export_peak_memory(path)
    peak_mb = figures["peak_mb"]
    flat = figures["growth_mb"] < 20
    return Result(
        name,
        target,
        ours=f"{peak_mb:.0f} MB peak; +{figures['growth_mb']:.0f} MB from 10% to 100% of {figures['rows']:,} rows",
        met=peak_mb < 200 and flat,
        figures=figures,
    )


# --- 9. Import of 1,000 people from a CSV, against the same people made by plain service calls -------


def import_of_1000_people(bench: Bench) -> Result:
    from register.models import Organization
    from register.services import people
    from register.services.people.import_plan import import_people, plan_import
    from register.services.people.imports import parse_people_file
    from register.services.system import system_user

    name, target = "Import of 1,000 people from a CSV: parse, plan, save (issue 17)", "under 30 s"
    count = bench.repeat(1_000, quick=50)
    actor = Person.objects.filter(username="democratic-services").first() or system_user()
    directorates = list(
        Organization.objects.filter(classification=Organization.Classification.DIRECTORATE).order_by("pk")
    )
    run = time.time_ns()
    today = timezone.localdate()

    def lines(prefix: str) -> list[tuple[str, ...]]:
        made = []
        for n in range(count):
            email = f"{prefix}-{n}@bench.example"
            if n % 5 == 0:  # a fifth councillors, in four groups new to the register
                made.append((f"Aelod{n}", "Ŵyn", email, "member", "elected", f"Bench {prefix} group {n % 4}", "", ""))
            else:
                made.append((f"Swyddog{n}", "Dòmhnallach", email, "officer", "", "", "", directorates[n % 5].name))
        return made

    header = "given_name,family_name,email,kind,member_type,group,group_role,directorate\n"
    data = (header + "".join(",".join(line) + "\n" for line in lines(f"import{run}"))).encode()
    started = time.perf_counter()
    parsed = parse_people_file(data, "bench.csv")
    plan = plan_import(parsed, on=today)
    if not plan.is_clean:
        raise AssertionError(f"the bench's file has problems: {plan.problems[:3]}")
    import_people(actor=actor, reason="Bench import", plan=plan)
    ours = time.perf_counter() - started

    started = time.perf_counter()
    again = plan_import(parse_people_file(data, "bench.csv"), on=today)
    import_people(actor=actor, reason="Bench import again", plan=again)
    second = time.perf_counter() - started
    if again.changes_anything:
        raise AssertionError("importing the same file again would change something")

    # The baseline: the same people, groups and memberships made by plain service calls.
    started = time.perf_counter()
    with transaction.atomic():
        groups = {}
        for given, family, email, kind, member_type, group, _, directorate in lines(f"plain{run}"):
            person = people.person_create(
                actor=actor,
                reason="Bench baseline",
                username=email,
                first_name=given,
                last_name=family,
                email=email,
                kind=kind,
                member_type=member_type,
            )
            if group:
                if group not in groups:
                    groups[group] = people.organization_create(
                        actor=actor, reason="Bench baseline", name=group, classification="party"
                    )
                organization = groups[group]
            else:
                organization = next(d for d in directorates if d.name == directorate)
            people.membership_start(
                actor=actor, reason="Bench baseline", person=person, organization=organization, start_date=today
            )
    bare = time.perf_counter() - started
    ratio = ours / bare
    return Result(
        name,
        target,
        ours=f"{ours:.1f} s ({count:,} people; again, unchanged: {second:.1f} s)",
        baseline=f"{bare:.1f} s by plain person_create and membership_start calls",
        ratio=ratio,
        met=ours < 30,
        figures={"ours_seconds": ours, "again_seconds": second, "baseline_seconds": bare, "people": count},
    )


ALL = [
    api_list,
    queue_page,
    timeline_first_page,
    timeline_deep_page,
    approval_to_notices,
    notice_fan_out,
    load_on_gunicorn,
    save_with_and_without_history,
    csv_export_memory,
    import_of_1000_people,
    history_tree,  # issue 20: the Merkle tree, a checkpoint and an inclusion proof (tests/bench/history_tree.py)
    backup_and_restore,  # issue 21: the recovery procedure, backup to verified restore (tests/bench/backups.py)
]
