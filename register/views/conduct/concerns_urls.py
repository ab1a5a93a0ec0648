"""The concerns pages' addresses (D1-D3, D6)."""

from django.urls import path

from register.views.conduct import concerns

app_name = "concerns"
urlpatterns: list = [
    path("", concerns.index, name="index"),
    path("raise/", concerns.raise_concern, name="raise"),
    path("<int:concern_id>/", concerns.detail, name="detail"),
    path("<int:concern_id>/raised/", concerns.raised, name="raised"),
    path("<int:concern_id>/<slug:action>/", concerns.act, name="act"),
]
