"""Information given to a group at a briefing (A7, A10): recorded by the officer who gave it, and
copied to every group where it is likely to be cited at the Council, the Executive or a committee."""

from django.conf import settings
from django.db import transaction

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.models import AttendanceRequest, InformationCopy, InformationProvided, Notification, Person
from register.services.attendance.common import lock_for, standing_of
from register.services.history import save_with_history
from register.services.notifications import notify


def attendance_information_record(
    *,
    request: AttendanceRequest,
    actor: Person,
    title: str,
    summary: str,
    reference: str = "",
    classification: str = InformationProvided.Classification.OPEN,
    likely_to_be_cited: bool = False,
    cited_at: str = "",
    reason: str = "",
) -> InformationProvided:
    """An officer named in the request records information they gave the group. Confidential or
    exempt information cannot have been given where others were present (A7); information likely
    to be cited at the Council, the Executive or a committee goes to every group (A10)."""
    standing = standing_of(actor)
    now = standing.at
    with transaction.atomic():
        request, _same = lock_for(request, workflow.RECORD_INFORMATION, standing, race=False)
        title, summary = (title or "").strip(), (summary or "").strip()
        if not title:
            raise RuleViolation("Give the information a title.", field="title")
        if not summary:
            raise RuleViolation("Summarise the information given.", field="summary")
        if classification not in InformationProvided.Classification.values:
            raise RuleViolation(
                "Say whether the information is confidential, exempt or neither.", field="classification"
            )
        if request.meeting.others_present and classification in InformationProvided.RESTRICTED:
            raise RuleViolation(
                "Someone present at this meeting was neither a councillor nor an officer, so confidential or exempt "
                "information cannot have been given there.",
                rule="A7",
                field="classification",
            )
        if likely_to_be_cited:
            cited_at = _check_cited_at(cited_at)
        information = InformationProvided(
            request=request,
            provided_by=actor,
            title=title,
            summary=summary,
            reference=(reference or "").strip(),
            classification=classification,
            likely_to_be_cited=likely_to_be_cited,
            cited_at=cited_at if likely_to_be_cited else "",
            marked_by=actor if likely_to_be_cited else None,
            marked_at=now if likely_to_be_cited else None,
            recorded_at=now,
        )
        save_with_history(information, actor=actor, reason=reason.strip() or "Information given to the group recorded")
        if likely_to_be_cited:
            _send_copies(information, request, actor)
    return information


def attendance_information_mark_likely_to_be_cited(
    *, information: InformationProvided, actor: Person, cited_at: str, reason: str = ""
) -> InformationProvided:
    """Mark information as likely to be cited in support of an option or decision, later than it
    was recorded: copies still go to every group (A10)."""
    standing = standing_of(actor)
    with transaction.atomic():
        try:
            information = (
                InformationProvided.objects.select_for_update(no_key=True, of=("self",))
                .select_related("request__group", "request__meeting", "provided_by")
                .get(pk=information.pk)
            )
        except InformationProvided.DoesNotExist:
            raise NotFound(workflow.INFORMATION.not_found) from None
        workflow.require(workflow.INFORMATION, workflow.MARK_LIKELY_TO_BE_CITED, information, standing)
        information.likely_to_be_cited = True
        information.cited_at = _check_cited_at(cited_at)
        information.marked_by, information.marked_at = actor, standing.at
        save_with_history(
            information,
            actor=actor,
            reason=reason.strip() or "Marked as likely to be cited (A10)",
            update_fields=["likely_to_be_cited", "cited_at", "marked_by", "marked_at"],
        )
        _send_copies(information, information.request, actor)
    return information


def _check_cited_at(cited_at: str) -> str:
    if cited_at not in InformationProvided.CitedAt.values:
        raise RuleViolation(
            "Say where it is likely to be cited: at the Council, the Executive or a committee.",
            rule="A10",
            field="cited_at",
        )
    return cited_at


def _send_copies(information: InformationProvided, request: AttendanceRequest, actor: Person) -> list[InformationCopy]:
    """A copy to every group's leader, each recorded with the notice that carried it (A10)."""
    now, today = selectors.now(), selectors.today()
    already = set(information.copies.values_list("group_id", flat=True))
    targets = [(group, person) for group, person in selectors.group_leaders(today) if group.pk not in already]
    if not targets:
        return []
    notices = notify(
        cause=f"information:{information.pk}:copies",
        kind="attendance-information-shared",
        recipients=[person for _group, person in targets],
        about=information,
        actor=actor,
        context={
            "information": information,
            "fact": selectors.briefing_fact(request),
            "provided_by": information.provided_by,
            "council_name": settings.COUNCIL_NAME,
        },
    )
    emails = {notice.recipient_id: notice for notice in notices if notice.channel == Notification.Channel.EMAIL}
    copies = []
    for group, person in targets:
        copy = InformationCopy(
            information=information,
            group=group,
            recipient=person,
            notification=emails.get(person.pk),
            created_at=now,
        )
        save_with_history(copy, actor=actor, reason=f"Copy sent to the {group} (A10)")
        copies.append(copy)
    return copies
