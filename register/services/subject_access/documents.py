"""The documents of a subject access export: a ZIP (stdlib ``zipfile``) of one JSON file per section, a
manifest (who asked, for whom, when, what is withheld and why) and the readable HTML document; and the
same readable document as a tagged PDF (WeasyPrint, PDF/UA), as the Standards Committee report's is.

Every record links to the page where the normal services correct it (rectification, UK GDPR Article 16):
corrections go through those services with a reason, never through the export."""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from register.models import SubjectAccessExport
from register.selectors.subject_access import ERASED, Item, SubjectAccess

DOCUMENT_TEMPLATE = "register/subject_access/document.html"
CORRECTION = (
    "Anything here that is wrong is corrected through the register's normal pages, with a reason that its "
    "history keeps: each record names the page. A person's own name and e-mail address are corrected by "
    "Democratic Services on the people pages."
)


def _absolute(base_url: str, path: str) -> str:
    if not path:
        return ""
    return f"{base_url.rstrip('/')}{path}" if path.startswith("/") else path


def _history_json(item: Item) -> list[dict]:
    return [
        {
            "history_id": version.history_id,
            "record": f"{version.record_type.slug} {version.record_id}" if version.record_type else "",
            "when": version.when,
            "who": version.who.name if version.who is not None else None,
            "change": version.change_text,
            "reason": version.reason,
            "changes": [
                {"field": c.field, "old": c.old, "new": c.new, "old_text": c.old_text, "new_text": c.new_text}
                for c in version.changes
            ],
        }
        for version in item.history
    ]


def _item_json(item: Item, base_url: str) -> dict:
    return {
        "kind": item.kind,
        "id": item.id,
        "title": item.title,
        "fields": {name: value for name, value in item.values.items() if name not in item.erased},
        "withheld": [{"field": name, "reason": reason} for name, reason in item.withheld],
        "erased": [{"field": name, "reason": ERASED} for name in item.erased],
        "corrected_at": _absolute(base_url, item.page),
        "corrected_how": item.page_label,
        "history": _history_json(item),
    }


def _file_name(number: int, key: str) -> str:
    return f"{number:02d}-{key}.json"


def manifest(access: SubjectAccess, export: SubjectAccessExport) -> dict:
    """Who asked, for whom, when, why, what each file holds, and what is withheld or erased and why."""
    return {
        "export": export.pk,
        "produced_at": export.produced_at,
        "asked_by": {"id": export.asked_by_id, "name": export.asked_by.name, "capacity": export.asked_by_capacity},
        "reason": export.reason,
        "subject": {"id": access.subject.pk, "name": access.subject.name},
        "files": [
            {"file": _file_name(number, section.key), "title": section.title, "records": len(section.items)}
            for number, section in enumerate(access.sections, start=1)
        ]
        + [{"file": "subject-access.html", "title": "The same, as a readable document"}],
        "rules_applied": list(access.rules_applied),
        "withheld": access.withheld,
        "erased": access.erased,
        "correction": CORRECTION,
    }


def _dumps(value) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _context(access: SubjectAccess, export: SubjectAccessExport, base_url: str) -> dict:
    sections = [
        (section, [(item, _absolute(base_url, item.page)) for item in section.items]) for section in access.sections
    ]
    return {"access": access, "export": export, "sections": sections, "correction": CORRECTION}


def html_document(access: SubjectAccess, *, export: SubjectAccessExport, base_url: str) -> str:
    """The readable document: every section, each record with its fields, what is withheld and erased,
    its history in words and the page where it is corrected."""
    return render_to_string(DOCUMENT_TEMPLATE, _context(access, export, base_url))


def pdf_document(access: SubjectAccess, *, export: SubjectAccessExport, base_url: str) -> bytes:
    """The readable document as a tagged PDF (PDF/UA), in the fonts the server has."""
    from weasyprint import HTML  # loaded on first use: Pango is only needed to write a PDF

    html = html_document(access, export=export, base_url=base_url)
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")


def zip_document(access: SubjectAccess, *, export: SubjectAccessExport, base_url: str) -> bytes:
    """The ZIP: manifest.json, one JSON file per section, and subject-access.html."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _dumps(manifest(access, export)))
        for number, section in enumerate(access.sections, start=1):
            body = {
                "section": section.key,
                "title": section.title,
                "about": section.about,
                "records": [_item_json(item, base_url) for item in section.items],
            }
            archive.writestr(_file_name(number, section.key), _dumps(body))
        archive.writestr("subject-access.html", html_document(access, export=export, base_url=base_url))
    return buffer.getvalue()


def file_name(access: SubjectAccess, export: SubjectAccessExport, extension: str) -> str:
    return f"subject-access-{access.subject.pk}-{export.produced_at:%Y-%m-%d}.{extension}"


def export_file(access: SubjectAccess, *, export: SubjectAccessExport, base_url: str) -> tuple[bytes, str, str]:
    """The export as the file it was asked for: (content, media type, file name). The page and the API
    both hand it over as it is."""
    if export.form == SubjectAccessExport.Form.PDF:
        content, media_type, extension = (
            pdf_document(access, export=export, base_url=base_url),
            "application/pdf",
            "pdf",
        )
    else:
        content, media_type, extension = (
            zip_document(access, export=export, base_url=base_url),
            "application/zip",
            "zip",
        )
    return content, media_type, file_name(access, export, extension)
