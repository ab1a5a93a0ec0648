"""The API access matrix's rows for the concerns endpoints (tests/integration/api_matrix.py adds them).

Each cell makes its own concerns through the services, per role, under the council's default protocol
(002's "redress"). "own": a concern the caller raised; "other": a councillor's concern about an
officer of Resources, handled by its Assistant Director; "about-me": a concern about the caller that
they have not been told of; "handled": one routed to the Monitoring Officer (a councillor's difficulty
obtaining information, D3) or, for raising with the member, to the Chief Executive as an officer's
Chief Officer (D2).
"""

import datetime

from tests.integration.api_matrix import Cell, _caller, _someone_on_the_other_side_of, by_role, everyone_signed_in


def _raise(raiser, concerned, **options):
    from register import selectors
    from register.services.conduct import concerns as services

    options.setdefault("information", False)
    return services.concern_raise(
        actor=raiser,
        reason="For the access matrix",
        concerned_person=concerned,
        what_happened="Said something against the protocol, for the access matrix.",
        happened_on=selectors.today() - datetime.timedelta(days=1),
        **options,
    )


def _fresh(kind):
    from register.models import Person
    from tests.factories import make_person

    return make_person(Person.Kind.MEMBER if kind == "member" else Person.Kind.OFFICER)


def _concern(world, role, target, *, stage="received"):
    from register.services.conduct import concerns as services

    caller = _caller(world, role)
    council = world.council
    if target == "own":
        return _raise(caller, _someone_on_the_other_side_of(caller))
    if target == "other":
        return _raise(_fresh("member"), council.directorates[1].officers[1])
    if target == "about-me":
        return _raise(_someone_on_the_other_side_of(caller), caller)
    if target == "handled-d2":
        concern = _raise(_fresh("officer"), _fresh("member"))  # the Chief Executive, as Chief Officer
    else:
        concern = _raise(_fresh("member"), _fresh("officer"), information=True)  # the Monitoring Officer
    if stage in {"acknowledged", "looking"}:
        concern = services.concern_acknowledge(concern=concern, actor=concern.handler)
    if stage == "looking":
        concern = services.concern_look_into(concern=concern, actor=concern.handler)
    return concern


def concern_kwargs(stage="received"):
    def kwargs(world, role, target):
        return {"pk": _concern(world, role, target, stage=stage).pk}

    return kwargs


def raise_body(world, role, target):
    from register import selectors

    caller = _caller(world, role)
    other = _fresh(caller.kind) if target == "same-side" else _someone_on_the_other_side_of(caller)
    return {
        "concerned_person": other.pk,
        "what_happened": "Briefed one group on a matter and not the others.",
        "happened_on": (selectors.today() - datetime.timedelta(days=2)).isoformat(),
    }


def note(world, role, target):
    return {"reason": "Noted for the access matrix."}


SEEN_BY_OVERSEERS = by_role(404, monitoring_officer=200, auditor=200)
# Acting on someone else's concern: the overseers see it, so are told they may not (403); the rest find nothing.
OVERSEERS_REFUSED = by_role(404, monitoring_officer=403, auditor=403)
MONITORING_OFFICER_HANDLES = by_role(404, monitoring_officer=200, auditor=403)
NOBODY_BEFORE_TOLD = by_role(404)

CELLS: list[Cell] = [
    Cell("concern-list", "GET", everyone_signed_in()),
    Cell("concern-list", "POST", everyone_signed_in(201), body=raise_body, notes="councillors and officers (D1, D2)"),
    Cell(
        "concern-list",
        "POST",
        everyone_signed_in(400),
        target="same-side",
        body=raise_body,
        notes="a concern under the protocol is about someone on the other side",
    ),
    Cell("concern-detail", "GET", everyone_signed_in(), kwargs=concern_kwargs()),
    Cell("concern-detail", "GET", SEEN_BY_OVERSEERS, target="other", kwargs=concern_kwargs()),
    Cell(
        "concern-detail",
        "GET",
        NOBODY_BEFORE_TOLD,
        target="about-me",
        kwargs=concern_kwargs(),
        notes="the person concerned sees it only once the handler tells them, whatever post they hold",
    ),
    Cell(
        "concern-acknowledge",
        "POST",
        everyone_signed_in(403),
        kwargs=concern_kwargs(),
        body=note,
        notes="who raised it does not handle it",
    ),
    Cell("concern-acknowledge", "POST", OVERSEERS_REFUSED, target="other", kwargs=concern_kwargs(), body=note),
    Cell(
        "concern-acknowledge", "POST", MONITORING_OFFICER_HANDLES, target="handled", kwargs=concern_kwargs(), body=note
    ),
    Cell("concern-look-into", "POST", OVERSEERS_REFUSED, target="other", kwargs=concern_kwargs(), body=note),
    Cell("concern-look-into", "POST", MONITORING_OFFICER_HANDLES, target="handled", kwargs=concern_kwargs(), body=note),
    Cell(
        "concern-tell",
        "POST",
        MONITORING_OFFICER_HANDLES,
        target="handled",
        kwargs=concern_kwargs("acknowledged"),
        body=note,
    ),
    Cell("concern-tell", "POST", OVERSEERS_REFUSED, target="other", kwargs=concern_kwargs("acknowledged"), body=note),
    Cell(
        "concern-raise-with-member",
        "POST",
        by_role(404, chief_executive=200, monitoring_officer=403, auditor=403),
        target="handled-d2",
        kwargs=concern_kwargs("acknowledged"),
        body=lambda world, role, target: {"raised_with": "The member and their group leader"},
        notes="an officer's Chief Officer raises it with the member (D2, 002 section 8.2)",
    ),
    Cell(
        "concern-resolve",
        "POST",
        MONITORING_OFFICER_HANDLES,
        target="handled",
        kwargs=concern_kwargs("looking"),
        body=note,
    ),
    Cell(
        "concern-refer-on",
        "POST",
        MONITORING_OFFICER_HANDLES,
        target="handled",
        kwargs=concern_kwargs("acknowledged"),
        body=lambda world, role, target: {"referred_to": "Human Resources"},
    ),
    Cell(
        "concern-close",
        "POST",
        MONITORING_OFFICER_HANDLES,
        target="handled",
        kwargs=concern_kwargs("acknowledged"),
        body=lambda world, role, target: {"outcome": "no-action"},
    ),
    Cell(
        "concern-close",
        "POST",
        OVERSEERS_REFUSED,
        target="other",
        kwargs=concern_kwargs("acknowledged"),
        body=lambda world, role, target: {"outcome": "no-action"},
    ),
    Cell("concern-withdraw", "POST", everyone_signed_in(), kwargs=concern_kwargs(), body=note),
    Cell("concern-withdraw", "POST", OVERSEERS_REFUSED, target="other", kwargs=concern_kwargs(), body=note),
]
