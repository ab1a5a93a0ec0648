"""Recording an election (issue 17), one question a page: polling day and which seats were up; the
results file (and, unless the whole council was up, whose seats were); a preview of who joins, leaves,
continues and changes group, before anything is saved; the confirmation.

What was answered is kept in the session (server-side) between the steps, and the election is planned
again from it when confirmed, so that what is recorded is the register as it stands then. Only
Democratic Services record elections (the workflow's HOLD_ELECTION)."""

import dataclasses
import datetime

from crispy_forms_gds.choices import Choice
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.forms_declarations import DateField, RegisterForm
from register.services.people import elections
from register.services.people.imports import parse_people_file
from register.services.people.lines import PersonLine
from register.views.attendance.common import posted
from register.views.context import standing
from register.views.domain_errors import form_page, require_move

SESSION_KEY = "election"
RECORDED_KEY = "election-recorded"


class PollingForm(RegisterForm):
    polling_day = DateField(
        what="of polling day",
        label="Polling day",
        help_text="For example, 7 5 2026. For a councillor crossing the floor, the day they join their new group.",
    )
    seats = forms.ChoiceField(
        label="Which seats were up for election?",
        widget=forms.RadioSelect,
        choices=[
            Choice(elections.WHOLE, "The whole council", hint="Every serving elected councillor's term ends."),
            Choice(elections.HALF, "Half the council", hint="You choose whose seats were up on the next page."),
            Choice(elections.THIRD, "A third of the council", hint="You choose whose seats were up on the next page."),
            Choice(
                elections.ONE,
                "One seat (a by-election)",
                hint="You choose the councillor whose seat was up, if the seat was not already vacant.",
            ),
            Choice(
                elections.FLOOR,
                "One councillor crossing the floor (no election)",
                hint="You choose the councillor; the file's one line names their new group.",
            ),
        ],
        error_messages={"required": "Choose which seats were up for election"},
    )
    in_the_past = forms.BooleanField(
        required=False,
        label="This election has already happened",
        help_text="Tick this if polling day is in the past, so that the register does not take it for a mistyped year.",
    )


class ResultsForm(RegisterForm):
    submit_label = "Check the results"

    retiring = forms.TypedMultipleChoiceField(
        label="Whose seats were up for election?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Those not re-elected leave the council when their term ends.",
        error_messages={"invalid_choice": "Choose councillors from the list"},
    )
    results = forms.FileField(
        label="Upload the results file",
        help_text="A CSV file (UTF-8) in the people import's format, one line for each councillor elected: "
        "the columns given_name, family_name, email, kind (member) and group are enough.",
        error_messages={"required": "Choose the results file", "empty": "The results file is empty"},
    )

    def __init__(self, *args, councillors, seats: str, **kwargs):
        super().__init__(*args, **kwargs)
        if seats == elections.WHOLE:
            del self.fields["retiring"]
        else:
            if seats == elections.FLOOR:
                self.fields["retiring"].label = "Who is crossing the floor?"
                self.fields["retiring"].help_text = "They stay a councillor, in the group the file names."
            self.fields["retiring"].choices = [
                Choice(person.pk, person.name, hint=group.name if group else "No political group")
                for person, group in councillors
            ]


@login_required
def election(request):
    """Step 1: polling day and which seats were up."""
    _gate(request)
    kept = request.session.get(SESSION_KEY) or {}
    initial = {"seats": kept.get("seats"), "in_the_past": kept.get("in_the_past", False)}
    if kept.get("polling_day"):
        initial["polling_day"] = datetime.date.fromisoformat(kept["polling_day"])
    form = PollingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            elections.check_polling_day(data["polling_day"], on=selectors.today(), in_the_past=data["in_the_past"])
        except RuleViolation as error:
            form.refuse(error)
        else:
            request.session[SESSION_KEY] = {
                "polling_day": data["polling_day"].isoformat(),
                "seats": data["seats"],
                "in_the_past": data["in_the_past"],
            }
            return redirect("people:election-results")
    return form_page(
        request, "register/people/election.html", {"take_office_days": settings.ELECTION_TAKE_OFFICE_DAYS}, form=form
    )


@login_required
def results(request):
    """Step 2: the results file, and whose seats were up unless it was the whole council's."""
    _gate(request)
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return redirect("people:election")
    polling_day = datetime.date.fromisoformat(kept["polling_day"])
    councillors = _councillors(polling_day)
    form = ResultsForm(posted(request), request.FILES or None, councillors=councillors, seats=kept["seats"])
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["results"]
            lines, problems = _read_results(upload.read(), upload.name)
            retiring = form.cleaned_data.get("retiring", [])
            _plan(kept, lines, retiring)
        except RuleViolation as error:
            form.refuse(error)
        else:
            request.session[SESSION_KEY] = {
                **kept,
                "retiring": retiring,
                "lines": [_stored(line) for line in lines],
                "file_problems": [dataclasses.asdict(problem) for problem in problems],
                "filename": form.cleaned_data["results"].name,
            }
            return redirect("people:election-check")
    return form_page(
        request,
        "register/people/election_results.html",
        {"polling_day": polling_day, "seats_label": elections.SEATS[kept["seats"]]},
        form=form,
    )


@login_required
def check(request):
    """Step 3: what the election will change, before anything is saved; confirming records it,
    planned again from what was answered."""
    _gate(request)
    kept = request.session.get(SESSION_KEY)
    if not kept or "lines" not in kept:
        return redirect("people:election")
    lines = [_line(stored) for stored in kept["lines"]]
    plan = _plan(kept, lines, kept.get("retiring", []))
    found = [elections.Problem(**problem) for problem in kept.get("file_problems", [])] + list(plan.problems)
    # The import's reading and the election's planning both notice some things (the same e-mail twice).
    problems = sorted({(p.line, p.field): p for p in reversed(found)}.values(), key=lambda problem: problem.line)
    refusal = None
    if request.method == "POST" and not problems:
        try:
            elections.record_election(
                actor=request.user,
                reason=(
                    f"Crossing the floor on {plan.polling_day:%-d %B %Y}"
                    if plan.seats == elections.FLOOR
                    else f"Election of {plan.polling_day:%-d %B %Y} ({plan.seats_label.lower()})"
                )
                + f", from {kept.get('filename', 'the results file')}",
                plan=plan,
                in_the_past=kept.get("in_the_past", False),
            )
        except RuleViolation as error:
            refusal = error
        else:
            request.session.pop(SESSION_KEY, None)
            request.session[RECORDED_KEY] = {
                "polling_day": plan.polling_day.isoformat(),
                "is_floor": plan.seats == elections.FLOOR,
                "takes_office": plan.takes_office.isoformat(),
                "joined": len(plan.joins),
                "left": len(plan.leaves),
                "changed": len(plan.changes_group),
                "continued": len(plan.continues),
                "without_leader": [entry.group for entry in plan.without_leader if entry.no_leader],
            }
            return redirect("people:election-recorded")
    return render(
        request,
        "register/people/election_check.html",
        {"plan": plan, "problems": problems, "refusal": refusal, "filename": kept.get("filename")},
        status=400 if refusal else 200,
    )


@login_required
def recorded(request):
    """The confirmation: the election is recorded, and what follows (the groups' leaders to record)."""
    _gate(request)
    summary = request.session.get(RECORDED_KEY)
    if not summary:
        return redirect("people:election")
    summary = {
        **summary,
        "polling_day": datetime.date.fromisoformat(summary["polling_day"]),
        "takes_office": datetime.date.fromisoformat(summary["takes_office"]),
    }
    return render(request, "register/people/election_recorded.html", {"summary": summary})


def _gate(request) -> None:
    """Those who neither keep nor read the council's records are told "page not found", as on the
    people pages; those who read them (the Monitoring Officer, auditors) are refused, naming the rule."""
    if not workflow.COUNCIL_RECORDS.sees(standing(request), None):
        raise NotFound(workflow.COUNCIL_RECORDS.not_found)
    require_move(request, workflow.COUNCIL_RECORDS, workflow.HOLD_ELECTION, None)


def _councillors(on: datetime.date) -> list[tuple]:
    people = list(elections.serving_councillors(on).order_by("last_name", "first_name", "pk"))
    groups = elections.group_memberships_on(on)
    return [(person, groups[person.pk].organization if person.pk in groups else None) for person in people]


def _plan(kept: dict, lines: list[PersonLine], retiring: list[int]) -> elections.ElectionPlan:
    polling_day = datetime.date.fromisoformat(kept["polling_day"])
    chosen = elections.serving_councillors(polling_day).filter(pk__in=retiring)
    return elections.plan_election(
        polling_day=polling_day, seats=kept["seats"], retiring=list(chosen), results=lines, on=selectors.today()
    )


def _stored(line: PersonLine) -> dict:
    stored = dataclasses.asdict(line)
    stored["start_date"] = line.start_date.isoformat() if line.start_date else None
    return stored


def _line(stored: dict) -> PersonLine:
    start = stored.get("start_date")
    return PersonLine(**{**stored, "start_date": datetime.date.fromisoformat(start) if start else None})


def _read_results(data: bytes, filename: str) -> tuple[list[PersonLine], list[elections.Problem]]:
    """The results file's lines as the people import reads them (the same format); a problem with
    the whole file (not UTF-8, the wrong columns) is refused on the upload's field, a line's problems
    are shown in the preview with the election's own."""
    parsed = parse_people_file(data, filename)
    whole = [problem for problem in parsed.problems if problem.line <= 1]
    if whole:
        raise RuleViolation(" ".join(problem.message for problem in whole), field="results")
    if not parsed.lines and not parsed.problems:
        raise RuleViolation("The file has no results: one line for each councillor elected.", field="results")
    return parsed.lines, parsed.problems
