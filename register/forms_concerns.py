"""Forms for the concern pages (D1-D3, D6), in the GOV.UK Design System (crispy-forms-gds).

Each form only collects what the person typed; the services decide. Field names are the services'
own, so that a refusal naming a field (RuleViolation(field=...)) lands on that field.
"""

from crispy_forms_gds.choices import Choice
from django import forms

from register.forms_declarations import DateField, PersonChoiceField, RegisterForm
from register.models import AttendanceRequest, Concern, Declaration, Person
from register.models.conduct import LONGEST_ACCOUNT

CONDUCT = "conduct"
INFORMATION = "information"
LINE_MANAGER = "line-manager"
CHIEF_OFFICER = "chief-officer"

TOO_LONG = f"in {LONGEST_ACCOUNT:,} characters or fewer"


class BriefingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, request):
        return f"{request.subject}: the {request.group} on {request.meeting.starts_at:%d %B %Y}"


class DeclarationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, declaration):
        return f"{declaration.kind_text} with {declaration.other_person.name}"


class ConcernForm(RegisterForm):
    """Raise a concern: what it is about, whom, what happened and when, the record it concerns, and
    whether the person concerned may learn who raised it."""

    submit_label = "Raise the concern"

    about = forms.ChoiceField(
        label="What is your concern about?",
        widget=forms.RadioSelect,
        choices=[
            Choice(
                CONDUCT,
                "How an officer has acted towards you or your group",
                hint="Under the protocol on member/officer relations (D1).",
            ),
            Choice(
                INFORMATION,
                "Difficulty obtaining information you need as a councillor",
                hint="It goes to the Monitoring Officer (D3).",
            ),
        ],
        initial=CONDUCT,
        error_messages={"required": "Choose what your concern is about"},
    )
    concerned_person = PersonChoiceField(
        queryset=Person.objects.none(),
        required=False,
        empty_label="Choose a person",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    route = forms.ChoiceField(
        label="Who should handle it?",
        widget=forms.RadioSelect,
        required=False,
        choices=[
            Choice(
                LINE_MANAGER,
                "Their line manager",
                hint="Whom they report to, else the Assistant Director of their directorate.",
            ),
            Choice(
                CHIEF_OFFICER,
                "Their Chief Officer",
                hint="The Director of their directorate (a Director's is the Chief Executive).",
            ),
        ],
        initial=LINE_MANAGER,
    )
    what_happened = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=LONGEST_ACCOUNT,
        help_text="Say what was said or done, by whom and in front of whom, as plainly as you can.",
        error_messages={
            "required": "Say what happened",
            "max_length": f"Say what happened {TOO_LONG}",
        },
    )
    happened_on = DateField(
        what="it happened",
        label="When did it happen?",
        help_text="An approximate date will do. For example, 27 3 2026",
    )
    briefing = BriefingChoiceField(
        label="The briefing it concerns (optional)",
        queryset=AttendanceRequest.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose a briefing from the list, or none"},
    )
    declaration = DeclarationChoiceField(
        label="The declaration it concerns (optional)",
        queryset=Declaration.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose one of your declarations, or none"},
    )
    raiser_withheld = forms.BooleanField(
        label="Do not tell them who raised this",
        required=False,
        help_text="Whoever handles your concern always knows who raised it. If they decide to tell the person "
        "it concerns, that person will not be told it was you.",
    )

    def __init__(self, *args, raiser: Person, other_people, briefings, declarations, offers_choice: bool, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["concerned_person"]
        person.queryset = other_people
        if raiser.is_member:
            person.label = "Which officer is it about?"
            person.help_text = "For difficulty obtaining information, you may leave this as it is."
        else:
            person.label = "Which councillor is it about?"
            del self.fields["about"]
        if not offers_choice:
            del self.fields["route"]
        self.fields["briefing"].queryset = briefings
        self.fields["declaration"].queryset = declarations

    @property
    def information(self) -> bool:
        return self.cleaned_data.get("about") == INFORMATION

    def clean(self):
        cleaned = super().clean()
        if not self.information and cleaned.get("concerned_person") is None and "concerned_person" not in self.errors:
            who = "officer" if "about" in self.fields else "councillor"
            self.add_error("concerned_person", f"Choose the {who} your concern is about")
        return cleaned


class NoteForm(RegisterForm):
    """A handler's move that needs a note: why, or how."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONGEST_ACCOUNT,
        error_messages={"required": "Write a note", "max_length": f"Write the note {TOO_LONG}"},
    )

    def __init__(self, *args, label: str, submit: str, required: bool = True, **kwargs):
        self.submit_label = submit
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required


class RaisedWithForm(RegisterForm):
    submit_label = "Record that you raised it"

    raised_with = forms.CharField(
        label="Whom did you raise it with?",
        max_length=300,
        help_text="The member, their group leader, or both (002 section 8.2).",
        error_messages={"required": "Say whom you raised it with", "max_length": "Say it in 300 characters or fewer"},
    )


class ReferOnForm(RegisterForm):
    submit_label = "Refer it on"

    referred_to = forms.CharField(
        label="To whom are you referring it?",
        max_length=300,
        help_text="For example, the Monitoring Officer, Human Resources or the Standards Committee.",
        error_messages={"required": "Say to whom you referred it", "max_length": "Say it in 300 characters or fewer"},
    )


class CloseForm(RegisterForm):
    submit_label = "Close with this outcome"

    outcome = forms.ChoiceField(
        label="What was the outcome?",
        widget=forms.RadioSelect,
        choices=Concern.Outcome.choices,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_detail = forms.CharField(
        label="What was done (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LONGEST_ACCOUNT,
        help_text="Who raised it reads this, and so does the person concerned if they were told of it.",
        error_messages={"max_length": f"Say what was done {TOO_LONG}"},
    )
