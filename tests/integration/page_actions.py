"""Shared by the tests that check a page's action links and buttons against the workflow: the
demo roles, the oracle (``workflow.allowed_moves`` for the viewer's standing now), and following a
link that was not shown, which must give the status the domain error maps to.

A page gates an action on the workflow; a refusal by the time alone (the meeting has, or has not,
begun) is left to the form, so following such a link opens the form and submitting it is refused
with 400 on the field, saving nothing. Every other refusal is 403 (naming the rule), 404 or 409.
"""

import re

from django.test import Client

from register import selectors, workflow
from register.errors import DomainError
from register.views.domain_errors import status_of
from tests.factories import row_counts

# The form's refusal of a move that only the time forbids, once submitted.
REFUSED_BY_TIME = 400


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def demo_roles(council) -> dict:
    """One person per role of the demo council, by a name that says who they are to a request of
    the first group naming the first officer of the first directorate."""
    place = council.directorates[0]
    return {
        "chief executive": council.chief_executive,
        "deputy chief executive": council.deputy_chief_executive,
        "monitoring officer": council.monitoring_officer,
        "deputy monitoring officer": council.deputy_monitoring_officer,
        "auditor": council.auditor,
        "group leader": council.groups[0].leader,
        "deputy group leader": council.groups[0].deputy,
        "other group's leader": council.groups[1].leader,
        "councillor": council.groups[0].members[0],
        "officer named": place.officers[0],
        "officer not named": place.officers[1],
        "director": place.director,
    }


def refusal_status(flow: workflow.Workflow, move: str, record, person) -> int:
    """The status the pages give ``person`` for ``move`` now: 200 when the workflow allows it, else
    the status its refusal maps to (400 for a refusal by the time, which the form gives)."""
    try:
        workflow.require(flow, move, record, selectors.standing_of(person))
    except DomainError as error:
        return status_of(error)
    return 200


def follow_not_shown(client, address: str, expected: set[int], form_data: dict | None) -> None:
    """Follow a link that was not shown: the page refuses with a status the workflow's refusal maps
    to; where only the time refuses it (400), the page opens and its form is refused on submission,
    saving nothing."""
    response = client.get(address)
    opens_form = REFUSED_BY_TIME in expected
    assert response.status_code in (expected - {REFUSED_BY_TIME}) | ({200} if opens_form else set()), (
        address,
        response.status_code,
        expected,
    )
    assert response.status_code != 200 or opens_form, address
    if response.status_code == 403:
        assert "(protocol rule " in text(response), address
    if response.status_code == 200:
        before = row_counts()
        refused = client.post(address, form_data or {})
        assert refused.status_code == REFUSED_BY_TIME, (address, refused.status_code)
        assert "govuk-error-summary" in text(refused)
        assert row_counts() == before


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def links_in(response) -> set[str]:
    """Every address the page links to or posts to."""
    html = response.content.decode()
    return set(re.findall(r'href="([^"]+)"', html)) | set(re.findall(r'<form[^>]*action="([^"]+)"', html))


def action_controls(response) -> list[str]:
    """The page's action links and buttons: links to an action page, and any form posting
    somewhere other than the layout's own (signing out, and staying signed in from the timeout warning)."""
    html = response.content.decode()
    actions = re.compile(
        r"^/attendance/\d+/(withdraw|decide|respond|attendance|information|amend|cancel|close)/$"
        r"|^/attendance/\d+/information/\d+/likely-to-be-cited/$"
        r"|^/declarations/\d+/(review|acknowledge|end|withdraw)/$"
        r"|^/(attendance|declarations)/(new|refer|confirm|same/\d+)/"
    )
    found = [link for link in re.findall(r'href="([^"]+)"', html) if actions.search(link)]
    found += [
        form
        for form in re.findall(r'<form[^>]*method="post"[^>]*>', html, flags=re.IGNORECASE)
        if "sign-out" not in form and "/account/keep-alive/" not in form
    ]
    return found
