"""Democratic Services' list of the parish and town councils in the area (D4): a complaint about one of
their councillors names the council. They hold no posts or members in the register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from register.errors import RuleViolation
from register.selectors import complaints as complaint_reads
from register.services import people as people_services
from register.views.domain_errors import form_page
from register.views.people.records import (
    _found,
    may_change_council,
    posted,
    require_council_change,
    require_reader,
)
from register.views.people.records_forms import LocalCouncilForm

KIND = {"plural": "Parish and town councils", "one": "parish or town council", "list": "people:local-councils"}


@login_required
def local_councils(request):
    """The parish and town councils in the area, by name."""
    require_reader(request)
    return render(
        request,
        "register/people/local_councils.html",
        {"councils": complaint_reads.local_councils(), "may_change": may_change_council(request)},
    )


@login_required
def local_council_add(request):
    require_council_change(request)
    form = LocalCouncilForm(posted(request), submit_label="Add the council")
    if request.method == "POST" and form.is_valid():
        try:
            organization = people_services.organization_create(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                name=form.cleaned_data["name"],
                classification=form.cleaned_data["classification"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"{organization} is added.")
            return redirect("people:local-councils")
    return form_page(
        request,
        "register/people/records_organization_form.html",
        {"kind": KIND, "title": "Add a parish or town council"},
        form=form,
    )


@login_required
def local_council_change(request, pk: int):
    """Rename a parish or town council, or correct which it is."""
    require_reader(request)
    organization = _found(complaint_reads.local_councils().filter(pk=pk).first())
    require_council_change(request, organization)
    form = LocalCouncilForm(
        posted(request),
        initial={"name": organization.name, "classification": organization.classification},
        submit_label="Save the changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.organization_update(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                organization=organization,
                changes={"name": form.cleaned_data["name"], "classification": form.cleaned_data["classification"]},
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} is saved.")
            return redirect("people:local-councils")
    return form_page(
        request,
        "register/people/records_organization_form.html",
        {"kind": KIND, "title": f"Change {organization}"},
        form=form,
    )


__all__ = ["local_council_add", "local_council_change", "local_councils"]
