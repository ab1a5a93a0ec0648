"""The statutory officers' absences (issue 17, point 2; A2): Democratic Services record, end early and
cancel the Chief Executive's and the Monitoring Officer's absences; the Monitoring Officer and their
deputy record the Monitoring Officer's here too. Who may do what is the ABSENCE workflow's (the policy
``records_absence``); the Chief Executive's own page (/attendance/absence/) keeps working as before."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from register import selectors, workflow
from register.errors import DomainError, RuleViolation
from register.forms_people_accounts import CancelAbsenceForm, EndAbsenceForm, StatutoryAbsenceForm
from register.models import Absence, Post
from register.selectors.absences import absence_posts, statutory_absences
from register.services import people as people_services
from register.views.attendance.common import posted
from register.views.context import standing
from register.views.domain_errors import form_page, require_move


@login_required
def absences(request):
    """The Chief Executive's and the Monitoring Officer's absences (who, from, to, recorded by, state),
    each with what the viewer may do to it, and a form to record one for the posts the viewer may."""
    viewer = standing(request)
    listed = list(statutory_absences(viewer=viewer))
    posts = absence_posts()
    roles = [role for role in Post.ABSENCE_DEPUTIES if role in posts and _may_record(viewer, posts[role])]
    if request.method == "POST" and not roles:
        # The workflow's own refusal (403, naming the rule) to someone who may record no absence.
        workflow.require(workflow.ABSENCE, workflow.RECORD_ABSENCE, None, viewer, state=workflow.NEW)
    form = StatutoryAbsenceForm(posted(request), roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = people_services.absence_record(actor=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form.refuse(error)
        else:
            deputy = Post.Role(Post.ABSENCE_DEPUTIES[form.cleaned_data["role"]]).label
            messages.success(
                request,
                f"The absence of {recorded.person} from {recorded.start_date:%-d %B %Y} to "
                f"{recorded.end_date:%-d %B %Y} is recorded; the {deputy} acts meanwhile and has been told.",
            )
            return redirect("people:absences")
    rows = [(absence, workflow.allowed_moves(workflow.ABSENCE, absence, viewer)) for absence in listed]
    return form_page(
        request,
        "register/people/absences.html",
        {
            "rows": rows,
            "may_record": bool(roles),
            "END": workflow.END_ABSENCE,
            "CANCEL": workflow.CANCEL_ABSENCE,
            "today": viewer.on,
        },
        form=form,
    )


@login_required
def end_absence(request, absence_id: int):
    """End a recorded absence early: its new last day, and why."""
    absence = _absence(request, absence_id)
    require_move(request, workflow.ABSENCE, workflow.END_ABSENCE, absence)
    form = EndAbsenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            ended = people_services.absence_end(actor=request.user, absence=absence, **form.cleaned_data)
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"The absence of {ended.person} now ends on {ended.end_date:%-d %B %Y}; they are back the day after.",
            )
            return redirect("people:absences")
    return form_page(request, "register/people/absences_end.html", {"absence": absence}, form=form)


@login_required
def cancel_absence(request, absence_id: int):
    """Cancel a recorded absence that will not happen, after confirming why."""
    absence = _absence(request, absence_id)
    require_move(request, workflow.ABSENCE, workflow.CANCEL_ABSENCE, absence)
    form = CancelAbsenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        people_services.absence_cancel(actor=request.user, absence=absence, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            f"The absence of {absence.person} from {absence.start_date:%-d %B %Y} to "
            f"{absence.end_date:%-d %B %Y} is cancelled.",
        )
        return redirect("people:absences")
    return form_page(request, "register/people/absences_cancel.html", {"absence": absence}, form=form)


def _absence(request, absence_id: int) -> Absence:
    return selectors.absence_for(viewer=standing(request), pk=absence_id)


def _may_record(viewer, post: Post) -> bool:
    """Whether the workflow lets the viewer record an absence of ``post``'s holder (asked of a new one)."""
    try:
        workflow.require(workflow.ABSENCE, workflow.RECORD_ABSENCE, Absence(post=post), viewer, state=workflow.NEW)
    except DomainError:
        return False
    return True
