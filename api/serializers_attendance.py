"""Serializers for officer attendance at political group meetings (A1-A13).

Output serializers read only what the selectors already loaded. A group's own request is shown in
full to those who may see it; other groups (and the public) get the narrow facts of a briefing:
group, officers, date and subject, nothing of the brief or the discussion (A8, A9). Input
serializers describe each move's request exactly and leave the protocol's rules to the services.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import compiled
from api.actions import ActionsField, caller_standing
from api.serializers_declarations import BIGINT_MAX, FullView, PersonRefField, Text
from register import conflicts, workflow
from register.errors import RuleViolation
from register.models import AttendanceRecord, AttendanceRequest, InformationProvided

REQUEST_STATES = list(workflow.REQUEST_STATE_LABELS.items())
INVITATION_STATES = list(workflow.INVITATION_STATE_LABELS.items())


@extend_schema_field({"type": "string", "enum": ["briefing"]})
class BriefingView(FullView):
    def to_representation(self, value):
        return "briefing"


class GroupRefSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(GroupRefSerializer)
class GroupRefField(serializers.Field):
    """A group as ``GroupRefSerializer`` shows it, without a nested serializer's work for each row."""

    def to_representation(self, group):
        return {"id": group.pk, "name": group.name}


# --- Output ---------------------------------------------------------------------------------------


class RequestMeetingSerializer(compiled.Serializer):
    """The meeting a request is for (its group is the request's)."""

    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField(allow_blank=True)
    online = serializers.BooleanField()
    where = serializers.CharField()
    others_present = serializers.BooleanField(
        help_text="Someone present will be neither a councillor nor an officer (A7)."
    )
    others_present_description = serializers.CharField(allow_blank=True)


class MeetingSerializer(RequestMeetingSerializer):
    """A political group's meeting that officers are asked to brief."""

    group = GroupRefField()


class AttendanceRecordSerializer(compiled.Serializer):
    """An officer's record after the meeting: attestation (A6) or report (A13)."""

    id = serializers.IntegerField()
    officer = PersonRefField(source="invitation.officer")
    arrived_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField()
    attested = serializers.BooleanField()
    concerns = serializers.ListField(child=serializers.ChoiceField(choices=AttendanceRecord.Concern.choices))
    report = serializers.CharField(allow_blank=True)
    is_report = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()


class InvitationSerializer(compiled.Serializer):
    """One officer named in a request, and their own answer (A4)."""

    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    officer = PersonRefField()
    state = serializers.ChoiceField(choices=INVITATION_STATES, help_text="The officer's own answer, as stored.")
    state_text = serializers.CharField(
        source="state_label",
        help_text="The invitation as people are shown it: 'Asked' until the request is approved, 'Not needed' once "
        "it is refused, withdrawn, cancelled or lapsed, else the officer's answer.",
    )
    responded_at = serializers.DateTimeField(allow_null=True)
    response_note = serializers.CharField(allow_blank=True)
    attended = serializers.SerializerMethodField()
    actions = ActionsField(
        workflow.ATTENDANCE_INVITATION,
        help_text="What you may do with this invitation now, if it is yours (A4): 'accept' or 'decline', both made "
        "by POST respond/ on the request. Empty for anyone else's invitation.",
    )

    def get_attended(self, invitation) -> bool:
        # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
        return hasattr(invitation, "attendance")


class PrecedentSerializer(compiled.Serializer):
    """The approved briefing of another group that a request is the equivalent of (A3): its facts."""

    id = serializers.IntegerField()
    group = serializers.CharField(source="group.name")
    subject = serializers.CharField()
    decision = serializers.ChoiceField(
        choices=[("", "Not decided"), *AttendanceRequest.Decision.choices], allow_blank=True
    )


class ConflictWarningSerializer(compiled.Serializer):
    """A declared relationship between an officer the request names and a member of the requesting
    group (B7): who declared it, its kind and the action agreed, never the description."""

    officer = PersonRefField()
    member = PersonRefField()
    declared_by = serializers.ListField(
        child=PersonRefField(), help_text="Who declared it: the member, the officer, or each."
    )
    relationship = serializers.CharField(source="relationship_kind")
    action_agreed = serializers.CharField(allow_blank=True)
    text = serializers.SerializerMethodField(help_text="The warning as the pages and notices word it.")

    def get_text(self, warning) -> str:
        return str(warning)


class AttendanceRequestListSerializer(serializers.ListSerializer):
    """Reads the conflict warnings of the whole page at once (B7), in a fixed number of queries."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        viewer = caller_standing(self.context)
        self.context["conflict_warnings"] = conflicts.warnings_seen_by(viewer, rows) if viewer else {}
        return super().to_representation(rows)


class AttendanceRequestSerializer(compiled.Serializer):
    """A request in full: for its group's leader and deputy, the named officers, the Chief
    Executive and Deputy, the Monitoring Officer and auditors."""

    id = serializers.IntegerField()
    view = FullView(help_text="Always 'full': the whole request.")
    group = GroupRefField()
    meeting = RequestMeetingSerializer()
    requested_by = PersonRefField()
    requested_capacity = serializers.CharField()
    referred_by = PersonRefField(allow_null=True, help_text="The officer asked directly, who referred it (A1).")
    referred_at = serializers.DateTimeField(allow_null=True)
    subject = serializers.CharField()
    scope = serializers.CharField()
    needs_confidential_information = serializers.BooleanField()
    equivalent_of = PrecedentSerializer(allow_null=True)
    state = serializers.ChoiceField(choices=REQUEST_STATES)
    state_text = serializers.CharField(source="state_label")
    round = serializers.IntegerField(help_text="Goes up each time the brief is amended (A5).")
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField()
    due_on = serializers.DateField(
        help_text="The decision is due by the end of this working day: the earlier of the working-day deadline and "
        "the last working day before the meeting (A12)."
    )
    urgent = serializers.BooleanField(
        help_text="The meeting is sooner than the working-day deadline, so the decision is due before it (A12)."
    )
    decision_overdue = serializers.BooleanField()
    decision = serializers.ChoiceField(
        choices=[("", "Not decided"), *AttendanceRequest.Decision.choices], allow_blank=True
    )
    decided_by = PersonRefField(allow_null=True)
    decided_capacity = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField(allow_blank=True)
    departs_from_precedent = serializers.BooleanField()
    responses_due_on = serializers.DateField(allow_null=True)
    closing_reason = serializers.CharField(allow_blank=True)
    invitations = InvitationSerializer(many=True, source="invitations.all")
    actions = ActionsField(workflow.ATTENDANCE_REQUEST)
    conflict_warnings = serializers.SerializerMethodField(
        help_text="Declared relationships between a named officer and a member of the group (B7): every one "
        "for the decision-maker and those who oversee every request, an officer's own for them, none for "
        "anyone else."
    )

    class Meta:
        list_serializer_class = AttendanceRequestListSerializer

    @extend_schema_field(ConflictWarningSerializer(many=True))
    def get_conflict_warnings(self, attendance_request) -> list:
        seen = self.context.get("conflict_warnings")
        if seen is None:
            viewer = caller_standing(self.context)
            seen = conflicts.warnings_seen_by(viewer, [attendance_request]) if viewer else {}
        warnings = seen.get(attendance_request.pk)
        return ConflictWarningSerializer(warnings, many=True).data if warnings else []


class BriefingSerializer(compiled.Serializer):
    """Another group's agreed briefing: the facts only, nothing of the brief or discussion (A8, A9)."""

    id = serializers.IntegerField(source="request_id")
    view = BriefingView(help_text="Always 'briefing': the facts other groups learn.")
    group = serializers.CharField(source="fact.group")
    officers = serializers.ListField(child=serializers.CharField(), source="fact.names")
    date = serializers.DateField(source="fact.date")
    subject = serializers.CharField(source="fact.subject")
    offered = serializers.BooleanField(
        help_text="Your group may take up an equivalent briefing in one step (A3): POST take-up-equivalent."
    )


class OfficerInPostSerializer(compiled.Serializer):
    name = serializers.CharField()
    post = serializers.CharField(help_text="The post the officer held on the day, as the published page shows it.")


class PublicBriefingSerializer(compiled.Serializer):
    """One entry of the published register of officer attendance, the latest briefing first: the
    entries ``register.selectors.published_entries`` gives the page, the CSV and the Atom feed too
    (A8, A9). Nothing else: not the officers' names, not the brief (docs/open-data.md)."""

    group = serializers.CharField(help_text="The political group briefed.")
    posts = serializers.ListField(
        child=serializers.CharField(), help_text="The posts of the officers who attended, as they were on the day."
    )
    date = serializers.DateField(help_text="The date of the briefing (as corrected, if it was).")
    subject = serializers.CharField(help_text="The subject matter (as corrected, if it was).")
    published_on = serializers.DateField(help_text="The day the entry first appeared in the register.")
    corrected = serializers.BooleanField(help_text="Whether the Chief Executive's office has corrected the entry.")
    corrected_on = serializers.DateField(allow_null=True, help_text="The day of the latest correction; null if none.")
    correction = serializers.CharField(
        allow_blank=True, help_text="The published reason for the latest correction; empty if none."
    )


class InformationProvidedSerializer(compiled.Serializer):
    """Information an officer gave a group (A7, A10)."""

    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    provided_by = PersonRefField()
    title = serializers.CharField()
    summary = serializers.CharField()
    reference = serializers.CharField(allow_blank=True)
    classification = serializers.ChoiceField(choices=InformationProvided.Classification.choices)
    likely_to_be_cited = serializers.BooleanField()
    cited_at = serializers.ChoiceField(
        choices=[("", "Not marked"), *InformationProvided.CitedAt.choices], allow_blank=True
    )
    marked_by = PersonRefField(allow_null=True)
    marked_at = serializers.DateTimeField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    actions = ActionsField(workflow.INFORMATION)


class SharedInformationSerializer(compiled.Serializer):
    """The information itself, as every group receives it (A10): not the group's discussion."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    reference = serializers.CharField(allow_blank=True)
    cited_at = serializers.ChoiceField(choices=InformationProvided.CitedAt.choices)
    provided_by = PersonRefField()
    recorded_at = serializers.DateTimeField()


class InformationCopySerializer(compiled.Serializer):
    """A copy of information sent to one group under A10, and whether its e-mail was delivered."""

    id = serializers.IntegerField()
    group = GroupRefField()
    recipient = PersonRefField()
    information = SharedInformationSerializer()
    created_at = serializers.DateTimeField()
    delivery = serializers.CharField()


class ParityRowSerializer(compiled.Serializer):
    """One group's requests in the period (A11)."""

    group = GroupRefField()
    made = serializers.IntegerField()
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()
    refused_despite_precedent = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    pending = serializers.IntegerField()
    lapsed = serializers.IntegerField(help_text="Still awaiting a decision when the meeting began (A12, C3).")
    equivalents_offered = serializers.IntegerField()
    equivalents_taken_up = serializers.IntegerField()
    decided = serializers.IntegerField()
    average_working_days_to_decision = serializers.FloatField(allow_null=True)
    longest_working_days_to_decision = serializers.IntegerField(allow_null=True)


# --- Input ----------------------------------------------------------------------------------------


class Moment(serializers.DateTimeField):
    """A date and time. One the schema allows but the council's time zone cannot hold (a time in
    the first or last hours of the calendar) is refused naming the field, as a time the register
    cannot use, like a meeting in the past; not as a malformed request."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except serializers.ValidationError:
            raise RuleViolation("Give a date and time between the years 1 and 9999.", field=self.field_name) from None


def _reason(help_text: str, *, required: bool = False) -> Text:
    options = {} if required else {"required": False, "default": ""}
    return Text(max_length=5000, allow_blank=True, help_text=help_text, **options)


class MeetingInSerializer(compiled.Serializer):
    starts_at = Moment(help_text="When the meeting starts; still to come.")
    ends_at = Moment(required=False, allow_null=True, default=None)
    place = Text(
        max_length=300,
        required=False,
        default="",
        allow_blank=True,
        help_text="Where; may be left out for an online meeting.",
    )
    online = serializers.BooleanField(required=False, default=False)
    others_present = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Someone present will be neither a councillor (elected or co-opted) nor an officer (A7).",
    )
    others_present_description = Text(max_length=300, required=False, default="", allow_blank=True)


class BriefInSerializer(compiled.Serializer):
    meeting = MeetingInSerializer()
    officers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        max_length=50,
        help_text="The officers asked to attend, by id.",
    )
    subject = Text(max_length=300, allow_blank=True, help_text="What the briefing is about.")
    scope = Text(max_length=10000, allow_blank=True, help_text="The brief, agreed in advance (A5).")
    needs_confidential_information = serializers.BooleanField(
        required=False, default=False, help_text="The group asks for confidential or exempt information (A7)."
    )
    reason = _reason("Optional: kept in the history.")


class SubmitSerializer(BriefInSerializer):
    pass


class ReferSerializer(BriefInSerializer):
    asked_by = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, help_text="The councillor who asked the officer directly (A1)."
    )


class TakeUpSerializer(compiled.Serializer):
    meeting = MeetingInSerializer(help_text="Your group's own meeting.")
    scope = Text(
        max_length=10000,
        required=False,
        default="",
        allow_blank=True,
        help_text="Your group's own scope; left out, the brief is the original's subject.",
    )
    needs_confidential_information = serializers.BooleanField(required=False, default=False)
    reason = _reason("Optional: kept in the history.")


ROUND_HELP = (
    "Optional: the round of the brief you read (its 'round'). If the group has amended the brief since, "
    "the decision is refused with a 409, so that every decision is on a brief the decision-maker saw."
)


class ApproveSerializer(compiled.Serializer):
    reason = _reason("Optional for an approval: kept with the decision (A2).")
    round = serializers.IntegerField(required=False, min_value=1, max_value=32767, help_text=ROUND_HELP)


class RefuseSerializer(compiled.Serializer):
    reason = _reason("Required: the group sees it (A2, A3).", required=True)
    round = serializers.IntegerField(required=False, min_value=1, max_value=32767, help_text=ROUND_HELP)


class ReasonSerializer(compiled.Serializer):
    reason = _reason("Why: required, kept with the record and its history.", required=True)


class AmendSerializer(compiled.Serializer):
    reason = _reason("Why the brief changes: required.", required=True)
    subject = Text(max_length=300, required=False, allow_blank=True)
    scope = Text(max_length=10000, required=False, allow_blank=True)
    needs_confidential_information = serializers.BooleanField(required=False)
    meeting = MeetingInSerializer(required=False, help_text="The meeting in full, if it changes.")


class RespondSerializer(compiled.Serializer):
    accept = serializers.BooleanField(help_text="true to accept, false to decline: attendance is voluntary (A4).")
    note = _reason("Optional: no reason is needed to decline (A4).")


class AttendInSerializer(compiled.Serializer):
    arrived_at = Moment()
    left_at = Moment()
    attested = serializers.BooleanField(
        help_text="I left before the group formed its view, and no party business was discussed in front of me (A6)."
    )
    concerns = serializers.ListField(
        child=serializers.ChoiceField(choices=AttendanceRecord.Concern.choices),
        required=False,
        default=list,
        max_length=len(AttendanceRecord.Concern.choices),
    )
    report = Text(
        max_length=10000,
        required=False,
        default="",
        allow_blank=True,
        help_text="What happened, for the Chief Executive and the Monitoring Officer (A13).",
    )


class InformationInSerializer(compiled.Serializer):
    title = Text(max_length=300, allow_blank=True)
    summary = Text(max_length=10000, allow_blank=True)
    reference = Text(max_length=500, required=False, default="", allow_blank=True)
    classification = serializers.ChoiceField(
        choices=InformationProvided.Classification.choices,
        required=False,
        default=InformationProvided.Classification.OPEN,
    )
    likely_to_be_cited = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Likely to be cited at the Council, the Executive or a committee: every group gets a copy (A10).",
    )
    cited_at = serializers.ChoiceField(
        choices=[("", "Not likely to be cited"), *InformationProvided.CitedAt.choices],
        required=False,
        default="",
        allow_blank=True,
    )
    reason = _reason("Optional: kept in the history.")


class MarkCitedSerializer(compiled.Serializer):
    cited_at = serializers.ChoiceField(choices=InformationProvided.CitedAt.choices)
    reason = _reason("Optional: kept in the history.")


class PeriodSerializer(compiled.Serializer):
    start = serializers.DateField(help_text="The first day of the period.")
    end = serializers.DateField(help_text="The last day of the period, inclusive.")


class PublicRegisterFilterSerializer(compiled.Serializer):
    """The published register's filters, for the schema: the page, the CSV and the Atom feed take the
    same, and all check them with ``register.forms_published.PublishedRegisterFilter``."""

    group = serializers.IntegerField(required=False, help_text="A political group's id: its briefings only.")
    directorate = serializers.IntegerField(
        required=False, help_text="A directorate's id: briefings attended by an officer of it on the day."
    )
    start = serializers.DateField(required=False, help_text="Entries dated from this day (YYYY-MM-DD).")
    end = serializers.DateField(required=False, help_text="Entries dated up to this day, inclusive (YYYY-MM-DD).")


class PublishedEntryCorrectionSerializer(compiled.Serializer):
    date = serializers.DateField(help_text="The date the entry should show.")
    subject = Text(max_length=300, help_text="The subject the entry should show.")
    reason = _reason("Published with the entry and in the Atom feed: required.", required=True)
