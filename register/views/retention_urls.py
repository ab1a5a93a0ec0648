"""The retention pages' addresses (issue 21)."""

from django.urls import path

from register.views import retention

app_name = "retention"
urlpatterns: list = [
    path("", retention.schedule, name="schedule"),
    path("holds/", retention.holds, name="holds"),
    path("holds/new/", retention.hold_place, name="hold-place"),
    path("holds/<int:hold_id>/release/", retention.hold_release, name="hold-release"),
    path("runs/", retention.runs, name="runs"),
    path("runs/new/", retention.run_propose, name="run-propose"),
    path("runs/<int:run_id>/", retention.run, name="run"),
]
