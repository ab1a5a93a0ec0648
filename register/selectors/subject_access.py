"""Subject access (issue 21, UK GDPR Article 15): everything the register holds about one person, as the
Monitoring Officer or the Data Protection Officer produces it for them.

Records they made, records that name them, their history, the notices sent to them, their sign-ins and
their reads of sensitive records, each with the page where the normal services correct it. What DOMAIN.md
("Who sees what") keeps from the person is withheld here too, and marked with the reason: another
person's declaration naming them shows that it exists and its kind; a concern about them shows no raiser
who asked not to be named, and not its handling; a complaint about them not the complainant or its
handling. Concerns and complaints about them that they have not yet been told of are left out, as the
pages leave them out, and the rules applied say so in words that do not depend on whether there are any.
Values erased under the retention schedule (``register/retention.py``) are reported as erased.

The whole export costs a fixed number of queries, however many records the person has.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from register import policies, retention
from register.errors import NotFound, NotPermitted
from register.models import (
    Absence,
    AccessLogEntry,
    AttendanceInvitation,
    AttendanceRecord,
    AttendanceRequest,
    CalendarFeed,
    Complaint,
    Concern,
    Declaration,
    DeclarationConfirmation,
    InformationProvided,
    Membership,
    Notification,
    Person,
    PublicEntryCorrection,
    SignInEvent,
)
from register.models.retention import DisposalItem
from register.policies import Standing
from register.selectors import clock
from register.selectors.audit import HistoryVersion, _put_into_words, _versions, record_type
from register.selectors.history_text import EMPTY, ValueText, date_text, moment_text

# Why each withheld part is withheld: the words the export, its manifest and the page all use.
WITHHELD_OTHERS_DECLARATION = "another person's declaration: its existence and kind only (DOMAIN.md, who sees what)"
WITHHELD_RAISER = "the person who raised the concern asked not to be named to the person it concerns (D1, D2)"
WITHHELD_CONCERN_HANDLING = (
    "the handling of a concern about them: the person concerned reads what happened and its outcome (D1, D2)"
)
WITHHELD_COMPLAINANT = "the complainant's name and contact details: the Monitoring Officer alone (D4)"
WITHHELD_COMPLAINT_HANDLING = (
    "the handling of a complaint about them: the member complained about reads the complaint and its decision (D4)"
)
ERASED = "erased under the retention schedule"

# The rules applied, in words that do not depend on the person's records (the manifest says them always).
RULES_APPLIED = (
    "Another person's declaration that names them is shown as existing, with its kind; its description, "
    "the reviewer's advice and the action agreed are withheld, and so is its history.",
    "A concern about them shows who raised it unless the raiser asked not to be named to them; its handling "
    "(who handles it, with whom it was raised, where it was referred) and its history are withheld.",
    "A Code of Conduct complaint about them shows the complaint and its decision; the complainant's name and "
    "contact details, the Independent Person's consultation and the handling are withheld.",
    "Concerns and complaints about them that they have not yet been told of are not included, as the "
    "register does not show them to the person concerned until then.",
    "Values erased under the retention schedule are reported as erased: the register no longer holds them.",
)


@dataclass
class Item:
    """One record in the export: its fields (stored values for the JSON, words for the document), the
    parts withheld and erased, and the page where it is corrected."""

    kind: str
    id: int | str
    title: str
    values: dict[str, object] = field(default_factory=dict)
    texts: list[tuple[str, str]] = field(default_factory=list)
    withheld: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)
    erased: list[str] = field(default_factory=list)
    page: str = ""
    page_label: str = ""
    history: list[HistoryVersion] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # model field -> label, for erasable fields

    def add(self, label: str, value, text: str | None = None, *, field: str = "") -> None:
        self.values[label] = value
        self.texts.append((label, text if text is not None else _words(value)))
        if field:
            self.labels[field] = label

    def erase(self, name: str) -> None:
        """A value a disposal run erased: reported as erased, not as empty."""
        label = self.labels[name]
        self.erased.append(label)
        self.values.pop(label, None)
        self.texts = [(shown, f"Erased: {ERASED}" if shown == label else text) for shown, text in self.texts]

    def withhold(self, label: str, reason: str) -> None:
        self.withheld.append((label, reason))
        self.texts.append((label, f"Withheld: {reason}"))


@dataclass
class Section:
    key: str
    title: str
    about: str
    items: list[Item] = field(default_factory=list)


@dataclass
class SubjectAccess:
    subject: Person
    asked_by_id: int | None
    produced_at: datetime.datetime
    sections: list[Section]
    rules_applied: tuple[str, ...] = RULES_APPLIED

    @property
    def withheld(self) -> list[dict]:
        """Every part withheld, with the record it belongs to and why (the manifest's list)."""
        return [
            {"section": section.key, "record": f"{item.kind} {item.id}", "field": name, "reason": reason}
            for section in self.sections
            for item in section.items
            for name, reason in item.withheld
        ]

    @property
    def erased(self) -> list[dict]:
        return [
            {"section": section.key, "record": f"{item.kind} {item.id}", "field": name, "reason": ERASED}
            for section in self.sections
            for item in section.items
            for name in item.erased
        ]

    @property
    def record_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _words(value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return moment_text(value)
    if isinstance(value, datetime.date):
        return date_text(value)
    return str(value)


def _page(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _name(person: Person | None) -> str | None:
    return person.name if person is not None else None


def check_answers_subject_access(standing: Standing) -> None:
    """Only the Monitoring Officer and the Data Protection Officer produce an export; to anyone else the
    pages do not exist."""
    if not policies.answers_subject_access(standing):
        raise NotFound("There is no such page.")


def subject_of(person_id) -> Person:
    """The person an export is for: "not found", in words, for a person the register does not hold."""
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        person_id = 0
    found = Person.objects.filter(pk=person_id).select_related("reports_to").first() if 0 < person_id < 2**63 else None
    if found is None or found.kind == Person.Kind.SYSTEM:
        raise NotFound(f"The register holds no person numbered {person_id}: there is nothing to export.")
    return found


def subject_access(*, standing: Standing, person_id) -> SubjectAccess:
    """Everything the register holds about the person, for the Monitoring Officer or the Data Protection
    Officer (``NotPermitted`` for anyone else, ``NotFound`` for a person the register does not hold)."""
    if not policies.answers_subject_access(standing):
        raise NotPermitted(
            "Only the Monitoring Officer or the Data Protection Officer answers a subject access request."
        )
    subject = subject_of(person_id)
    built = _Builder(subject)
    return SubjectAccess(subject, standing.person_id, clock.now(), built.sections())


class _Builder:
    """Reads each kind of record once, then the history of all of them (one query per history table), the
    retention erasures (one query) and the names behind every id (one query)."""

    def __init__(self, subject: Person):
        self.subject = subject
        self.history_of: dict[str, dict[int, Item]] = defaultdict(dict)  # record type slug -> id -> item
        self.erasable: list[tuple[Item, str, str, tuple[str, ...], object]] = []  # item, kind key, id, fields, record

    # --- sections ---------------------------------------------------------------------------------

    def sections(self) -> list[Section]:
        sections = [
            self._person(),
            self._posts_and_memberships(),
            self._absences(),
            self._confirmations(),
            self._requests(),
            self._invitations(),
            self._information(),
            *self._declarations(),
            *self._concerns(),
            self._complaints(),
            self._notices(),
            self._calendar_feeds(),
            self._public_corrections(),
            self._sign_ins(),
            self._reads(),
        ]
        self._mark_erased()
        self._read_history()
        return sections

    def _track(self, item: Item, slug: str, pk: int) -> None:
        self.history_of[slug][pk] = item

    def _erasable(self, item: Item, key: str, record_id, model: type, record) -> None:
        label = model._meta.label
        for erasable in retention.kind(key).erasable:
            if erasable.model == label:
                self.erasable.append((item, key, str(record_id), erasable.fields, record))

    def _person(self) -> Section:
        person = self.subject
        item = Item("person", person.pk, person.name, page=_page("people:change", person.pk))
        item.page_label = "Correct their name, e-mail address or details (Democratic Services)"
        item.add("Username", person.username)
        item.add("First name", person.first_name)
        item.add("Last name", person.last_name)
        item.add("E-mail address", person.email)
        item.add("Kind", person.kind, person.get_kind_display())
        item.add("Member type", person.member_type, person.get_member_type_display() if person.member_type else EMPTY)
        item.add("Reports to", _name(person.reports_to))
        item.add("Left on", person.left_on)
        item.add("Account active", person.is_active)
        item.add("Joined the register", person.date_joined)
        item.add("Single sign-on identity linked", bool(person.sign_in_subject))
        self._track(item, "person", person.pk)
        return Section("person", "Their record", "The register's record of the person.", [item])

    def _posts_and_memberships(self) -> Section:
        section = Section("memberships", "Posts and memberships", "Groups, directorates and posts, with their dates.")
        for held in Membership.objects.filter(person=self.subject).select_related("organization", "post"):
            item = Item("membership", held.pk, held.post.label if held.post_id else held.organization.name)
            item.page, item.page_label = _page("people:detail", self.subject.pk), "Corrected on the person's page"
            item.add("Organisation", held.organization.name)
            item.add("Post", held.post.label if held.post_id else None)
            item.add("From", held.start_date)
            item.add("Until", held.end_date)
            self._track(item, "membership", held.pk)
            section.items.append(item)
        return section

    def _absences(self) -> Section:
        section = Section("absences", "Recorded absences", "Absences from a statutory post.")
        for absence in Absence.objects.filter(person=self.subject).select_related("post", "recorded_by"):
            item = Item(
                "absence", absence.pk, f"Absent {date_text(absence.start_date)} to {date_text(absence.end_date)}"
            )
            item.page, item.page_label = _page("people:absences"), "Ended or cancelled on the absences page"
            item.add("Post", absence.post.label if absence.post_id else None)
            item.add("From", absence.start_date)
            item.add("Until", absence.end_date)
            item.add("Reason", absence.reason)
            item.add("State", absence.state, absence.get_state_display())
            item.add("Recorded by", _name(absence.recorded_by))
            self._track(item, "absence", absence.pk)
            section.items.append(item)
        return section

    def _confirmations(self) -> Section:
        section = Section("confirmations", "Declaration confirmations", "Their yearly confirmations (B6).")
        for confirmation in DeclarationConfirmation.objects.filter(person=self.subject):
            item = Item("declaration-confirmation", confirmation.pk, str(confirmation))
            item.add("Confirmed on", confirmation.confirmed_on)
            item.add("Nothing to declare", confirmation.nothing_to_declare)
            item.add("Declarations open", confirmation.open_declarations)
            self._track(item, "declaration-confirmation", confirmation.pk)
            section.items.append(item)
        return section

    def _requests(self) -> Section:
        section = Section(
            "attendance-requests", "Attendance requests they made", "Requests for officer briefings (A1)."
        )
        found = AttendanceRequest.objects.filter(requested_by=self.subject).select_related(
            "group", "meeting", "decided_by"
        )
        for request in found:
            item = Item("attendance-request", request.pk, request.subject or f"Request {request.pk}")
            item.page, item.page_label = _page("attendance:detail", request.pk), "Amend the brief or withdraw it"
            item.add("Group", request.group.name)
            item.add("Meeting", request.meeting.starts_at)
            item.add("Subject", request.subject, field="subject")
            item.add("Scope", request.scope, field="scope")
            item.add("State", request.state, request.get_state_display())
            item.add("Decision", request.decision, request.get_decision_display() if request.decision else EMPTY)
            item.add(
                "Decided by",
                f"{_name(request.decided_by)}, {request.decided_capacity}" if request.decided_by_id else None,
            )
            item.add("Decision reason", request.decision_reason, field="decision_reason")
            item.add("Closing reason", request.closing_reason, field="closing_reason")
            self._track(item, "attendance-request", request.pk)
            self._erasable(item, "attendance-request", request.pk, AttendanceRequest, request)
            section.items.append(item)
        return section

    def _invitations(self) -> Section:
        section = Section(
            "invitations", "Invitations to brief a group", "Briefings they were named for, and their reports (A4, A13)."
        )
        found = AttendanceInvitation.objects.filter(officer=self.subject).select_related(
            "request", "request__group", "request__meeting", "attendance"
        )
        for invitation in found:
            request = invitation.request
            item = Item("attendance-invitation", invitation.pk, f"{request.subject} ({request.group.name})")
            item.page, item.page_label = _page("attendance:detail", request.pk), "Answered on the request's page"
            item.add("Group", request.group.name)
            item.add("Meeting", request.meeting.starts_at)
            item.add("Subject", request.subject, field="subject")
            item.add("Answer", invitation.state, invitation.get_state_display())
            item.add("Note with the answer", invitation.response_note, field="response_note")
            self._track(item, "attendance-invitation", invitation.pk)
            self._erasable(item, "attendance-request", request.pk, AttendanceInvitation, invitation)
            record = getattr(invitation, "attendance", None)
            if record is not None:
                item.add("Arrived", record.arrived_at)
                item.add("Left", record.left_at)
                item.add("Attested", record.attested)
                item.add("Report after the briefing", record.report, field="report")
                self._track(item, "attendance-record", record.pk)
                self._erasable(item, "attendance-request", request.pk, AttendanceRecord, record)
            section.items.append(item)
        return section

    def _information(self) -> Section:
        section = Section("information", "Information they provided", "Information given to a group (A10).")
        for information in InformationProvided.objects.filter(provided_by=self.subject).select_related("request"):
            item = Item("information-provided", information.pk, information.title or f"Information {information.pk}")
            item.page, item.page_label = _page("attendance:detail", information.request_id), "On the request's page"
            item.add("Briefing", information.request.subject)
            item.add("Title", information.title, field="title")
            item.add("Summary", information.summary, field="summary")
            item.add("Reference", information.reference, field="reference")
            self._track(item, "information-provided", information.pk)
            self._erasable(item, "attendance-request", information.request_id, InformationProvided, information)
            section.items.append(item)
        return section

    def _declarations(self) -> list[Section]:
        made = Section("declarations-made", "Declarations they made", "Their declarations of relationships (B1-B6).")
        naming = Section(
            "declarations-naming-them",
            "Declarations naming them",
            "Other people's declarations of a relationship with them: their existence and kind only.",
        )
        found = Declaration.objects.filter(Q(declarant=self.subject) | Q(other_person=self.subject)).select_related(
            "declarant", "other_person", "reviewer", "reviewed_by"
        )
        for declaration in found:
            if declaration.declarant_id == self.subject.pk:
                made.items.append(self._own_declaration(declaration))
            else:
                naming.items.append(self._declaration_naming(declaration))
        return [made, naming]

    def _own_declaration(self, declaration: Declaration) -> Item:
        item = Item("declaration", declaration.pk, f"{declaration.kind_text} with {_name(declaration.other_person)}")
        item.page = _page("declarations:detail", declaration.pk)
        item.page_label = "End or withdraw it (made in error) and declare again"
        item.add("Other person", _name(declaration.other_person), field="other_person")
        item.add("Kind", declaration.kind, declaration.kind_text)
        item.add("Family relation", declaration.family_relation, field="family_relation")
        item.add("Began on", declaration.began_on)
        item.add("Ended on", declaration.ended_on)
        item.add("Description", declaration.description, field="description")
        item.add("State", declaration.state, declaration.get_state_display())
        item.add("Declared", declaration.declared_at)
        item.add("Reviewer", f"{_name(declaration.reviewer)}, {declaration.reviewer_capacity}")
        item.add("Advice", declaration.advice, field="advice")
        item.add("Action agreed", declaration.action_agreed, declaration.action_text)
        item.add("Action detail", declaration.action_detail, field="action_detail")
        item.add("Acknowledged", declaration.acknowledged_at)
        self._track(item, "declaration", declaration.pk)
        self._erasable(item, "declaration", declaration.pk, Declaration, declaration)
        return item

    def _declaration_naming(self, declaration: Declaration) -> Item:
        # DOMAIN.md: the other person sees that a declaration names them and its kind; nothing more. Its
        # history is not read at all, so nothing of it can reach the export.
        item = Item("declaration-naming-them", declaration.pk, f"A declaration of {declaration.kind_text.lower()}")
        item.page, item.page_label = _page("declarations:naming-you"), "Declarations naming them, on their own page"
        item.add("Declared by", _name(declaration.declarant))
        item.add("Kind", declaration.kind, declaration.kind_text)
        item.add("Declared on", declaration.declared_at.date())
        for name in ("Description", "Began on", "Ended on", "Reviewer", "Advice", "Action agreed", "History"):
            item.withhold(name, WITHHELD_OTHERS_DECLARATION)
        return item

    def _concerns(self) -> list[Section]:
        raised = Section("concerns-raised", "Concerns they raised", "Concerns under the protocol (D1-D3, D6).")
        about = Section(
            "concerns-about-them", "Concerns about them", "Concerns about them that they have been told of (D1, D2)."
        )
        found = Concern.objects.filter(
            Q(raised_by=self.subject) | Q(concerned_person=self.subject, concerned_person_told_at__isnull=False)
        ).select_related("raised_by", "concerned_person", "handler", "briefing")
        for concern in found:
            if concern.raised_by_id == self.subject.pk:
                raised.items.append(self._concern_raised(concern))
            else:
                about.items.append(self._concern_about(concern))
        return [raised, about]

    def _concern_common(self, item: Item, concern: Concern) -> None:
        item.add("Kind", concern.kind, concern.get_kind_display())
        item.add("Raised", concern.raised_at)
        item.add("What happened", concern.what_happened, field="what_happened")
        item.add("Happened on", concern.happened_on)
        item.add("State", concern.state, concern.get_state_display())
        item.add("Outcome", concern.outcome, concern.get_outcome_display() if concern.outcome else EMPTY)
        item.add("What was done", concern.outcome_detail, field="outcome_detail")

    def _concern_raised(self, concern: Concern) -> Item:
        item = Item("concern", concern.pk, f"Concern {concern.reference}")
        item.page, item.page_label = _page("concerns:detail", concern.pk), "Withdraw it on its page"
        item.add("About", _name(concern.concerned_person), field="concerned_person")
        self._concern_common(item, concern)
        item.add("Handled by", f"{_name(concern.handler)}, {concern.handler_capacity}")
        item.add("Asked not to be named to the person concerned", concern.raiser_withheld)
        item.add("Raised with", concern.raised_with, field="raised_with")
        item.add("Referred to", concern.referred_to, field="referred_to")
        self._track(item, "concern", concern.pk)
        self._erasable(item, "concern", concern.pk, Concern, concern)
        return item

    def _concern_about(self, concern: Concern) -> Item:
        item = Item("concern-about-them", concern.pk, f"Concern {concern.reference}")
        item.page, item.page_label = _page("concerns:detail", concern.pk), "On its page"
        if concern.raiser_withheld:
            item.withhold("Raised by", WITHHELD_RAISER)
        else:
            item.add("Raised by", _name(concern.raised_by))
        self._concern_common(item, concern)
        for name in ("Handled by", "Raised with", "Referred to", "History"):
            item.withhold(name, WITHHELD_CONCERN_HANDLING)
        self._erasable(item, "concern", concern.pk, Concern, concern)
        return item

    def _complaints(self) -> Section:
        section = Section(
            "complaints-about-them",
            "Code of Conduct complaints about them",
            "Complaints about them that the Monitoring Officer has told them of (D4).",
        )
        found = Complaint.objects.filter(member=self.subject, member_told_at__isnull=False).select_related(
            "local_council"
        )
        for complaint in found:
            item = Item("complaint", complaint.pk, f"Complaint {complaint.reference}")
            item.page, item.page_label = _page("complaints:detail", complaint.pk), "On its page"
            item.add("Reference", complaint.reference)
            item.add("Received on", complaint.received_on)
            item.add("Complainant", complaint.complainant_type, complaint.get_complainant_type_display())
            item.withhold("Complainant's name and contact details", WITHHELD_COMPLAINANT)
            item.add("Nature", complaint.nature)
            item.add("Details", complaint.details, field="details")
            item.add("State", complaint.state, complaint.get_state_display())
            item.add("Decision", complaint.decision, complaint.get_decision_display() if complaint.decision else EMPTY)
            item.add("Decision reason", complaint.decision_reason, field="decision_reason")
            item.add("Decided on", complaint.decided_on)
            item.add("Told", complaint.member_told_at)
            for name in ("Independent Person's consultation", "Training needs and actions", "History"):
                item.withhold(name, WITHHELD_COMPLAINT_HANDLING)
            self._erasable(item, "complaint", complaint.pk, Complaint, complaint)
            section.items.append(item)
        return section

    def _notices(self) -> Section:
        section = Section("notices", "Notices sent to them", "Every notice the register sent them, in full.")
        for notice in Notification.objects.filter(recipient=self.subject).select_related("actor"):
            item = Item("notice", notice.pk, notice.subject or f"Notice {notice.pk}")
            item.page, item.page_label = notice.link_path, notice.link_label
            item.add("Channel", notice.channel, notice.get_channel_display())
            item.add("Kind", notice.kind)
            item.add("Subject", notice.subject, field="subject")
            item.add("Text", notice.body_text, field="body_text")
            item.add("Because of", _name(notice.actor))
            item.add("Status", notice.status, notice.get_status_display())
            item.add("Written", notice.created_at)
            item.add("Sent", notice.sent_at)
            if notice.sent_via:
                item.add("Sent through", notice.sent_via, notice.get_sent_via_display())
            if notice.receipt:
                item.add("Delivery receipt", notice.receipt, notice.get_receipt_display())
                item.add("Receipt's time", notice.receipt_at)
            item.add("Read", notice.read_at)
            self._erasable(item, "notice", notice.pk, Notification, notice)
            section.items.append(item)
        return section

    def _calendar_feeds(self) -> Section:
        section = Section(
            "calendar-feeds",
            "Calendar feed addresses",
            "The secret addresses of their calendar feeds: only a digest of each is kept, never the address.",
        )
        for feed in CalendarFeed.objects.filter(person=self.subject):
            item = Item("calendar-feed", feed.pk, f"Calendar address beginning {feed.prefix}")
            item.add("Made", feed.created_at)
            item.add("Last read by a calendar", feed.last_read_at)
            item.add("Reset", feed.reset_at)
            item.add("Why it was reset", feed.reset_because)
            section.items.append(item)
        return section

    def _public_corrections(self) -> Section:
        section = Section(
            "public-corrections",
            "Corrections they made to the published register",
            "Entries of the public register of officer attendance they corrected, with the published reason (A8).",
        )
        for correction in PublicEntryCorrection.objects.filter(corrected_by=self.subject):
            item = Item(
                "public-correction", correction.pk, f"Correction of the entry for request {correction.request_id}"
            )
            item.add("When", correction.corrected_at)
            item.add("Date shown", correction.date)
            item.add("Subject shown", correction.subject)
            item.add("Reason published", correction.reason)
            section.items.append(item)
        return section

    def _sign_ins(self) -> Section:
        section = Section("sign-ins", "Sign-in history", "Their sign-ins, failures and sign-outs.")
        found = SignInEvent.objects.filter(
            Q(person=self.subject) | Q(person__isnull=True, username=self.subject.username)
        )
        for event in found:
            item = Item("sign-in", event.pk, event.get_kind_display())
            item.add("When", event.at)
            item.add("What", event.kind, event.get_kind_display())
            item.add("How", event.method, event.get_method_display())
            item.add("Username given", event.username, field="username")
            item.add("From address", event.address, field="address")
            item.add("Detail", event.detail, field="detail")
            self._erasable(item, "sign-in", event.pk, SignInEvent, event)
            section.items.append(item)
        return section

    def _reads(self) -> Section:
        section = Section(
            "reads", "Records they opened", "The access log's entries of sensitive records they opened (C2)."
        )
        for entry in AccessLogEntry.objects.filter(reader_id=self.subject.pk).order_by("position"):
            item = Item("access", str(entry.id), f"Opened {entry.record_kind} {entry.record_id}")
            item.add("When", entry.read_at)
            item.add("Record", f"{entry.record_kind} {entry.record_id}")
            item.add("Through", entry.via)
            section.items.append(item)
        return section

    # --- erasure and history ------------------------------------------------------------------------

    def _mark_erased(self) -> None:
        """Fields of records a disposal run erased, now blank: reported as erased, not as empty. One query."""
        if not self.erasable:
            return
        keys = {(key, record_id) for _item, key, record_id, _fields, _record in self.erasable}
        erased = set(
            DisposalItem.objects.filter(
                outcome=DisposalItem.Outcome.ERASED,
                record_kind__in={key for key, _ in keys},
                record_id__in={record_id for _, record_id in keys},
            ).values_list("record_kind", "record_id")
        )
        for item, key, record_id, fields, record in self.erasable:
            if (key, record_id) not in erased:
                continue
            for name in fields:
                # Only the fields the export shows: the others (an e-mail's HTML twin) are not in it at all.
                if name in item.labels and getattr(record, record._meta.get_field(name).attname) in (None, ""):
                    item.erase(name)

    def _read_history(self) -> None:
        """The history of every record above that the person may read, as readable changes: one query per
        history table, then one for the names behind every id."""
        words = ValueText()
        read = []
        for slug, items in self.history_of.items():
            kind = record_type(slug)
            key = kind.model._meta.pk.attname
            rows = list(
                kind.history_model.objects.filter(**{f"{key}__in": list(items)})
                .select_related("history_user")
                .order_by(key, "history_date", "history_id")
            )
            by_record: dict[int, list] = defaultdict(list)
            for row in rows:
                by_record[getattr(row, key)].append(row)
            for record_id, record_rows in by_record.items():
                versions = _versions(kind, record_rows, words)
                read.append((items[record_id], kind, record_rows, versions))
        words.read()
        for item, kind, rows, versions in read:
            _put_into_words(versions, kind, rows, words)
            item.history.extend(reversed(versions))
