"""Code of Conduct complaints about members (D4): the Monitoring Officer records one, consults an
Independent Person, who gives their view, decides (never before that view), tells the member, records
training needs and actions outstanding (D5), and closes it; or records that it was withdrawn.

Each service runs in one transaction, locks the complaint, asks the COMPLAINT workflow, saves with
history and writes its notices in the same transaction. Nothing is half saved.
"""

import datetime
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.models import Organization, Person, Post
from register.models.conduct import LONGEST_ACCOUNT, Complaint, Consultation
from register.notice_links import NoticeLink
from register.services.history import save_with_history
from register.services.notifications import notify

COMPLAINT = workflow.COMPLAINT
REFERENCE = re.compile(r"^[0-9]{1,8}[a-z]?$")
NATURE_LIMIT = Complaint._meta.get_field("nature").max_length
NAME_LIMIT = Complaint._meta.get_field("complainant_name").max_length
CONTACT_LIMIT = Complaint._meta.get_field("complainant_contact").max_length


def complaint_record(
    *,
    actor: Person,
    reason: str,
    reference: str,
    received_on: datetime.date | None,
    complainant_type: str,
    complainant_name: str,
    nature_kind: str,
    nature: str,
    complainant_contact: str = "",
    details: str = "",
    member: Person | None = None,
    local_council: Organization | None = None,
    councillor_name: str = "",
    reported_with: str = "",
) -> Complaint:
    """The Monitoring Officer (or deputy) records a complaint that a member breached the Code of Conduct
    (D4): about a councillor of this council (a person in the register), or about a parish or town
    councillor (a name and their council). ``reported_with`` is the reference of the first of a set of
    linked cases reported together (1452, 1453 and 1454)."""
    standing = selectors.standing_of(actor)
    workflow.require(COMPLAINT, workflow.RECORD_COMPLAINT, None, standing)
    reference = normalised_reference(reference)
    complainant_name = _text(complainant_name, NAME_LIMIT, "complainant_name", "The complainant's name", True)
    complainant_contact = _text(complainant_contact, CONTACT_LIMIT, "complainant_contact", "The contact details")
    nature = _text(nature, NATURE_LIMIT, "nature", "The nature of the complaint", True)
    details = _text(details, LONGEST_ACCOUNT, "details", "The details of the complaint")
    councillor_name = _text(councillor_name, NAME_LIMIT, "councillor_name", "The councillor's name")
    if complainant_type not in Complaint.ComplainantType.values:
        raise RuleViolation("Choose who made the complaint.", field="complainant_type")
    if nature_kind not in Complaint.NatureKind.values:
        raise RuleViolation("Choose what kind of conduct the complaint is about.", field="nature_kind")
    _check_received_on(received_on, standing.on)
    member, councillor_name = _check_councillor(member, local_council, councillor_name, received_on)

    with transaction.atomic():
        first = _first_of_linked_set(reported_with, reference)
        if Complaint.objects.filter(reference=reference).exists():
            raise RuleViolation(f"There is already a complaint with the reference {reference}.", field="reference")
        complaint = Complaint(
            reference=reference,
            reported_with=first,
            received_on=received_on,
            local_council=local_council,
            complainant_type=complainant_type,
            complainant_name=complainant_name,
            complainant_contact=complainant_contact,
            nature_kind=nature_kind,
            nature=nature,
            details=details,
            member=member,
            councillor_name=councillor_name,
            recorded_by=actor,
            recorded_at=standing.at,
        )
        try:
            with transaction.atomic():
                save_with_history(complaint, actor=actor, reason=reason)
        except IntegrityError:  # recorded by someone else a moment ago, with the same reference
            raise RuleViolation(
                f"There is already a complaint with the reference {reference}.", field="reference"
            ) from None
    return complaint


def normalised_reference(reference: str) -> str:
    """A case reference as the register holds it: "1325 A" is 1325a."""
    reference = re.sub(r"\s+", "", reference or "").lower()
    if not reference:
        raise RuleViolation("Enter the case reference, for example 1325 or 1325a.", field="reference")
    if not REFERENCE.match(reference):
        raise RuleViolation(
            "A case reference is a number of up to 8 digits, with a letter for a sub-case, for example 1325a.",
            field="reference",
        )
    return reference


def _first_of_linked_set(reported_with: str, reference: str) -> Complaint | None:
    if not (reported_with or "").strip():
        return None
    linked_reference = re.sub(r"\s+", "", reported_with).lower()
    if linked_reference == reference:
        raise RuleViolation("A complaint cannot be reported with itself.", field="reported_with")
    first = Complaint.objects.select_for_update(no_key=True).filter(reference=linked_reference).first()
    if first is None:
        raise RuleViolation(
            f"There is no complaint {linked_reference} to report this one with: record that one first.",
            field="reported_with",
        )
    if first.reported_with_id is not None:
        raise RuleViolation(
            f"Complaint {first.reference} is itself reported with complaint {first.reported_with.reference}: "
            f"link this one to {first.reported_with.reference}, the first of the set.",
            field="reported_with",
        )
    return first


def _check_received_on(received_on: datetime.date | None, today: datetime.date) -> None:
    if received_on is None:
        raise RuleViolation("Enter the date the complaint was received.", field="received_on")
    if received_on > today:
        raise RuleViolation(f"The date received ({received_on:%d %B %Y}) cannot be in the future.", field="received_on")


def _check_councillor(
    member: Person | None, local_council: Organization | None, councillor_name: str, received_on: datetime.date
) -> tuple[Person | None, str]:
    """A complaint is about a councillor (D4): of this council, a person in the register; of a parish or
    town council in the area, a name."""
    if local_council is not None:
        if local_council.classification not in Organization.LOCAL_COUNCILS:
            raise RuleViolation(f"{local_council} is not a parish or town council in the area.", field="local_council")
        if member is not None:
            raise RuleViolation(
                "A complaint about a parish or town councillor names them; they have no record in the register.",
                field="member",
            )
        if not councillor_name:
            raise RuleViolation(
                f"Enter the name of the {local_council} councillor complained about.", field="councillor_name"
            )
        return None, councillor_name
    if member is None:
        raise RuleViolation("Choose the councillor the complaint is about.", field="member")
    if member.kind != Person.Kind.MEMBER:
        raise RuleViolation(
            f"{member} is not a councillor: a Code of Conduct complaint is about a member.", field="member", rule="D4"
        )
    if member.left_on is not None and member.left_on < received_on:
        raise RuleViolation(
            f"{member} had left the council ({member.left_on:%d %B %Y}) before the complaint was received.",
            field="member",
        )
    return member, ""


def _text(value: str, limit: int, field: str, label: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter {label[0].lower() + label[1:]}.", field=field)
    if len(value) > limit:
        raise RuleViolation(
            f"{label} must be {limit:,} characters or fewer (it is {len(value):,}).",
            field=field,
        )
    return value


def _locked(complaint: Complaint, move: str, actor: Person) -> Complaint:
    """The complaint, locked for change, once the workflow lets ``actor`` make ``move`` on it; its state
    set to where the move leads (the caller saves it)."""
    locked = (
        Complaint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("member", "local_council")
        .prefetch_related("consultations")
        .filter(pk=complaint.pk)
        .first()
    )
    if locked is None:
        raise NotFound(COMPLAINT.not_found)
    locked.state = workflow.require(COMPLAINT, move, locked, selectors.standing_of(actor))
    return locked


def complaint_link(complaint: Complaint, label: str = "See the complaint") -> NoticeLink:
    return NoticeLink(label, reverse("complaints:detail", args=[complaint.pk]))


def _context(complaint: Complaint, **values) -> dict:
    return {"council_name": settings.COUNCIL_NAME, "complaint": complaint, **values}


def complaint_consult(
    *, actor: Person, reason: str, complaint: Complaint, independent_person: Person, question: str = ""
) -> Consultation:
    """The Monitoring Officer asks an Independent Person in post for their view (D4): before any decision,
    and again after an investigation or a hearing."""
    with transaction.atomic():
        complaint = _locked(complaint, workflow.CONSULT, actor)
        on = selectors.today()
        if independent_person is None:
            raise RuleViolation("Choose the Independent Person to consult.", field="independent_person", rule="D4")
        if not selectors.holds(independent_person, Post.Role.INDEPENDENT_PERSON, on):
            raise RuleViolation(
                f"{independent_person} does not hold the council's Independent Person post today.",
                field="independent_person",
                rule="D4",
            )
        if independent_person.pk in complaint.view_awaited_from_ids:
            raise RuleViolation(
                f"{independent_person} has already been asked for their view on this complaint and not yet given it.",
                field="independent_person",
            )
        question = _text(question, LONGEST_ACCOUNT, "question", "The question")
        consultation = Consultation(
            complaint=complaint,
            independent_person=independent_person,
            asked_by=actor,
            asked_at=selectors.now(),
            question=question,
        )
        save_with_history(consultation, actor=actor, reason=reason)
        save_with_history(complaint, actor=actor, reason=reason, update_fields=["state"])
        notify(
            cause=f"complaint:{complaint.pk}:consultation:{consultation.pk}",
            kind="complaint-consultation",
            recipients=[independent_person],
            about=complaint,
            actor=actor,
            context=_context(complaint, consultation=consultation, asked_by=actor),
            link=complaint_link(complaint, "Give your view"),
        )
    return consultation


def consultation_give_view(*, actor: Person, reason: str, complaint: Complaint, view: str) -> Consultation:
    """The Independent Person asked records their view (D4); whoever asked is told. While another
    Independent Person's view is still awaited, the complaint stays with them."""
    with transaction.atomic():
        complaint = _locked(complaint, workflow.GIVE_VIEW, actor)
        view = _text(view, LONGEST_ACCOUNT, "view", "Your view", True)
        consultation = (
            Consultation.objects.select_for_update(no_key=True)
            .select_related("asked_by")
            .filter(complaint=complaint, independent_person=actor, state=Consultation.State.ASKED)
            .order_by("asked_at")
            .first()
        )
        consultation.view = view
        consultation.state = Consultation.State.GIVEN
        consultation.given_at = selectors.now()
        save_with_history(consultation, actor=actor, reason=reason, update_fields=["view", "state", "given_at"])
        if complaint.view_awaited_from_ids - {actor.pk}:
            complaint.state = Complaint.State.CONSULTING
        save_with_history(complaint, actor=actor, reason=reason, update_fields=["state"])
        notify(
            cause=f"complaint:{complaint.pk}:consultation:{consultation.pk}:view",
            kind="complaint-view-given",
            recipients=[consultation.asked_by],
            about=complaint,
            actor=actor,
            context=_context(complaint, consultation=consultation, independent_person=actor),
            link=complaint_link(complaint),
        )
    return consultation


def complaint_decide(
    *,
    actor: Person,
    reason: str,
    complaint: Complaint,
    decision: str,
    decided_on: datetime.date | None,
    decision_reason: str = "",
) -> Complaint:
    """The Monitoring Officer's decision on the complaint and its date (D4), once the Independent Person
    has given their view (the workflow refuses it before). A complaint not accepted under the Code says why."""
    with transaction.atomic():
        complaint = _locked(complaint, workflow.DECIDE_COMPLAINT, actor)
        if decision not in Complaint.Decision.values:
            raise RuleViolation("Choose the decision.", field="decision")
        decision_reason = _text(decision_reason, LONGEST_ACCOUNT, "decision_reason", "The reason")
        if decision == Complaint.Decision.NOT_ACCEPTED and not decision_reason:
            raise RuleViolation(
                "Give the reason the complaint is not accepted under the Code, for example 'not acting in an "
                "official capacity'.",
                field="decision_reason",
                rule="D4",
            )
        if decided_on is None:
            raise RuleViolation("Enter the date of the decision.", field="decided_on")
        if decided_on > selectors.today():
            raise RuleViolation(
                f"The date of the decision ({decided_on:%d %B %Y}) cannot be in the future.", field="decided_on"
            )
        if decided_on < complaint.received_on:
            raise RuleViolation(
                f"The decision ({decided_on:%d %B %Y}) cannot come before the complaint was received "
                f"({complaint.received_on:%d %B %Y}).",
                field="decided_on",
            )
        complaint.decision = decision
        complaint.decision_reason = decision_reason
        complaint.decided_on = decided_on
        complaint.decided_by = actor
        save_with_history(
            complaint,
            actor=actor,
            reason=reason,
            update_fields=["state", "decision", "decision_reason", "decided_on", "decided_by"],
        )
    return complaint


def complaint_tell_member(*, actor: Person, reason: str, complaint: Complaint) -> Complaint:
    """The Monitoring Officer tells the member complained about: from then on they see the complaint and
    its decision, never its handling, the complainant or the Independent Person's view (D4)."""
    with transaction.atomic():
        complaint = _locked(complaint, workflow.TELL_MEMBER, actor)
        complaint.member_told_at = selectors.now()
        save_with_history(complaint, actor=actor, reason=reason, update_fields=["state", "member_told_at"])
        notify(
            cause=f"complaint:{complaint.pk}:told",
            kind="complaint-told",
            recipients=[complaint.member],
            about=complaint,
            actor=actor,
            context=_context(complaint),
            link=complaint_link(complaint),
        )
    return complaint


def complaint_record_actions(
    *, actor: Person, reason: str, complaint: Complaint, training_needs: str, actions_outstanding: str
) -> Complaint:
    """The training or education needs identified and the actions outstanding, for the Standards
    Committee's report (D5). Clearing the actions records them as done."""
    with transaction.atomic():
        complaint = _locked(complaint, workflow.RECORD_ACTIONS, actor)
        complaint.training_needs = _text(training_needs, LONGEST_ACCOUNT, "training_needs", "The training needs")
        complaint.actions_outstanding = _text(
            actions_outstanding, LONGEST_ACCOUNT, "actions_outstanding", "The actions outstanding"
        )
        save_with_history(
            complaint, actor=actor, reason=reason, update_fields=["state", "training_needs", "actions_outstanding"]
        )
    return complaint


def complaint_close(*, actor: Person, reason: str, complaint: Complaint) -> Complaint:
    """A determined complaint with no actions outstanding is closed (D4, D5)."""
    with transaction.atomic():
        complaint = _locked(complaint, workflow.CLOSE_COMPLAINT, actor)
        save_with_history(complaint, actor=actor, reason=reason, update_fields=["state"])
    return complaint


def complaint_withdraw(*, actor: Person, reason: str, complaint: Complaint) -> Complaint:
    """The complainant withdrew the complaint before a decision: it stays on the register, withdrawn (C3)."""
    if not (reason or "").strip():
        raise RuleViolation("Say how the complainant withdrew the complaint.", field="reason")
    with transaction.atomic():
        complaint = _locked(complaint, workflow.WITHDRAW_COMPLAINT, actor)
        save_with_history(complaint, actor=actor, reason=reason, update_fields=["state"])
    return complaint
