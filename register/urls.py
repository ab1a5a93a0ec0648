"""The register's URLs: pages, the API and the admin."""
from django.contrib import admin
from django.urls import include, path

from register.views import auth, home

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

# An unreachable database is answered 503, not with the crash page (register/views/errors.py).
handler500 = "register.views.errors.server_error"
