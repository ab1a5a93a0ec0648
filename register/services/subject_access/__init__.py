"""Subject access (issue 21): producing one person's export, recorded with its history, and the
documents it is made of (a ZIP of JSON and a readable HTML document, or the same document as a PDF)."""

from register.services.subject_access.documents import (
    export_file,
    file_name,
    html_document,
    manifest,
    pdf_document,
    zip_document,
)
from register.services.subject_access.exports import subject_access_export

__all__ = [
    "export_file",
    "file_name",
    "manifest",
    "html_document",
    "pdf_document",
    "subject_access_export",
    "zip_document",
]
