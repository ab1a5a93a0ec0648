"""Democratic Services' pages for the council's people, groups, directorates and posts (issue 17).

Democratic Services change them, through the people services (which refuse anyone else, A1); the
Monitoring Officer and deputy and auditors read them; anyone else is told "page not found", as for
any record they may not see. What a page offers comes from the workflows' ``allowed_moves``.
"""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from register import policies, selectors, workflow
from register.errors import Conflict, NotFound, RuleViolation, in_words
from register.models import Organization, Person, Post
from register.selectors import people_records as reads
from register.services import people as people_services
from register.services.people.changes import version_of
from register.views.context import standing
from register.views.domain_errors import form_page, require_move
from register.views.people.records_forms import (
    EndHoldingForm,
    LeaderForm,
    OrganizationForm,
    PersonAddForm,
    PersonChangeForm,
    SearchForm,
)

Role = Post.Role
Classification = Organization.Classification
PEOPLE_PER_PAGE = 50


def url_if_any(name: str, *args) -> str | None:
    """The address of a page another part of issue 17 builds, or None while it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def require_reader(request) -> None:
    """Those who neither keep nor read the council's records of people are told "page not found"."""
    if not workflow.PERSON_RECORD.sees(standing(request), None):
        raise NotFound(workflow.PERSON_RECORD.not_found)


def require_council_change(request, record=None) -> None:
    require_reader(request)
    require_move(request, workflow.COUNCIL_RECORDS, workflow.CHANGE_COUNCIL_RECORDS, record)


def may_change_council(request) -> bool:
    return workflow.is_allowed(workflow.COUNCIL_RECORDS, workflow.CHANGE_COUNCIL_RECORDS, None, standing(request))


def posted(request):
    return request.POST if request.method == "POST" else None


def _found(record):
    if record is None:
        raise NotFound("There is no such record of the council.")
    return record


# --- People ---------------------------------------------------------------------------------------


@login_required
def index(request):
    """The council's people, searched by name or e-mail and filtered by kind and current or left."""
    require_reader(request)
    viewer = standing(request)
    search = SearchForm(request.GET or None)
    criteria = search.cleaned_data if search.is_valid() else {}
    status = criteria.get("status") or "current"
    people = reads.people_list(
        on=selectors.today(), search=criteria.get("q", ""), kind=criteria.get("kind", ""), status=status
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "register/people/records_index.html",
        {
            "search": search,
            "page": page,
            "status": status,
            "may_add": workflow.is_allowed(workflow.PERSON_RECORD, workflow.ADD_PERSON, None, viewer),
            "import_url": url_if_any("people:import"),
            "election_url": url_if_any("people:election")
            if workflow.is_allowed(workflow.COUNCIL_RECORDS, workflow.HOLD_ELECTION, None, viewer)
            else None,
            "absences_url": url_if_any("people:absences"),
        },
    )


def unique_username(email: str) -> str:
    """A sign-in name made from the e-mail address's local part, numbered when already taken."""
    base = re.sub(r"[^a-z0-9._-]+", "-", email.split("@")[0].lower()).strip("-.") or "person"
    taken = set(Person.objects.filter(username__startswith=base).values_list("username", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@login_required
def add(request):
    """Add a person, with their group or directorate, an officer's post and line manager: all or nothing."""
    require_reader(request)
    require_move(request, workflow.PERSON_RECORD, workflow.ADD_PERSON, None)
    form = PersonAddForm(
        posted(request),
        groups=reads.organizations_of(Classification.PARTY),
        directorates=reads.organizations_of(Classification.DIRECTORATE),
        officers=reads.officers_to_report_to(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = add_person(request.user, form.cleaned_data)
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"{person} is added to the register.")
            return redirect("people:detail", person.pk)
    return form_page(request, "register/people/records_add.html", {}, form=form)


def appoint_independent_person(actor: Person, person: Person, *, start_date: datetime.date, reason: str) -> None:
    """An Independent Person holds the council's Independent Person post (D4), which is made the first time."""
    council = reads.the_council()
    if council is None:
        raise RuleViolation("Record the council itself before appointing an Independent Person.", field="kind")
    post = reads.post_of(council, Role.INDEPENDENT_PERSON) or people_services.post_create(
        actor=actor, reason=reason, organization=council, role=Role.INDEPENDENT_PERSON, label="Independent Person"
    )
    people_services.post_appoint(actor=actor, reason=reason, person=person, post=post, start_date=start_date)


def add_person(actor: Person, data: dict) -> Person:
    """The person, their membership, and an officer's new post and its holding, in one transaction."""
    member = data["kind"] in ("elected", "co-opted")
    independent = data["kind"] == "independent"
    reason, start = data["reason"], data["start_date"]
    with transaction.atomic():
        person = people_services.person_create(
            actor=actor,
            reason=reason,
            username=unique_username(data["email"]),
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            kind=Person.Kind.MEMBER if member else Person.Kind.INDEPENDENT if independent else Person.Kind.OFFICER,
            member_type=data["kind"] if member else "",
            reports_to=None if member or independent else data.get("reports_to"),
        )
        if independent:
            appoint_independent_person(actor, person, start_date=start, reason=reason)
            return person
        organization = data.get("organization_group") if member else data.get("organization_directorate")
        if organization is not None:
            people_services.membership_start(
                actor=actor, reason=reason, person=person, organization=organization, start_date=start
            )
        if not member and data.get("post_label"):
            post = people_services.post_create(
                actor=actor,
                reason=reason,
                organization=organization,
                role=Role.OFFICER,
                label=data["post_label"],
                politically_restricted=data.get("politically_restricted", False),
            )
            people_services.post_appoint(actor=actor, reason=reason, person=person, post=post, start_date=start)
    return person


PERSON_MOVE_PAGES = {
    workflow.CHANGE_PERSON: ("people:change", "Change the details"),
    workflow.RECORD_LEAVER: ("people:leave", "Record that they have left"),
    workflow.INVITE_TO_SIGN_IN: ("people:invite", "Invite them to sign in"),
}


def _person(request, pk: int) -> Person:
    require_reader(request)
    person = reads.person_record(pk)
    if person is None:
        raise NotFound(workflow.PERSON_RECORD.not_found)
    return person


@login_required
def detail(request, pk: int):
    """A person's record: details, line manager, group or directorate, posts, and their timeline."""
    person = _person(request, pk)
    on = selectors.today()
    timeline = list(reads.timeline_of(person))
    current = [item for item in timeline if item.start_date <= on and (item.end_date is None or item.end_date >= on)]
    actions = []
    for move in workflow.allowed_moves(workflow.PERSON_RECORD, person, standing(request)):
        name, label = PERSON_MOVE_PAGES.get(move, (None, None))
        url = url_if_any(name, person.pk) if name else None
        if url:
            actions.append((label, url))
    return render(
        request,
        "register/people/records_detail.html",
        {
            "person": person,
            "today": on,
            "timeline": timeline,
            "placed_in": [item for item in current if item.post_id is None],
            "posts_held": [item for item in current if item.post_id is not None],
            "reports": list(reads.reports_of(person)),
            "actions": actions,
            "may_change_council": may_change_council(request),
            # Issue 18: Democratic Services end a person's sessions and tokens (a leaver, a lost laptop).
            "may_sign_out_everywhere": person.kind != Person.Kind.SYSTEM
            and policies.manages_sign_in(standing(request), person),
        },
    )


@login_required
def change(request, pk: int):
    """Change a person's details. The form carries the record's version: if someone else saved first,
    the second editor is told, and the form comes back with what they typed (409)."""
    person = _person(request, pk)
    require_move(request, workflow.PERSON_RECORD, workflow.CHANGE_PERSON, person)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "member_type": person.member_type,
        "reports_to": person.reports_to_id,
        "version": version_of(person),
    }
    officers = reads.officers_to_report_to(exclude=person)
    form = PersonChangeForm(posted(request), initial=initial, person=person, officers=officers)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            people_services.person_update(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                person=person,
                changes=form.changes(),
                version=form.cleaned_data["version"],
            )
        except RuleViolation as error:
            form.refuse(error)
        except Conflict as error:
            conflict = in_words(error)
            # Their input comes back as they typed it, now drawn from the record as it is: saving
            # again is a deliberate choice made with the other change in front of them.
            data = request.POST.copy()
            data["version"] = str(version_of(person))
            person = reads.person_record(person.pk)
            form = PersonChangeForm(data, initial=initial, person=person, officers=officers)
            form.is_valid()
            form.add_error(None, conflict)
        else:
            messages.success(request, f"{person}'s details are saved.")
            return redirect("people:detail", person.pk)
    context = {"person": person, "conflict": conflict}
    if conflict:
        return render(request, "register/people/records_change.html", {"form": form, **context}, status=409)
    return form_page(request, "register/people/records_change.html", context, form=form)


# --- Groups and directorates --------------------------------------------------------------------

KINDS = {
    Classification.PARTY: {
        "plural": "Political groups",
        "one": "political group",
        "list": "people:groups",
        "detail": "people:group",
    },
    Classification.DIRECTORATE: {
        "plural": "Directorates",
        "one": "directorate",
        "list": "people:directorates",
        "detail": "people:directorate",
    },
}


def _organization_list(request, classification: str):
    require_reader(request)
    return render(
        request,
        "register/people/records_organizations.html",
        {
            "kind": KINDS[classification],
            "party": classification == Classification.PARTY,
            "rows": reads.leaderships(classification, selectors.today()),
            "may_change": may_change_council(request),
        },
    )


@login_required
def groups(request):
    """The political groups, administration or opposition, with their leader and deputy today."""
    return _organization_list(request, Classification.PARTY)


@login_required
def directorates(request):
    """The directorates, with their Director and Assistant Director today."""
    return _organization_list(request, Classification.DIRECTORATE)


def _organization_add(request, classification: str):
    require_council_change(request)
    party = classification == Classification.PARTY
    kind = KINDS[classification]
    form = OrganizationForm(posted(request), party=party, submit_label=f"Add the {kind['one']}")
    if request.method == "POST" and form.is_valid():
        try:
            organization = people_services.organization_create(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                name=form.cleaned_data["name"],
                classification=classification,
                is_administration=form.cleaned_data.get("is_administration", False),
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"{organization} is added.")
            return redirect(kind["detail"], organization.pk)
    return form_page(
        request,
        "register/people/records_organization_form.html",
        {"kind": kind, "title": f"Add a {kind['one']}"},
        form=form,
    )


@login_required
def group_add(request):
    return _organization_add(request, Classification.PARTY)


@login_required
def directorate_add(request):
    return _organization_add(request, Classification.DIRECTORATE)


def _organization(request, pk: int, classification: str) -> Organization:
    require_reader(request)
    return _found(reads.organization_record(pk, classification))


def _organization_page(request, pk: int, classification: str):
    organization = _organization(request, pk, classification)
    on = selectors.today()
    first_role, second_role = reads.LEADING_ROLES[classification]
    holdings = list(reads.holdings_in(organization))
    current = [h for h in holdings if h.start_date <= on and (h.end_date is None or h.end_date >= on)]
    return render(
        request,
        "register/people/records_organization.html",
        {
            "organization": organization,
            "kind": KINDS[classification],
            "party": classification == Classification.PARTY,
            "today": on,
            "members": reads.members_of(organization, on),
            "current_holdings": current,
            "first": next((h for h in current if h.post.role == first_role), None),
            "second": next((h for h in current if h.post.role == second_role), None),
            "leading_history": [h for h in holdings if h.post.role in (first_role, second_role)],
            "may_change": may_change_council(request),
        },
    )


@login_required
def group(request, pk: int):
    """A political group: who leads it, who belongs to it now, and who has led it when."""
    return _organization_page(request, pk, Classification.PARTY)


@login_required
def directorate(request, pk: int):
    """A directorate: its Director and Assistant Director, the officers in it and the posts held."""
    return _organization_page(request, pk, Classification.DIRECTORATE)


@login_required
def group_change(request, pk: int):
    """Rename a group, or move it in or out of the administration."""
    organization = _organization(request, pk, Classification.PARTY)
    require_council_change(request, organization)
    form = OrganizationForm(
        posted(request),
        initial={"name": organization.name, "is_administration": "yes" if organization.is_administration else "no"},
        party=True,
        submit_label="Save the changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.organization_update(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                organization=organization,
                changes={
                    "name": form.cleaned_data["name"],
                    "is_administration": form.cleaned_data["is_administration"],
                },
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, "The group's details are saved.")
            return redirect("people:group", organization.pk)
    return form_page(
        request,
        "register/people/records_organization_form.html",
        {"kind": KINDS[Classification.PARTY], "title": f"Change {organization}", "organization": organization},
        form=form,
    )


LEADING_POSTS = {
    "leader": (Role.GROUP_LEADER, "leader", "Leader of the {}"),
    "deputy": (Role.DEPUTY_GROUP_LEADER, "deputy leader", "Deputy Leader of the {}"),
}


@login_required
def group_leader(request, pk: int, which: str):
    """Set a group's leader or deputy from a date: the holder before ends the day before."""
    organization = _organization(request, pk, Classification.PARTY)
    require_council_change(request, organization)
    role, what, label = LEADING_POSTS[which]
    on = selectors.today()
    form = LeaderForm(
        posted(request),
        members=Person.objects.filter(pk__in=reads.members_of(organization, on).values("person_id")),
        what=what,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_leading_post(request.user, organization, role, label.format(organization), data)
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request, f"{data['person']} is the {what} of {organization} from {data['start_date']:%-d %B %Y}."
            )
            return redirect("people:group", organization.pk)
    return form_page(
        request,
        "register/people/records_leader.html",
        {"organization": organization, "what": what, "current": selectors.holding_of(role, on, organization)},
        form=form,
    )


def set_leading_post(actor: Person, organization: Organization, role: str, label: str, data: dict) -> None:
    """End whoever holds the post from the date on the day before, then appoint: all or nothing.
    The group gets the post first if it has none."""
    start, reason = data["start_date"], data["reason"]
    with transaction.atomic():
        post = reads.post_of(organization, role)
        if post is None:
            post = people_services.post_create(
                actor=actor, reason=reason, organization=organization, role=role, label=label
            )
        for holding in selectors.memberships().filter(post=post).overlapping(start, None):
            if holding.person_id == data["person"].pk and holding.start_date <= start:
                raise RuleViolation(f"{holding.person} already holds {post.label} on that day.", field="person")
            if holding.start_date >= start:
                raise RuleViolation(
                    f"{holding.person} holds {post.label} from {holding.start_date:%-d %B %Y}: "
                    "choose a later date, or end or correct that holding first.",
                    field="start_date",
                )
            people_services.membership_end(
                actor=actor, reason=reason, membership=holding, end_date=start - datetime.timedelta(days=1)
            )
        people_services.post_appoint(actor=actor, reason=reason, person=data["person"], post=post, start_date=start)


# --- Posts ----------------------------------------------------------------------------------------


@login_required
def posts(request):
    """Every post, with who holds it today."""
    require_reader(request)
    return render(
        request,
        "register/people/records_posts.html",
        {"posts": reads.posts_list(selectors.today()), "today": selectors.today()},
    )


@login_required
def post(request, pk: int):
    """A post's timeline: who held it when."""
    require_reader(request)
    found = _found(reads.post_record(pk))
    return render(
        request,
        "register/people/records_post.html",
        {
            "post": found,
            "holdings": reads.holdings_of_post(found),
            "today": selectors.today(),
            "may_change": may_change_council(request),
        },
    )


@login_required
def end_holding(request, pk: int):
    """End a membership or a post holding on a date (its last day)."""
    require_reader(request)
    holding = _found(reads.membership_record(pk))
    require_council_change(request, holding)
    form = EndHoldingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            people_services.membership_end(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                membership=holding,
                end_date=form.cleaned_data["end_date"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"It ends on {form.cleaned_data['end_date']:%-d %B %Y}.")
            if holding.post_id:
                return redirect("people:post", holding.post_id)
            return redirect("people:detail", holding.person_id)
    return form_page(request, "register/people/records_end.html", {"holding": holding}, form=form)
