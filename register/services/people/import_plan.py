"""Comparing a parsed file of people with the register (``plan_import``: who joins, who changes, who is
unchanged, every problem by line and field) and saving a clean plan through the people services
(``import_people``: all in one transaction, or nothing).

What a line means for a person already in the register (identity: the e-mail address, whatever its
case): the line describes them as they are on the import's day. Their name, member type, group and
role in it, directorate, directorate post and line manager are made to match it; a changed group,
directorate or post ends the old one the day before and starts the new one on the line's start date
(or the import's day). A group the file names that the register lacks is created (a new group and its
leader can be imported); a directorate must exist already (they change rarely: an unknown one is a
mistake to correct). An officer's post is found by its label in their directorate, and created if the
directorate has no post of that name. The statutory posts in the council itself are left alone.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from register import workflow
from register.errors import RuleViolation
from register.models import Membership, Organization, Person, Post
from register.selectors.standing import standing_held
from register.services.people.changes import require_keeper
from register.services.people.imports import LineProblem, ParsedFile
from register.services.people.lines import DEPUTY_GROUP_LEADER, GROUP_LEADER, PersonLine
from register.services.people.memberships import membership_end, membership_start, post_appoint
from register.services.people.organizations import organization_create, post_create, post_update
from register.services.people.persons import person_create, person_update

Role = Post.Role
ROLE_OF_GROUP_ROLE = {GROUP_LEADER: Role.GROUP_LEADER, DEPUTY_GROUP_LEADER: Role.DEPUTY_GROUP_LEADER}
GROUP_ROLE_OF_ROLE = {role: group_role for group_role, role in ROLE_OF_GROUP_ROLE.items()}
GROUP_ROLE_LABELS = {GROUP_LEADER: "Leader of the {group}", DEPUTY_GROUP_LEADER: "Deputy Leader of the {group}"}


@dataclass
class Standing:
    """A person as the register has them on the import's day, in a line's terms."""

    person: Person
    group: Membership | None = None
    group_role: Membership | None = None
    directorate: Membership | None = None
    post: Membership | None = None

    def as_line_says(self) -> dict[str, str]:
        person = self.person
        return {
            "given_name": person.first_name,
            "family_name": person.last_name,
            "member_type": person.member_type,
            "group": self.group.organization.name if self.group else "",
            "group_role": GROUP_ROLE_OF_ROLE[self.group_role.post.role] if self.group_role else "",
            "directorate": self.directorate.organization.name if self.directorate else "",
            "post": self.post.post.label if self.post else "",
            "politically_restricted": bool(self.post and self.post.post.politically_restricted),
            "reports_to": person.reports_to.email if person.reports_to_id else "",
        }


COMPARED = {
    "given_name": "given name",
    "family_name": "family name",
    "member_type": "member type",
    "group": "group",
    "group_role": "group role",
    "directorate": "directorate",
    "post": "post",
    "politically_restricted": "politically restricted",
    "reports_to": "line manager",
}


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object

    @property
    def label(self) -> str:
        return COMPARED[self.field]

    @property
    def text(self) -> str:
        """ "Group: Red Group → Blue Group", as the preview shows it."""
        return f"{self.label.capitalize()}: {self.describe(self.before)} → {self.describe(self.after)}"

    @staticmethod
    def describe(value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value or "none"


@dataclass
class PlannedPerson:
    line: PersonLine
    standing: Standing | None = None
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportPlan:
    on: datetime.date
    parsed: ParsedFile
    added: list[PlannedPerson] = field(default_factory=list)
    changed: list[PlannedPerson] = field(default_factory=list)
    unchanged: list[PlannedPerson] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.problems

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.new_groups)


KIND_IN_WORDS = {
    Person.Kind.MEMBER: "a member",
    Person.Kind.OFFICER: "an officer",
    Person.Kind.INDEPENDENT: "an Independent Person",
}


def standings_on(on: datetime.date) -> dict[str, Standing]:
    """Everyone in the register by e-mail address (casefolded), with what they hold on ``on`` or from later: a fixed
    number of queries, whatever the council's size."""
    standings = {
        person.email.casefold(): Standing(person)
        for person in Person.objects.exclude(kind=Person.Kind.SYSTEM).exclude(email="").select_related("reports_to")
    }
    by_pk = {standing.person.pk: standing for standing in standings.values()}
    # Current on ``on`` or starting later (a file's future start date, imported before): the latest wins.
    ahead = Membership.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
    for membership in ahead.select_related("organization", "post").order_by("start_date", "pk"):
        standing = by_pk.get(membership.person_id)
        if standing is None:
            continue
        classification = membership.organization.classification
        if classification == Organization.Classification.PARTY:
            if membership.post_id is None:
                standing.group = membership
            elif membership.post.role in GROUP_ROLE_OF_ROLE:
                standing.group_role = membership
        elif classification == Organization.Classification.DIRECTORATE:
            if membership.post_id is None:
                standing.directorate = membership
            else:
                standing.post = membership
    return standings


def plan_import(parsed: ParsedFile, *, on: datetime.date) -> ImportPlan:
    """What importing ``parsed`` on ``on`` would do, and every reason it cannot (the file's own
    problems first, then each line's against the register and the rest of the file)."""
    plan = ImportPlan(on=on, parsed=parsed, problems=list(parsed.problems))
    standings = standings_on(on)
    organizations = {(o.classification, o.name.casefold()): o for o in Organization.objects.all()}
    posts = {(post.organization_id, post.label.casefold()): post for post in Post.objects.all()}
    emails_in_file = {line.email.casefold() for line in parsed.lines}
    problem = plan.problems.append

    new_groups = {}
    for line in parsed.lines:
        if line.group and (Organization.Classification.PARTY, line.group.casefold()) not in organizations:
            new_groups.setdefault(line.group.casefold(), line.group)
    plan.new_groups = sorted(new_groups.values())

    # Group roles: one leader and one deputy a group, counting those the file leaves in place.
    holders = {}  # (group, role) -> (line number or None, e-mail)
    for email, standing in standings.items():
        if standing.group_role is not None:
            key = (standing.group_role.organization.name.casefold(), GROUP_ROLE_OF_ROLE[standing.group_role.post.role])
            if email not in emails_in_file:
                holders[key] = (None, standing.person)
    for line in parsed.lines:
        if not line.group_role:
            continue
        key = (line.group.casefold(), line.group_role)
        if key in holders:
            number, other = holders[key]
            where = f"line {number}" if number else f"{other} in the register (not in this file)"
            problem(
                LineProblem(line.line, "group_role", f"{line.group} has two {line.group_role}s: this line and {where}.")
            )
        else:
            holders[key] = (line.line, line.email)

    # Directorate posts with one holder: not two people in the file, nor one the file leaves in place.
    post_holders = {}
    for email, standing in standings.items():
        if standing.post is not None and standing.post.post.single_holder and email not in emails_in_file:
            post_holders[standing.post.post_id] = f"{standing.person}, who is not in this file"

    for line in parsed.lines:
        key = line.email.casefold()
        standing = standings.get(key)
        planned = PlannedPerson(line=line, standing=standing)
        count_before = len(plan.problems)
        if line.directorate:
            directorate = organizations.get((Organization.Classification.DIRECTORATE, line.directorate.casefold()))
            if directorate is None:
                problem(
                    LineProblem(
                        line.line,
                        "directorate",
                        f"There is no directorate called “{line.directorate}” in the register: "
                        "check the spelling, or add the directorate first.",
                    )
                )
            elif line.post:
                post = posts.get((directorate.pk, line.post.casefold()))
                # A post the import creates has one holder, as the register's posts do by default.
                key = post.pk if post is not None else (directorate.pk, line.post.casefold())
                if key in post_holders:
                    problem(
                        LineProblem(
                            line.line,
                            "post",
                            f"{line.post} is held by {post_holders[key]}; only one person holds it at a time.",
                        )
                    )
                elif post is None or post.single_holder:
                    post_holders[key] = f"the person on line {line.line}"
        if line.politically_restricted and not line.post:
            problem(LineProblem(line.line, "politically_restricted", "Name the post that is politically restricted."))
        if line.reports_to and line.reports_to.casefold() not in emails_in_file:
            manager = standings.get(line.reports_to.casefold())
            if manager is None:
                problem(
                    LineProblem(
                        line.line,
                        "reports_to",
                        f"The line manager {line.reports_to} is neither in the register nor in this file.",
                    )
                )
            elif not manager.person.is_officer:
                problem(LineProblem(line.line, "reports_to", f"{manager.person} is not an officer."))
        if standing is not None:
            if standing.person.kind != line.kind:
                problem(
                    LineProblem(
                        line.line,
                        "kind",
                        f"{standing.person} ({line.email}) is in the register as "
                        f"{KIND_IN_WORDS.get(standing.person.kind, standing.person.kind)}; an import cannot change that.",
                    )
                )
            if not standing.person.is_current_on(on):
                problem(LineProblem(line.line, "email", f"{standing.person} ({line.email}) has left the council."))
            planned.changes = _changes(line, standing)
        if len(plan.problems) > count_before:
            continue
        if standing is None:
            plan.added.append(planned)
        elif planned.changes:
            plan.changed.append(planned)
        else:
            plan.unchanged.append(planned)
    plan.problems.sort(key=lambda found: found.line)
    return plan


def _changes(line: PersonLine, standing: Standing) -> list[Change]:
    before = standing.as_line_says()
    after = {name: getattr(line, name) for name in COMPARED}
    changes = []
    for name in COMPARED:
        old, new = before[name], after[name]
        # Names exactly as written; groups, posts and addresses whatever their case.
        folded = isinstance(old, str) and name not in ("given_name", "family_name")
        if (old.casefold() != new.casefold()) if folded else (old != new):
            changes.append(Change(name, old, new))
    return changes


def import_people(*, actor: Person, reason: str, plan: ImportPlan) -> ImportPlan:
    """Save a clean plan through the people services, in one transaction: everything or, on any
    refusal, nothing. Refused while the plan has a problem. Lines that change nothing save nothing."""
    require_keeper(actor, workflow.IMPORT_PEOPLE)
    if not reason.strip():
        raise RuleViolation("Say why the people are imported.", field="reason")
    if not plan.is_clean:
        first = plan.problems[0]
        raise RuleViolation(
            f"The file has {len(plan.problems)} problem{'s' if len(plan.problems) > 1 else ''} "
            f"(the first on line {first.line}, {first.field}): nothing has been imported.",
            field=first.field,
        )
    # One move of many service calls: the actor's standing is read once for them all.
    with transaction.atomic(), standing_held():
        _Applier(actor=actor, reason=reason, plan=plan).apply()
    return plan


class _Applier:
    def __init__(self, *, actor, reason, plan):
        self.actor, self.reason, self.plan, self.on = actor, reason, plan, plan.on
        self.organizations = {(o.classification, o.name.casefold()): o for o in Organization.objects.all()}
        self.posts = {(post.organization_id, post.label.casefold()): post for post in Post.objects.all()}
        self.people = {}

    def apply(self):
        for name in self.plan.new_groups:
            self.organizations[(Organization.Classification.PARTY, name.casefold())] = organization_create(
                actor=self.actor, reason=self.reason, name=name, classification=Organization.Classification.PARTY
            )
        for planned in self.plan.added:
            line = planned.line
            self.people[line.email.casefold()] = person_create(
                actor=self.actor,
                reason=self.reason,
                username=line.email.casefold(),
                first_name=line.given_name,
                last_name=line.family_name,
                email=line.email,
                kind=line.kind,
                member_type=line.member_type,
            )
        for planned in [*self.plan.changed, *self.plan.unchanged]:
            self.people[planned.line.email.casefold()] = planned.standing.person
        # Endings before beginnings, so that a leader handing over to another in the same file, or an
        # officer moving directorate, never holds two at once.
        for planned in self.plan.changed:
            self._end(planned)
        for planned in self.plan.added:
            line = planned.line
            self._start(line, set(COMPARED), line.start_date or self.on)
        for planned in self.plan.changed:
            line = planned.line
            self._update_person(planned)
            # What changes starts on the import's day at the earliest: the old ended the day before.
            start = max(line.start_date or self.on, self.on)
            self._start(line, {change.field for change in planned.changes}, start)
        for planned in [*self.plan.added, *self.plan.changed]:
            line = planned.line
            changed = planned.standing is None or any(change.field == "reports_to" for change in planned.changes)
            if changed and line.reports_to:
                person = self.people[line.email.casefold()]
                manager = self.people.get(line.reports_to.casefold()) or Person.objects.get(
                    email__iexact=line.reports_to
                )
                person_update(actor=self.actor, reason=self.reason, person=person, changes={"reports_to": manager})

    def _end(self, planned: PlannedPerson):
        standing, fields = planned.standing, {change.field for change in planned.changes}
        day_before = self.on - datetime.timedelta(days=1)
        ending = []
        if fields & {"group", "group_role"} and standing.group_role is not None:
            ending.append(standing.group_role)
        if "group" in fields and standing.group is not None:
            ending.append(standing.group)
        if fields & {"directorate", "post"} and standing.post is not None:
            ending.append(standing.post)
        if "directorate" in fields and standing.directorate is not None:
            ending.append(standing.directorate)
        for membership in ending:
            membership_end(actor=self.actor, reason=self.reason, membership=membership, end_date=day_before)

    def _update_person(self, planned: PlannedPerson):
        line, fields = planned.line, {change.field for change in planned.changes}
        changes = {}
        if "given_name" in fields:
            changes["first_name"] = line.given_name
        if "family_name" in fields:
            changes["last_name"] = line.family_name
        if "member_type" in fields:
            changes["member_type"] = line.member_type
        if "reports_to" in fields and not line.reports_to:
            changes["reports_to"] = None
        if changes:
            person_update(actor=self.actor, reason=self.reason, person=planned.standing.person, changes=changes)

    def _start(self, line: PersonLine, fields: set[str], start: datetime.date):
        person = self.people[line.email.casefold()]
        actor, reason = self.actor, self.reason
        if line.group and fields & {"group", "group_role"}:
            group = self.organizations[(Organization.Classification.PARTY, line.group.casefold())]
            if "group" in fields:
                membership_start(actor=actor, reason=reason, person=person, organization=group, start_date=start)
            if line.group_role:
                post = self._post(
                    group,
                    ROLE_OF_GROUP_ROLE[line.group_role],
                    GROUP_ROLE_LABELS[line.group_role].format(group=group.name),
                )
                post_appoint(actor=actor, reason=reason, person=person, post=post, start_date=start)
        if line.directorate and fields & {"directorate", "post", "politically_restricted"}:
            directorate = self.organizations[(Organization.Classification.DIRECTORATE, line.directorate.casefold())]
            if "directorate" in fields:
                membership_start(actor=actor, reason=reason, person=person, organization=directorate, start_date=start)
            if line.post:
                post = self._post(directorate, Role.OFFICER, line.post, line.politically_restricted)
                if post.politically_restricted != line.politically_restricted:
                    post = post_update(
                        actor=actor,
                        reason=reason,
                        post=post,
                        changes={"politically_restricted": line.politically_restricted},
                    )
                if fields & {"directorate", "post"}:
                    post_appoint(actor=actor, reason=reason, person=person, post=post, start_date=start)

    def _post(self, organization, role, label, politically_restricted=False) -> Post:
        """The organization's post of that role (a group's) or label (a directorate's), created if it has none."""
        if role in GROUP_ROLE_OF_ROLE:
            found = next(
                (post for post in self.posts.values() if post.organization_id == organization.pk and post.role == role),
                None,
            )
        else:
            found = self.posts.get((organization.pk, label.casefold()))
        if found is None:
            found = post_create(
                actor=self.actor,
                reason=self.reason,
                organization=organization,
                role=role,
                label=label,
                politically_restricted=politically_restricted,
            )
            self.posts[(organization.pk, label.casefold())] = found
        return found
