"""Subject access pages (issue 21, UK GDPR Articles 15 and 16), for the Monitoring Officer and the Data
Protection Officer: choose the person, see a short summary of what the register holds about them and
what is withheld, and download it (POST, with the request it answers as the reason) as a ZIP of JSON and
a readable HTML document, or as a PDF. Every download is recorded (``SubjectAccessExport``, with history).

Thin: the reading is the selector's (register/selectors/subject_access.py), the export and its record
the service's, the documents ``register/services/subject_access/documents.py``'s."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from register.errors import NotFound, RuleViolation
from register.forms_subject_access import ChoosePersonForm, ExportForm
from register.models import SubjectAccessExport
from register.selectors.subject_access import check_answers_subject_access, subject_access
from register.services.subject_access import export_file, subject_access_export
from register.views.context import standing
from register.views.domain_errors import form_page

TEMPLATE = "register/subject_access/person.html"


def _not_found(request, error: NotFound):
    """A person the register does not hold, said in words to those who may ask (the others were already
    told there is no such page)."""
    return render(request, "refused.html", {"title": "Not found", "detail": error.message}, status=404)


@login_required
def choose(request):
    """Whose data: the people list, as a choice; a person not in the register is named as not found."""
    check_answers_subject_access(standing(request))
    form = ChoosePersonForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("people:subject-access", pk=form.cleaned_data["person"].pk)
    return form_page(request, "register/subject_access/choose.html", {}, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def person(request, pk: int):
    """The summary and the download buttons (GET); the download itself (POST), recorded with its reason."""
    viewer = standing(request)
    check_answers_subject_access(viewer)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("form", SubjectAccessExport.Form.ZIP)
        try:
            export, found = subject_access_export(
                person_id=pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                form=chosen,
                via=f"page people:subject-access ({chosen})",
                standing=viewer,
            )
        except NotFound as error:
            return _not_found(request, error)
        except RuleViolation as error:
            form.refuse(error)
        else:
            return _download(request, found, export)
    try:
        found = subject_access(standing=viewer, person_id=pk)
    except NotFound as error:
        return _not_found(request, error)
    earlier = SubjectAccessExport.objects.filter(subject=found.subject).select_related("asked_by")[:20]
    return form_page(request, TEMPLATE, {"access": found, "earlier": earlier}, form=form)


def _download(request, found, export):
    content, media_type, name = export_file(found, export=export, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
