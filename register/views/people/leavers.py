"""Recording a leaver (issue 17, point 3): Democratic Services gives the last day and the reason,
sees what will happen (``register.selectors.leavers.leaving_plan``), confirms, and the service
(``register.services.people.leavers.person_leave``) does it all in one transaction. Who may open the
page is the workflow's (``PERSON_RECORD``'s ``record leaver``): others get "not found" or a refusal
naming the rule, as every action page does."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from register import selectors, workflow
from register.errors import NotFound, RuleViolation
from register.forms_declarations import DateField, RegisterForm
from register.models import Person
from register.selectors.leavers import check_leaving_date, leaving_plan
from register.services.people.changes import version_of
from register.services.people.leavers import person_leave
from register.views.domain_errors import form_page, require_move

TEMPLATE = "register/people/leave.html"


class LeaveForm(RegisterForm):
    submit_label = "Continue"

    left_on = DateField(
        what="they left",
        label="What was their last day?",
        help_text="Their posts and memberships end on this day; from the next day they cannot sign in. "
        "For example, 31 3 2026",
    )
    reason = forms.CharField(
        label="Why did they leave?",
        help_text="For example: resigned, retired, stood down at the election, disqualified. "
        "It is kept with every change this makes.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why they left"},
        max_length=500,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _person(request, pk: int) -> Person:
    person = Person.objects.filter(pk=pk).exclude(kind=Person.Kind.SYSTEM).first()
    if person is None:
        raise NotFound(workflow.PERSON_RECORD.not_found)
    require_move(request, workflow.PERSON_RECORD, workflow.RECORD_LEAVER, person)
    return person


@login_required
def leave(request, pk: int):
    """Step one, the last day and the reason; step two, what will happen and a button to confirm;
    then the confirmation (or the person's page, where there is one)."""
    person = _person(request, pk)
    form = LeaveForm(request.POST or None, initial={"version": version_of(person)})
    context = {"person": person}
    if request.method == "POST" and form.is_valid():
        left_on, reason = form.cleaned_data["left_on"], form.cleaned_data["reason"]
        if request.POST.get("confirm") == "yes":
            try:
                plan = person_leave(
                    actor=request.user,
                    reason=reason,
                    person=person,
                    left_on=left_on,
                    version=form.cleaned_data["version"],
                )
            except RuleViolation as error:
                form.refuse(error)
            else:
                return _done(request, person, plan)
        else:
            try:
                check_leaving_date(person, left_on, selectors.today())
            except RuleViolation as error:
                form.refuse(error)
            else:
                plan = leaving_plan(person, left_on)
                return render(request, TEMPLATE, {**context, "form": form, **_preview(plan, form)})
    return form_page(request, TEMPLATE, context, form=form)


def _preview(plan, form) -> dict:
    """What the confirmation step shows, and the answers it carries as hidden fields."""
    named = plan.people_told_by_name()
    return {
        "plan": plan,
        "told_by_name": named,
        "told_otherwise": len(plan.people_told()) - len(named),
        "refused_from": plan.left_on + datetime.timedelta(days=1),
        "carried": [
            ("left_on_0", plan.left_on.day),
            ("left_on_1", plan.left_on.month),
            ("left_on_2", plan.left_on.year),
            ("reason", form.cleaned_data["reason"]),
            ("version", form.cleaned_data["version"] or ""),
        ],
    }


def _done(request, person, plan):
    try:
        detail = reverse("people:detail", args=[person.pk])
    except NoReverseMatch:
        return render(request, "register/people/leave_done.html", {"person": person, "plan": plan})
    messages.success(request, f"{person} is recorded as having left on {plan.left_on:%d %B %Y}.")
    return redirect(detail)
