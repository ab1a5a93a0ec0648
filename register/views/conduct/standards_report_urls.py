"""The standards report pages' addresses."""

from django.urls import path

from register.views.conduct import standards_report

app_name = "standards-report"
urlpatterns: list = [
    path("", standards_report.report, name="report"),
    path("standards-committee-report.pdf", standards_report.pdf, name="pdf"),
]
