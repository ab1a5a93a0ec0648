"""The API's subject access endpoint (issue 21, item 3)."""

from django.urls import re_path

from api import views_subject_access

urlpatterns: list = [
    # Ids are whole numbers within the database's range: anything else is simply not found.
    re_path(
        r"^people/(?P<pk>[0-9]{1,18})/subject-access/$",
        views_subject_access.SubjectAccessExportView.as_view(),
        name="api-subject-access",
    ),
]
