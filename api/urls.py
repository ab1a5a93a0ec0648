"""API routes."""
from django.urls import path

from api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("absences/", views.AbsenceRecordView.as_view(), name="api-absence-record"),
]
