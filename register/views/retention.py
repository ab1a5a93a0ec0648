"""The retention pages (issue 21): the schedule in force (and the Monitoring Officer's change form), legal
holds, disposal runs, and one run with its items by kind and the approve/reject form.

Thin: each page reads through a selector scoped to the viewer and changes things only through a service.
The Monitoring Officer, deputy, Data Protection Officer and auditors read them; to anyone else they do not
exist. Only the Monitoring Officer changes anything (register/policies/retention.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from register import retention
from register.errors import DomainError, NotFound
from register.forms_retention import DecisionForm, HoldForm, PeriodForm, ReleaseForm
from register.policies.retention import manages_retention, reads_retention
from register.selectors import retention as reads
from register.selectors.retention_schedule import periods_in_force
from register.services import retention as services
from register.views.context import standing
from register.views.domain_errors import form_page

ROWS_PER_PAGE = 50


def _reader(request):
    viewer = standing(request)
    if not reads_retention(viewer):
        raise NotFound("There is no such page.")
    return viewer


@login_required
def schedule(request):
    """The periods in force, what is erased and what stays; the Monitoring Officer's change form."""
    viewer = _reader(request)
    manages = manages_retention(viewer)
    form = PeriodForm(request.POST or None) if manages else None
    if request.method == "POST":
        if not manages:
            return redirect("retention:schedule")
        if form.is_valid():
            try:
                services.retention_period_set(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.refuse(error)
            else:
                messages.success(request, "The retention period is set.")
                return redirect("retention:schedule")
    context = {"periods": periods_in_force(), "manages": manages}
    if form is None:
        return render(request, "register/retention/schedule.html", context)
    return form_page(request, "register/retention/schedule.html", context, form=form)


@login_required
def holds(request):
    viewer = _reader(request)
    page = Paginator(reads.legal_holds(viewer=viewer), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "register/retention/holds.html",
        {"page": page, "manages": manages_retention(viewer), "kinds": _kinds()},
    )


def _kinds() -> dict[str, str]:
    return {kind.key: kind.label for kind in retention.KINDS}


@login_required
def hold_place(request):
    viewer = _reader(request)
    if not manages_retention(viewer):
        raise NotFound("There is no such page.")
    form = HoldForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_place(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, "The legal hold is placed.")
            return redirect("retention:holds")
    return form_page(request, "register/retention/form.html", {"title": "Place a legal hold"}, form=form)


@login_required
def hold_release(request, hold_id: int):
    viewer = _reader(request)
    if not manages_retention(viewer):
        raise NotFound("There is no such page.")
    hold = reads.legal_hold(viewer=viewer, hold_id=hold_id)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_release(actor=request.user, hold=hold, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, "The legal hold is released.")
            return redirect("retention:holds")
    context = {"title": "Release a legal hold", "hold": hold, "kinds": _kinds()}
    return form_page(request, "register/retention/form.html", context, form=form)


@login_required
def runs(request):
    viewer = _reader(request)
    page = Paginator(reads.disposal_runs(viewer=viewer), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "register/retention/runs.html", {"page": page, "manages": manages_retention(viewer)})


@login_required
@require_POST
def run_propose(request):
    viewer = _reader(request)
    if not manages_retention(viewer):
        raise NotFound("There is no such page.")
    run = services.disposal_run_propose(actor=request.user)
    messages.success(request, "A disposal run is proposed: review it, then approve or reject it.")
    return redirect("retention:run", run.pk)


@login_required
def run(request, run_id: int):
    viewer = _reader(request)
    disposal_run, by_kind = reads.disposal_run(viewer=viewer, run_id=run_id)
    decides = manages_retention(viewer) and disposal_run.state == disposal_run.State.PROPOSED
    form = DecisionForm(request.POST or None) if decides else None
    if request.method == "POST":
        if form is None:
            return redirect("retention:run", disposal_run.pk)
        if form.is_valid():
            decide = (
                services.disposal_run_approve
                if form.cleaned_data["decision"] == "approve"
                else services.disposal_run_reject
            )
            try:
                decide(actor=request.user, run=disposal_run, reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.refuse(error)
            else:
                messages.success(request, "Your decision is recorded.")
                return redirect("retention:run", disposal_run.pk)
    context = {"run": disposal_run, "by_kind": by_kind}
    if form is None:
        return render(request, "register/retention/run.html", context)
    return form_page(request, "register/retention/run.html", context, form=form)
