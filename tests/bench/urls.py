"""The register's URLs, and the bare baseline views under /bench/."""

from django.urls import include, path

from tests.bench import views

urlpatterns = [
    path("bench/requests/", views.bare_request_list, name="bench-bare-requests"),
    path("bench/requests/signed-in/", views.signed_in_request_list, name="bench-signed-in-requests"),
    path("bench/public-register/", views.public_register, name="bench-public-register"),
    path("", include("register.urls")),
]

handler404 = "api.handlers.page_not_found"
handler500 = "register.views.errors.server_error"
