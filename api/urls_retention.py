"""The API's retention endpoints (issue 21)."""

from django.urls import path, re_path

from api import views_retention as views

ID = r"(?P<pk>[0-9]{1,18})"

urlpatterns: list = [
    path("retention/schedule/", views.ScheduleView.as_view(), name="api-retention-schedule"),
    re_path(
        r"^retention/schedule/(?P<record_kind>[a-z-]{1,32})/$", views.PeriodView.as_view(), name="api-retention-period"
    ),
    path("retention/holds/", views.HoldsView.as_view(), name="api-retention-holds"),
    re_path(rf"^retention/holds/{ID}/release/$", views.HoldReleaseView.as_view(), name="api-retention-hold-release"),
    path("retention/runs/", views.RunsView.as_view(), name="api-retention-runs"),
    re_path(rf"^retention/runs/{ID}/$", views.RunView.as_view(), name="api-retention-run"),
    re_path(rf"^retention/runs/{ID}/approve/$", views.RunApproveView.as_view(), name="api-retention-run-approve"),
    re_path(rf"^retention/runs/{ID}/reject/$", views.RunRejectView.as_view(), name="api-retention-run-reject"),
]
