"""A member with something of everything the register holds about a person, made through the services,
for the subject access tests (issue 21)."""

import io
import json
import zipfile
from dataclasses import dataclass

from register.models import Declaration, Person, Post
from register.services.conduct import concerns
from tests.factories import approved_request, make_person
from tests.integration.concern_helpers import raise_concern
from tests.integration.declaration_helpers import declare, review

# Words that only another person's declaration naming the member holds: never in the member's export.
OTHERS_DESCRIPTION = "We met at the allotment society in 2015 and holiday together each August."
OTHERS_ADVICE = "Do not brief the Red Group alone while this lasts; tell the Monitoring Officer of changes."
OWN_DESCRIPTION = "We sing in the same choir every Tuesday evening."
CONCERN_ACCOUNT = "The councillor asked me at the briefing to say which option the Chief Executive prefers."


@dataclass
class Member:
    member: Person
    own: Declaration
    others: Declaration
    raiser: Person


def member_with_records(council, *, requests: int = 1) -> Member:
    """The Red Group's leader: their own declaration (reviewed), another person's declaration naming them
    (reviewed, with advice), ``requests`` approved attendance requests and the notices they bring, and a
    concern about them whose raiser asked not to be named, which they have been told of."""
    member = council.groups[0].leader
    own = review(declare(member, council.directorates[0].officers[1], description=OWN_DESCRIPTION))
    others_declarant = council.directorates[1].officers[0]
    others = declare(others_declarant, member, Declaration.Kind.CLOSE_PERSONAL, description=OTHERS_DESCRIPTION)
    others = review(others, advice=OTHERS_ADVICE, action=Declaration.Action.NO_SOLE_BRIEFING)
    for number in range(requests):
        approved_request(council, subject=f"Library service options {number}")
    raiser = council.directorates[0].officers[2]
    concern = raise_concern(raiser, member, what_happened=CONCERN_ACCOUNT, raiser_withheld=True)
    concern = concerns.concern_look_into(concern=concern, actor=concern.handler, reason="Looking into it")
    concerns.concern_tell_concerned_person(concern=concern, actor=concern.handler, reason="They should know")
    return Member(member, own, others, raiser)


def data_protection_officer(council) -> Person:
    officer = make_person(Person.Kind.OFFICER)
    council.appoint(officer, council.organization, Post.Role.DATA_PROTECTION_OFFICER, "Data Protection Officer")
    return officer


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def section(files: dict[str, bytes], key: str) -> dict:
    (name,) = [name for name in files if name.endswith(f"-{key}.json")]
    return json.loads(files[name])
