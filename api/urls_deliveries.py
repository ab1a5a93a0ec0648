"""The API's routes for e-mails that did not arrive (Democratic Services): before the router, whose
notices/<pk>/ would otherwise take them."""

from django.urls import path, re_path

from api import views_deliveries as views

urlpatterns: list = [
    path("notices/undelivered/", views.UndeliveredView.as_view(), name="api-notices-undelivered"),
    re_path(
        r"^notices/undelivered/(?P<pk>[0-9]{1,18})/send-again/$",
        views.SendAgainView.as_view(),
        name="api-notice-send-again",
    ),
]
