"""The register's URLs: pages, the API and the admin."""
from django.contrib import admin
from django.urls import include, path

from register.views import auth, home, notices

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("notices/", notices.inbox, name="notices"),
    path("notices/<int:notice_id>/read/", notices.mark_read, name="notice-read"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "api.handlers.page_not_found"
# An unreachable database is answered 503, not with the crash page (register/views/errors.py).
handler500 = "register.views.errors.server_error"
