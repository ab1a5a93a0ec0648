"""Importing people from a file (upload, preview, correct and upload again, confirm) and exporting
them, for Democratic Services (issue 17, point 5).

The uploaded file's bytes are kept in the server-side session between the preview and the
confirmation, never in the page: the confirmation parses and plans them again, against the register
as it is then, so that what is saved is what the preview would show now. The confirmation form
carries the file's digest, so that a file replaced in another tab is not imported unseen.
"""

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from register import policies, selectors, workflow
from register.errors import NotFound, RuleViolation
from register.forms import GovukFormMixin
from register.services.people.exports import export_people_csv, export_people_popolo
from register.services.people.import_plan import import_people, plan_import
from register.services.people.imports import MAX_LINES, parse_people_file
from register.views.context import standing
from register.views.domain_errors import form_page, require_move

SESSION_KEY = "people_import"
DONE_KEY = "people_import_done"
# A file of MAX_LINES people is well under this; a bigger one is refused before it is read.
MAX_BYTES = 5 * 1024 * 1024


class UploadForm(GovukFormMixin, forms.Form):
    submit_label = "Upload and preview"

    file = forms.FileField(
        label="Upload a file",
        help_text=(
            f"A CSV file (saved from a spreadsheet as “CSV UTF-8”) or Popolo JSON, of at most {MAX_LINES:,} people. "
            "Nothing is saved until you have seen what the file would change and confirmed it."
        ),
        error_messages={"required": "Select a file of people", "empty": "The selected file is empty"},
    )
    reason = forms.CharField(
        label="Why are you importing these people?",
        max_length=500,
        help_text="For example, the results of the May 2026 elections. Recorded in each person’s history.",
        error_messages={"required": "Say why you are importing these people"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.attrs = {"novalidate": "", "enctype": "multipart/form-data"}
        self.helper.form_action = "people:import"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The selected file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files"
            )
        return upload


def _gate(request):
    """Democratic Services only: those who may not read people's records are told there is no such
    page (404); those who may read but not import (the Monitoring Officer, auditors) are refused (403)."""
    if not policies.reads_people_records(standing(request)):
        raise NotFound("There is no such page.")
    require_move(request, workflow.COUNCIL_RECORDS, workflow.IMPORT_PEOPLE, None)


def _kept(request):
    """The file kept for the preview, or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return None
    return {**kept, "data": base64.b64decode(kept["data"])}


def _plan(kept):
    return plan_import(parse_people_file(kept["data"], kept["name"]), on=selectors.today())


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Choose a file (and say why); its preview follows."""
    _gate(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        request.session[SESSION_KEY] = {
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
            "digest": hashlib.sha256(data).hexdigest(),
            "reason": form.cleaned_data["reason"],
        }
        return redirect("people:import-preview")
    return form_page(request, "register/people/import.html", {}, form=form)


@login_required
@require_GET
def preview(request):
    """What the kept file would change (who joins, who changes and how, who is unchanged), or every
    problem in it by line and field, with a form to upload a corrected file."""
    _gate(request)
    kept = _kept(request)
    if kept is None:
        return redirect("people:import")
    plan = _plan(kept)
    form = UploadForm(initial={"reason": kept["reason"]})
    status = 200 if plan.is_clean else 400
    return render(
        request,
        "register/people/import_preview.html",
        {"plan": plan, "kept": kept, "form": form, "max_lines": MAX_LINES},
        status=status,
    )


@login_required
@require_POST
def confirm(request):
    """Import the kept file, parsed and planned again now; all or nothing."""
    _gate(request)
    kept = _kept(request)
    if kept is None or request.POST.get("digest") != kept["digest"]:
        messages.info(request, "The file changed since that preview: check this one before importing it.")
        return redirect("people:import-preview" if kept else "people:import")
    plan = _plan(kept)
    try:
        import_people(actor=request.user, reason=kept["reason"], plan=plan)
    except RuleViolation as refused:
        messages.info(request, f"Nothing has been imported: {refused.message}")
        return redirect("people:import-preview")
    del request.session[SESSION_KEY]
    request.session[DONE_KEY] = {
        "name": kept["name"],
        "added": [planned.line.name for planned in plan.added],
        "changed": [planned.line.name for planned in plan.changed],
        "unchanged": len(plan.unchanged),
        "new_groups": plan.new_groups,
    }
    return redirect("people:import-done")


@login_required
@require_GET
def done(request):
    """The confirmation: who was added and changed."""
    _gate(request)
    summary = request.session.get(DONE_KEY)
    if summary is None:
        return redirect("people:import")
    return render(request, "register/people/import_done.html", {"summary": summary})


@login_required
@require_GET
def export_csv(request):
    """The current people, groups and memberships in the import's CSV format."""
    _gate(request)
    response = HttpResponse(export_people_csv(on=selectors.today()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="people-{selectors.today():%Y-%m-%d}.csv"'
    return response


@login_required
@require_GET
def export_json(request):
    """The current people, groups and memberships as Popolo JSON."""
    _gate(request)
    response = HttpResponse(export_people_popolo(on=selectors.today()), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="people-{selectors.today():%Y-%m-%d}.json"'
    return response
