"""The API's standards report endpoints."""

from django.urls import path

from api import views_standards_report

urlpatterns: list = [
    path("standards-report/", views_standards_report.StandardsReportView.as_view(), name="api-standards-report"),
]
