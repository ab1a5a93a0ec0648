"""The records of each kind in the retention schedule (``register/retention.py``): when each ended, the
rows its erasable fields are in, and what holds it back from erasure. Reads only; the disposal run
(``runs.py``) writes.

A record "ends" as the schedule's ``ends`` says:

- an attendance request when it reaches a final state (refused, withdrawn, cancelled, closed, lapsed),
  the day its history first shows that state;
- a declaration on its ``ended_on``, or the day it was withdrawn;
- a concern when it was closed (``closed_at``), or the day it was withdrawn;
- a complaint the day it was closed or withdrawn (its history);
- a notice when it was sent, or the day it finally failed;
- a sign-in event at its moment; an access log entry when the record was read.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db.models import Min
from django.utils import timezone

from register import retention, states
from register.models import (
    AccessLogEntry,
    AttendanceRequest,
    Complaint,
    Concern,
    Declaration,
    HistoryLink,
    LegalHold,
    Notification,
    SignInEvent,
)

ACCESS_LOG = "access-log"
FINAL_REQUEST_STATES = (states.REFUSED, states.WITHDRAWN, states.CANCELLED, states.CLOSED, states.LAPSED)
OPEN_CONCERN_EXCLUDED = (Concern.State.CLOSED, Concern.State.WITHDRAWN)
OPEN_COMPLAINT_EXCLUDED = (Complaint.State.CLOSED, Complaint.State.WITHDRAWN)


def model_of(label: str):
    return apps.get_model(label)


def _local_date(moment) -> datetime.date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment)
    return moment


def _first_history_in(model, field: str, values: Iterable[str], ids=None) -> dict:
    """The first moment each record's history shows ``field`` in ``values``: {record id: date}. One query."""
    rows = model.history.filter(**{f"{field}__in": list(values)})
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    found = rows.order_by().values("id").annotate(on=Min("history_date")).values_list("id", "on")
    return {pk: _local_date(on) for pk, on in found}


def ended_records(key: str) -> dict[str, datetime.date]:
    """Every record of the kind that has ended, with the day it ended: {record id (text): date}."""
    if key == "attendance-request":
        ids = AttendanceRequest.objects.filter(state__in=FINAL_REQUEST_STATES).values_list("pk", flat=True)
        return {
            str(pk): on for pk, on in _first_history_in(AttendanceRequest, "state", FINAL_REQUEST_STATES, ids).items()
        }
    if key == "declaration":
        ended = {}
        withdrawn_ids = []
        for pk, ended_on in Declaration.objects.filter(
            state__in=(Declaration.State.ENDED, Declaration.State.WITHDRAWN)
        ).values_list("pk", "ended_on"):
            if ended_on is not None:
                ended[str(pk)] = ended_on
            else:
                withdrawn_ids.append(pk)
        if withdrawn_ids:
            for pk, on in _first_history_in(
                Declaration, "state", (Declaration.State.WITHDRAWN, Declaration.State.ENDED), withdrawn_ids
            ).items():
                ended[str(pk)] = on
        return ended
    if key == "concern":
        ended, withdrawn_ids = {}, []
        for pk, closed_at in Concern.objects.filter(state__in=OPEN_CONCERN_EXCLUDED).values_list("pk", "closed_at"):
            if closed_at is not None:
                ended[str(pk)] = _local_date(closed_at)
            else:
                withdrawn_ids.append(pk)
        if withdrawn_ids:
            found = _first_history_in(Concern, "state", OPEN_CONCERN_EXCLUDED, withdrawn_ids)
            ended.update({str(pk): on for pk, on in found.items()})
        return ended
    if key == "complaint":
        ids = Complaint.objects.filter(state__in=OPEN_COMPLAINT_EXCLUDED).values_list("pk", flat=True)
        return {str(pk): on for pk, on in _first_history_in(Complaint, "state", OPEN_COMPLAINT_EXCLUDED, ids).items()}
    if key == "notice":
        ended, failed = {}, []
        for pk, sent_at in Notification.objects.filter(
            status__in=(Notification.Status.SENT, Notification.Status.FAILED)
        ).values_list("pk", "sent_at"):
            if sent_at is not None:
                ended[str(pk)] = _local_date(sent_at)
            else:
                failed.append(pk)
        if failed:
            found = _first_history_in(Notification, "status", (Notification.Status.FAILED,), failed)
            ended.update({str(pk): on for pk, on in found.items()})
        return ended
    if key == "sign-in":
        return {str(pk): _local_date(at) for pk, at in SignInEvent.objects.values_list("pk", "at")}
    if key == ACCESS_LOG:
        return {str(pk): _local_date(at) for pk, at in AccessLogEntry.objects.values_list("pk", "read_at")}
    raise ValueError(f"No record kind {key!r} in the retention schedule.")


def rows_of(record_kind: retention.RecordKind, record_ids: Iterable[str]) -> dict[str, dict[str, list]]:
    """For each record, the ids of the rows its erasable fields are in, by erasable model:
    {record id: {"app.Model": [row ids]}}. One query per erasable model."""
    record_ids = [str(pk) for pk in record_ids]
    found: dict[str, dict[str, list]] = {pk: defaultdict(list) for pk in record_ids}
    record_model = model_of(record_kind.model)
    for erasable in record_kind.erasable:
        if not erasable.via:
            for pk in record_ids:
                found[pk][erasable.model].append(pk)
            continue
        pairs = (
            record_model._default_manager.filter(pk__in=record_ids, **{f"{erasable.via}__isnull": False})
            .order_by()
            .values_list("pk", f"{erasable.via}__pk")
        )
        for record_pk, row_pk in pairs:
            found[str(record_pk)][erasable.model].append(str(row_pk))
    return found


def holds(record_kind: retention.RecordKind, record_ids: Iterable[str]) -> dict[str, str]:
    """Why each of these records may not be erased now, where something holds it: {record id: reason}.

    A legal hold in force; an open concern that refers to it (a briefing, a declaration, an attendance
    record); an open complaint about a person the record is about; a history row of it written before
    the history's Merkle tree began (the erasure function refuses those: docs/audit.md, "Where the tree
    starts"). A fixed number of queries per kind."""
    record_ids = [str(pk) for pk in record_ids]
    if not record_ids:
        return {}
    reasons: dict[str, str] = {}

    def hold(pk, reason):
        reasons.setdefault(str(pk), reason)

    for pk, reason in LegalHold.objects.filter(
        record_kind=record_kind.key, record_id__in=record_ids, state=LegalHold.State.ACTIVE
    ).values_list("record_id", "reason"):
        hold(pk, f"Under a legal hold: {reason}")
    open_concerns = Concern.objects.exclude(state__in=OPEN_CONCERN_EXCLUDED)
    ints = [int(pk) for pk in record_ids if pk.isdigit()]
    if record_kind.key == "attendance-request":
        for concern_pk, briefing_id in open_concerns.filter(briefing_id__in=ints).values_list("pk", "briefing_id"):
            hold(briefing_id, f"Referred to by concern {concern_pk}, still open.")
        for concern_pk, request_id in open_concerns.filter(
            attendance_record__invitation__request_id__in=ints
        ).values_list("pk", "attendance_record__invitation__request_id"):
            hold(request_id, f"Its attendance record is referred to by concern {concern_pk}, still open.")
    if record_kind.key == "declaration":
        for concern_pk, declaration_id in open_concerns.filter(declaration_id__in=ints).values_list(
            "pk", "declaration_id"
        ):
            hold(declaration_id, f"Referred to by concern {concern_pk}, still open.")
    people = _people_of(record_kind.key, ints)
    if people:
        complained_about = dict(
            Complaint.objects.exclude(state__in=OPEN_COMPLAINT_EXCLUDED)
            .filter(member_id__in={person for persons in people.values() for person in persons})
            .order_by("received_on")
            .values_list("member_id", "reference")
        )
        for pk, persons in people.items():
            for person in persons:
                if person in complained_about:
                    hold(pk, f"About a member of open complaint {complained_about[person]}.")
    for pk in _linked_before_tree_start(record_kind, record_ids):
        hold(
            pk,
            "Part of its history was written before the history's Merkle tree began, and a value from then "
            'cannot be erased without breaking the chain (docs/audit.md, "Where the tree starts").',
        )
    return reasons


def _people_of(key: str, ints: list[int]) -> dict[str, set[int]]:
    """The members and officers each record is about, for the open-complaint check."""
    if not ints:
        return {}
    pairs: Iterable[tuple] = ()
    if key == "declaration":
        pairs = Declaration.objects.filter(pk__in=ints).values_list("pk", "declarant_id", "other_person_id")
    elif key == "attendance-request":
        pairs = AttendanceRequest.objects.filter(pk__in=ints).values_list("pk", "requested_by_id")
    elif key == "concern":
        pairs = Concern.objects.filter(pk__in=ints).values_list("pk", "raised_by_id", "concerned_person_id")
    elif key == "complaint":
        pairs = Complaint.objects.filter(pk__in=ints).values_list("pk", "member_id")
    people: dict[str, set[int]] = {}
    for pk, *persons in pairs:
        people[str(pk)] = {person for person in persons if person is not None}
    return people


def _linked_before_tree_start(record_kind: retention.RecordKind, record_ids: list[str]) -> set[str]:
    from register.services.audit.hashing import tree_start

    if record_kind.key == ACCESS_LOG:
        return set()
    start, _ = tree_start()
    if start == 0:
        return set()
    rows = rows_of(record_kind, record_ids)
    early: set[str] = set()
    for erasable in record_kind.erasable:
        model = model_of(erasable.model)
        history_model = model.history.model
        owner = {row: pk for pk, by_model in rows.items() for row in by_model.get(erasable.model, [])}
        if not owner:
            continue
        history_ids = dict(history_model.objects.filter(id__in=list(owner)).values_list("history_id", "id").order_by())
        linked = HistoryLink.objects.filter(
            table=history_model._meta.db_table,
            row_id__in=[str(hid) for hid in history_ids],
            position__lte=start,
        ).values_list("row_id", flat=True)
        for row_id in linked:
            early.add(owner[str(history_ids[int(row_id)])])
    return early
