"""Forms for the attendance pages (A1-A13), in the GOV.UK Design System (crispy-forms-gds).

Each form only collects what the person typed; the services decide. Field names are the
services' own (``starts_at``, ``officers``, ``scope``, ``reason``, ``classification`` ...), so a
refusal naming a field lands on that field, with the rule in words.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from register.errors import in_words
from register.forms_audit import OptionalDateField
from register.forms_declarations import DateField, RegisterForm
from register.models import AttendanceRecord, InformationProvided, Person
from register.services.attendance import MeetingDetails

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I:%M%p", "%I.%M%p", "%I%p"]
YES_NO = [Choice("yes", "Yes"), Choice("no", "No")]


def _local(day: datetime.date, time: datetime.time | None) -> datetime.datetime | None:
    if day is None or time is None:
        return None
    return datetime.datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE))


class TimeField(forms.TimeField):
    """A time typed as 18:00 or 6pm, with errors in plain words."""

    def __init__(self, *, what: str, **kwargs):
        kwargs.setdefault("input_formats", TIME_FORMATS)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter the time {what}"
        self.error_messages["invalid"] = f"Enter the time {what} as hours and minutes, for example 18:30"

    def to_python(self, value):
        return super().to_python(value.replace(" ", "").upper() if isinstance(value, str) else value)


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, required_message: str, **kwargs):
        super().__init__(
            widget=forms.RadioSelect,
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            error_messages={"required": required_message},
            **kwargs,
        )


class CountedText(forms.CharField):
    """Text with a GOV.UK character count instead of the browser's silent ``maxlength`` cut: the
    person sees how many characters are left, and the server refuses over-long text with an error
    naming the field (and the page keeps everything typed)."""

    def __init__(self, *, what: str, max_length: int, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
        self.rows = rows
        self.error_messages["max_length"] = (
            f"{what} must be {max_length:,} characters or fewer; it has %(show_value)s characters"
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class OfficersField(forms.TypedMultipleChoiceField):
    """The officers a group asks for, offered by ``officer_choices`` with name, post, directorate and
    the politically restricted mark; cleaned to the people themselves (no further query)."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, widget=forms.SelectMultiple(attrs={"size": 8}), **kwargs)
        self.people: dict[int, Person] = {}

    def offer(self, choices) -> None:
        self.choices = [(choice.pk, choice.label) for choice in choices]
        self.people = {choice.pk: choice.person for choice in choices}

    def clean(self, value):
        return [self.people[pk] for pk in dict.fromkeys(super().clean(value))]


def _revealed_by(form, field: str, answer, revealed: str) -> None:
    """A revealed question counts only when its answer reveals it (govuk-radios__conditional): without
    JavaScript it shows, but what was typed in it is then neither validated nor kept."""
    if form.cleaned_data.get(field) != answer:
        form.errors.pop(revealed, None)
        form.cleaned_data[revealed] = ""


class MeetingForm(RegisterForm):
    """The group meeting: when, where, and whether anyone present is neither a councillor nor an
    officer (A7). Shared by a new request and by taking up an equivalent (A3)."""

    meeting_date = DateField(
        what="of the meeting",
        label="Date of the meeting",
        help_text="For example, 27 3 2026",
    )
    starts_at = TimeField(what="the meeting starts", label="Start time", help_text="For example, 18:00")
    ends_at = TimeField(what="the meeting ends", label="End time (optional)", required=False)
    place = forms.CharField(
        label="Where is the meeting?",
        required=False,
        max_length=300,
        help_text="For example, Committee Room 2, County Hall. Leave empty if it is online only.",
        error_messages={"max_length": "Give the place in 300 characters or fewer"},
    )
    online = forms.BooleanField(label="The meeting is online, or people can join online", required=False)
    others_present = YesNoField(
        label="Will anyone present be neither a councillor nor an officer of the council?",
        help_text="For example a party organiser or researcher. Co-opted members count as councillors (A7).",
        required_message="Say whether anyone present will be neither a councillor nor an officer",
    )
    others_present_description = forms.CharField(
        label="Who will they be?",
        required=False,
        max_length=300,
        error_messages={"max_length": "Say who they are in 300 characters or fewer"},
    )

    officer_finder_template = "register/attendance/_officer_finder.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.ATTENDANCE_DECISION_WORKING_DAYS
        self.fields["meeting_date"].help_text = (
            f"For example, 27 3 2026. A decision is normally due {days} working days after the request is sent; "
            "if the meeting is sooner, the request is urgent and the decision is due by the last working day "
            "before the meeting (A12)."
        )
        self.helper.layout = Layout(*self._layout())

    def _layout(self):
        for name, field in self.fields.items():
            if name == "others_present_description":
                continue
            if name == "others_present":
                yield ConditionalRadios(name, ConditionalQuestion("Yes", "others_present_description"), "No")
            elif isinstance(field, CountedText):
                yield Field.textarea(name, rows=field.rows, max_characters=field.max_length)
            elif isinstance(field, OfficersField):
                yield Field(name, template=self.officer_finder_template)
            else:
                yield name

    def clean(self):
        cleaned = super().clean()
        _revealed_by(self, "others_present", True, "others_present_description")
        day = cleaned.get("meeting_date")
        if cleaned.get("others_present") and not (cleaned.get("others_present_description") or "").strip():
            self.add_error(
                "others_present_description", "Say who will be present who is neither a councillor nor an officer"
            )
        if "starts_at" in cleaned and day:
            cleaned["meeting"] = MeetingDetails(
                starts_at=_local(day, cleaned["starts_at"]),
                ends_at=_local(day, cleaned.get("ends_at")),
                place=cleaned.get("place", ""),
                online=cleaned.get("online", False),
                others_present=bool(cleaned.get("others_present")),
                others_present_description=cleaned.get("others_present_description", ""),
            )
        return cleaned

    def refuse(self, error) -> None:
        # The service names the meeting as a whole "meeting"; on the form that is the start time.
        field = "starts_at" if error.field == "meeting" else error.field
        self.add_error(field if field in self.fields else None, in_words(error))


class RequestForm(MeetingForm):
    """A group leader (or deputy) asks for officers to brief a meeting (A1), with the brief (A5)."""

    submit_label = "Send the request to the Chief Executive"

    officers = OfficersField(
        label="Which officers would you like to attend?",
        help_text="Search by name, post or directorate. Each officer decides for themselves whether to attend (A4).",
        error_messages={"required": "Choose at least one officer", "invalid_choice": "Choose officers from the list"},
    )
    subject = CountedText(
        what="The subject of the briefing",
        label="Subject of the briefing",
        max_length=300,
        rows=2,
        help_text="Other groups and the public see the subject, never the scope below (A8, A9).",
        error_messages={"required": "Enter the subject of the briefing"},
    )
    scope = CountedText(
        what="The scope of the brief",
        label="Scope of the brief",
        max_length=5000,
        rows=5,
        help_text="What the officers are asked to explain. It is agreed in advance, and officers will not comment "
        "beyond it (A5).",
        error_messages={"required": "Set out the scope of the brief (protocol rule A5)"},
    )
    needs_confidential_information = YesNoField(
        label="Does the group ask for confidential or exempt information?",
        help_text="Not possible if anyone present will be neither a councillor nor an officer (A7).",
        required_message="Say whether the group asks for confidential or exempt information",
    )

    # The brief first: the subject is the first thing asked, a few tab stops from the top (issue 16).
    field_order = [
        "subject",
        "scope",
        "officers",
        "meeting_date",
        "starts_at",
        "ends_at",
        "place",
        "online",
        "others_present",
        "others_present_description",
        "needs_confidential_information",
    ]

    # Set when the page has told the leader that the request is urgent (A12): the due day they were told of.
    urgent_confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, officers, **kwargs):
        """``officers``: the finder's options, ``selectors.attendance.officer_choices``."""
        super().__init__(*args, **kwargs)
        if "officers" in self.fields:
            self.fields["officers"].offer(officers)

    def unconfirmed_urgency(self, due) -> bool:
        """Whether the request is urgent (``selectors.decision_due``) and the leader has not yet been
        told so for this due day. If not, the page is shown again with the warning, and sending it
        again confirms: changing the meeting to another urgent day warns again."""
        if not due.urgent or self.cleaned_data.get("urgent_confirmed") == due.due_on.isoformat():
            return False
        self.data = self.data.copy()
        self.data[self.add_prefix("urgent_confirmed")] = due.due_on.isoformat()
        return True


class AmendBriefForm(RequestForm):
    """The group changes its brief or its meeting, pre-filled with the current ones. The brief is
    fixed once approved, so a change sends the request back for a decision (A5). The officers stay
    those named; each is asked again."""

    submit_label = "Send the amended brief to the Chief Executive"

    officers = None  # the officers named stay; amending is about the brief and the meeting

    reason = forms.CharField(
        label="Why is the group amending the brief?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="The Chief Executive and the officers see it, and it is kept in the history.",
        error_messages={
            "required": "Give a reason for amending the brief",
            "max_length": "Give the reason in 5,000 characters or fewer",
        },
    )

    field_order = [
        "subject",
        "scope",
        "meeting_date",
        "starts_at",
        "ends_at",
        "place",
        "online",
        "others_present",
        "others_present_description",
        "needs_confidential_information",
        "reason",
    ]

    def __init__(self, *args, attendance_request, **kwargs):
        kwargs.setdefault("initial", _current_brief(attendance_request))
        super().__init__(*args, officers=[], **kwargs)


def _current_brief(attendance_request) -> dict:
    """The request's brief and meeting as the form shows them, in the council's local time."""
    meeting = attendance_request.meeting
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    return {
        "meeting_date": starts.date(),
        "starts_at": starts.strftime("%H:%M"),
        "ends_at": ends.strftime("%H:%M") if ends else "",
        "place": meeting.place,
        "online": meeting.online,
        "others_present": "yes" if meeting.others_present else "no",
        "others_present_description": meeting.others_present_description,
        "subject": attendance_request.subject,
        "scope": attendance_request.scope,
        "needs_confidential_information": "yes" if attendance_request.needs_confidential_information else "no",
    }


class ReferralForm(RequestForm):
    """An officer asked directly by a councillor records the request as referred to the Chief
    Executive, who decides it (A1). The officer names themself among those asked."""

    submit_label = "Refer the request to the Chief Executive"

    asked_by = forms.ModelChoiceField(
        label="Which councillor asked you?",
        queryset=Person.objects.none(),
        empty_label="Choose a councillor",
        help_text="The request is recorded as theirs, for their political group.",
        error_messages={
            "required": "Choose the councillor who asked you",
            "invalid_choice": "Choose a councillor from the list",
        },
    )

    field_order = ["asked_by", *RequestForm.field_order]

    def __init__(self, *args, councillors, officers, referring_officer, **kwargs):
        kwargs.setdefault("initial", {"officers": [referring_officer.pk]})
        super().__init__(*args, officers=officers, **kwargs)
        self.fields["asked_by"].queryset = councillors
        self.fields["asked_by"].label_from_instance = lambda person: person.name
        self.fields["officers"].label = "Which officers were asked to attend?"
        self.fields["officers"].help_text = "Include yourself. Each officer still decides whether to attend (A4)."
        self.fields["subject"].help_text = "What the councillor asked to be briefed on."


class TakeUpForm(MeetingForm):
    """Another group takes up an approved briefing in one step: only its own meeting is asked (A3)."""

    submit_label = "Request the same briefing"

    scope = forms.CharField(
        label="Scope of the brief (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="Your group's own brief. Leave empty to ask for the briefing as given on its subject.",
        error_messages={"max_length": "Give the scope in 5,000 characters or fewer"},
    )
    needs_confidential_information = YesNoField(
        label="Does the group ask for confidential or exempt information?",
        help_text="Not possible if anyone present will be neither a councillor nor an officer (A7).",
        required_message="Say whether the group asks for confidential or exempt information",
    )


class ReasonForm(RegisterForm):
    """A reason, which the protocol asks for (withdrawing, refusing)."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Give a reason", "max_length": "Give the reason in 5,000 characters or fewer"},
    )

    def __init__(
        self,
        *args,
        label: str,
        submit_label: str,
        help_text: str = "",
        required_message: str = "",
        warning: bool = False,
        **kwargs,
    ):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label, field.help_text = label, help_text
        if required_message:
            field.error_messages["required"] = required_message
        if warning:
            self.helper.inputs[0].field_classes = "govuk-button govuk-button--warning"


class DecisionForm(RegisterForm):
    """The acting Chief Executive approves, or refuses with a reason (A2, A3)."""

    APPROVE, REFUSE = "approve", "refuse"
    submit_label = "Record the decision"

    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            Choice(
                APPROVE, "Approve", hint="The officers are invited, and the other groups are told the facts (A3, A8)."
            ),
            Choice(REFUSE, "Refuse", hint="The group sees your reason (A2)."),
        ],
        error_messages={"required": "Choose whether to approve or refuse the request"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="Needed to refuse; optional to approve.",
        error_messages={"max_length": "Give the reason in 5,000 characters or fewer"},
    )
    round = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "A refusal needs a reason, which the group will see (protocol rule A2)")
        return cleaned


class ResponseForm(RegisterForm):
    """An officer accepts or declines; no reason is needed to decline (A4)."""

    ACCEPT, DECLINE = "accept", "decline"
    submit_label = "Send my answer"

    answer = forms.ChoiceField(
        label="Will you attend?",
        widget=forms.RadioSelect,
        choices=[
            Choice(ACCEPT, "Yes, I will attend"),
            Choice(DECLINE, "No, I will not attend", hint="You do not need to give a reason (A4)."),
        ],
        error_messages={"required": "Choose whether you will attend"},
    )
    reason = forms.CharField(
        label="Note to the group (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Give the note in 1,000 characters or fewer"},
    )


class AttendanceForm(RegisterForm):
    """After the meeting: when the officer arrived and left, and their attestation or report (A6, A13)."""

    submit_label = "Record my attendance"

    arrived_at = TimeField(what="you arrived", label="What time did you arrive?", help_text="For example, 18:00")
    left_at = TimeField(what="you left", label="What time did you leave?", help_text="For example, 19:15")
    attested = forms.BooleanField(
        required=False,
        label="I left before the group formed its view, and no party business was discussed in front of me (A6)",
    )
    concerns = forms.MultipleChoiceField(
        label="Did anything go against the protocol? (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=AttendanceRecord.Concern.choices,
        help_text="Your report goes to the Chief Executive and the Monitoring Officer (A13).",
    )
    report = forms.CharField(
        label="What happened (needed if you cannot attest)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Give the report in 10,000 characters or fewer"},
    )

    def __init__(self, *args, meeting_day: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_day = meeting_day

    def clean(self):
        cleaned = super().clean()
        for name in ("arrived_at", "left_at"):
            if cleaned.get(name) is not None:
                cleaned[name] = _local(self.meeting_day, cleaned[name])
        return cleaned


class InformationForm(RegisterForm):
    """Information the officer gave the group, and whether it is likely to be cited (A7, A10)."""

    submit_label = "Record the information"

    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Give the information a title"})
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Summarise the information given"},
    )
    reference = forms.CharField(
        label="Where is the document? (optional)",
        required=False,
        max_length=500,
        help_text="A link or a file reference.",
    )
    classification = forms.ChoiceField(
        label="Is it confidential or exempt?",
        widget=forms.RadioSelect,
        choices=InformationProvided.Classification.choices,
        initial=InformationProvided.Classification.OPEN,
        error_messages={"required": "Say whether the information is confidential, exempt or neither"},
    )
    likely_to_be_cited = YesNoField(
        label="Is it likely to be cited in support of an option or decision?",
        help_text="If so, a copy goes to every group's leader (A10).",
        required_message="Say whether the information is likely to be cited",
    )
    cited_at = forms.ChoiceField(
        label="If yes: where?",
        widget=forms.RadioSelect,
        required=False,
        choices=[Choice(value, label[:1].upper() + label[1:]) for value, label in InformationProvided.CitedAt.choices],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("likely_to_be_cited") and not cleaned.get("cited_at"):
            self.add_error(
                "cited_at",
                "Say where it is likely to be cited: the Council, the Executive or a committee (protocol rule A10)",
            )
        return cleaned


class CitedAtForm(RegisterForm):
    """Information recorded earlier, now likely to be cited: where (A10). The service decides
    whether an answer is missing, so that its refusal names the rule."""

    submit_label = "Mark as likely to be cited"

    cited_at = forms.ChoiceField(
        label="Where is it likely to be cited in support of an option or decision?",
        widget=forms.RadioSelect,
        required=False,
        help_text="A copy goes to every group's leader (A10).",
        choices=[Choice(value, label[:1].upper() + label[1:]) for value, label in InformationProvided.CitedAt.choices],
    )
    reason = forms.CharField(
        label="Why now? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history.",
        error_messages={"max_length": "Give the reason in 1,000 characters or fewer"},
    )


class AbsenceForm(RegisterForm):
    """The Chief Executive's absence, so that the Deputy decides meanwhile (A2)."""

    submit_label = "Record the absence"

    start_date = DateField(
        what="the absence starts", label="First day of the absence", help_text="For example, 27 3 2026"
    )
    end_date = DateField(what="the absence ends", label="Last day of the absence", help_text="For example, 3 4 2026")
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="For example, annual leave. Recorded in the history.",
        error_messages={"required": "Give a reason for the absence"},
    )


class PeriodDateField(OptionalDateField):
    """A day of a report's period, in the date input: every error names the date it is about."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(what=what, **kwargs)
        for part, name in zip(self.fields, ("day", "month", "year")):
            part.validators[0].message = f"The {name} of the date {what} must be a number"

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            _on_the_day(self, error.messages)
            raise


def _on_the_day(field, messages: list[str]) -> None:
    """Shows an error about the whole date on its day input, so that the error summary links to
    that input (the GOV.UK pattern), unless the error is already on one of the date's inputs."""
    if not any(getattr(part.widget, "errors", None) for part in field.fields):
        field.fields[0].widget.errors = list(messages)


ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class ParityPeriodForm(RegisterForm):
    """The period of the parity report (A11): a GET form, so that a period has an address that can
    be shared. Addresses written before the date input (``?start=2026-01-01&end=2026-03-31``) still
    work: a YYYY-MM-DD date is read into its day, month and year."""

    submit_label = "Show the period"

    start = PeriodDateField(what="the period starts", label="From", required=False, help_text="For example, 1 4 2026")
    end = PeriodDateField(
        what="the period ends", label="To", required=False, help_text="Inclusive: the whole of that day"
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(_with_date_parts(data, ("start", "end")) if data is not None else None, **kwargs)
        self.helper.form_method = "get"

    @staticmethod
    def is_given(query) -> bool:
        return any(name in query for name in ("start", "end", "start_0", "end_0"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            message = "The date the period ends must be the same as or after the date it starts"
            _on_the_day(self.fields["end"], [message])
            raise ValidationError({"end": message})
        return data

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The period asked for, a year up to today by default; call after ``is_valid``."""
        end = self.cleaned_data.get("end") or today
        start = self.cleaned_data.get("start") or end - datetime.timedelta(days=365)
        return start, end


def _with_date_parts(query, names):
    """The query with each YYYY-MM-DD date among ``names`` given as the date input's day, month and
    year (``start`` -> ``start_0``, ``start_1``, ``start_2``); anything else is left as it came, and
    a value that is no such date is put in the day, so that the form names it."""
    query = query.copy()
    for name in names:
        given = query.get(name)
        if given is None or f"{name}_0" in query:
            continue
        found = ISO_DATE.match(given.strip())
        day, month, year = (found.group(3), found.group(2), found.group(1)) if found else (given, "", "")
        for index, part in enumerate((day, month, year)):
            query[f"{name}_{index}"] = part
    return query


__all__ = [
    "AbsenceForm",
    "AmendBriefForm",
    "AttendanceForm",
    "CitedAtForm",
    "DecisionForm",
    "InformationForm",
    "ParityPeriodForm",
    "ReasonForm",
    "ReferralForm",
    "RequestForm",
    "ResponseForm",
    "TakeUpForm",
]
