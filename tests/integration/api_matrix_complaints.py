"""The API access matrix's rows for the complaints endpoints (tests/integration/api_matrix.py adds them).

Each row's complaint is made afresh for each caller, in the state its move needs. "other": a complaint
about a councillor who is not the caller; "own": a complaint about the matrix's councillor ("member"),
who has been told of it. The Monitoring Officer records and acts; auditors read and are refused acting
(403); an Independent Person is not among the matrix's roles (tests/integration/test_complaints_api.py).
"""

import itertools

from tests.integration.api_matrix import Cell, by_role

_references = itertools.count(7000)


def _complaint(world, target, *, state="received"):
    from register.services.conduct import complaints
    from tests.integration.complaint_helpers import consult, decide, give_view, record

    council = world.council
    about = council.groups[0].members[0] if target == "own" else council.groups[1].members[0]
    complaint = record(council, reference=str(next(_references)), member=about)
    if target == "own":
        complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Matrix", complaint=complaint)
    if state in ("consulting", "consulted", "decided"):
        consult(council, complaint)
    if state in ("consulted", "decided"):
        give_view(council, complaint)
    if state == "decided":
        decide(council, complaint)
    return complaint


def _kwargs(state="received"):
    return lambda world, role, target: {"pk": _complaint(world, target, state=state).pk}


def record_body(world, role, target):
    return {
        "reference": str(next(_references)),
        "received_on": "2026-01-12",
        "member": world.council.groups[1].members[0].pk,
        "complainant_type": "member-of-the-public",
        "complainant_name": "Pat Complainant",
        "nature_kind": "meeting",
        "nature": "Behaviour at a meeting",
    }


def consult_body(world, role, target):
    return {"independent_person": world.council.independent_person.pk}


def decide_body(world, role, target):
    from register import selectors

    return {"decision": "no-further-action", "decided_on": selectors.today().isoformat()}


# Those who see every complaint: the Monitoring Officer (and deputy) and auditors; the rest find nothing.
OVERSEERS_READ = by_role(404, monitoring_officer=200, auditor=200)
# Acting: the Monitoring Officer may; auditors see it, so are told they may not (403); the rest find nothing.
MONITORING_OFFICER_ACTS = by_role(404, monitoring_officer=200, auditor=403)

CELLS: list[Cell] = [
    Cell("complaint-list", "GET", by_role(200), notes="each sees only the complaints they may (an empty list else)"),
    Cell("complaint-list", "POST", by_role(403, monitoring_officer=201), body=record_body),
    Cell("complaint-detail", "GET", OVERSEERS_READ, target="other", kwargs=_kwargs()),
    Cell(
        "complaint-detail",
        "GET",
        by_role(404, member=200, monitoring_officer=200, auditor=200),
        target="own",
        kwargs=_kwargs(),
        notes="the councillor told sees the complaint and its decision, not its handling (D4)",
    ),
    Cell("complaint-consult", "POST", MONITORING_OFFICER_ACTS, target="other", kwargs=_kwargs(), body=consult_body),
    Cell(
        "complaint-view",
        "POST",
        by_role(404, monitoring_officer=403, auditor=403),
        target="other",
        kwargs=_kwargs("consulting"),
        body=lambda world, role, target: {"view": "Within the Code."},
        notes="only the Independent Person asked gives a view",
    ),
    Cell(
        "complaint-decide",
        "POST",
        MONITORING_OFFICER_ACTS,
        target="other",
        kwargs=_kwargs("consulted"),
        body=decide_body,
    ),
    Cell(
        "complaint-decide",
        "POST",
        by_role(404, monitoring_officer=409, auditor=403),
        target="other",
        kwargs=_kwargs(),
        body=decide_body,
        notes="no decision before the Independent Person's view (D4)",
    ),
    Cell("complaint-tell-member", "POST", MONITORING_OFFICER_ACTS, target="other", kwargs=_kwargs()),
    Cell(
        "complaint-tell-member",
        "POST",
        by_role(404, member=403, monitoring_officer=409, auditor=403),
        target="own",
        kwargs=_kwargs(),
        notes="the councillor was already told; they act on nothing",
    ),
    Cell(
        "complaint-training-and-actions",
        "POST",
        MONITORING_OFFICER_ACTS,
        target="other",
        kwargs=_kwargs("decided"),
        body=lambda world, role, target: {"training_needs": "Social media training", "actions_outstanding": ""},
    ),
    Cell("complaint-close", "POST", MONITORING_OFFICER_ACTS, target="other", kwargs=_kwargs("decided")),
    Cell(
        "complaint-withdraw",
        "POST",
        MONITORING_OFFICER_ACTS,
        target="other",
        kwargs=_kwargs(),
        body=lambda world, role, target: {"reason": "Withdrawn by the complainant by e-mail"},
    ),
]
