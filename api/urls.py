"""API routes, the OpenAPI schema and its documentation page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views, views_attendance, views_audit, views_declarations

router = DefaultRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("posts", views.PostViewSet, basename="post")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("declarations", views_declarations.DeclarationViewSet, basename="declaration")
router.register("attendance-requests", views_attendance.AttendanceRequestViewSet, basename="attendance-request")
router.register("meetings", views_attendance.MeetingViewSet, basename="meeting")
router.register("attendance-information", views_attendance.InformationViewSet, basename="attendance-information")
router.register("notices", views.NoticeViewSet, basename="notice")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("token/", views.TokenView.as_view(), name="api-token"),
    path("token/revoke/", views.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("absences/", views.AbsenceRecordView.as_view(), name="api-absence-record"),
    # Ids are whole numbers within the database's range: anything else is simply not found.
    re_path(r"^absences/(?P<pk>[0-9]{1,18})/cancel/$", views.AbsenceCancelView.as_view(), name="api-absence-cancel"),
    re_path(r"^absences/(?P<pk>[0-9]{1,18})/end/$", views.AbsenceEndView.as_view(), name="api-absence-end"),
    path("information-shared/", views_attendance.InformationSharedView.as_view(), name="api-information-shared"),
    path("attendance-parity/", views_attendance.ParityReportView.as_view(), name="api-attendance-parity"),
    path(
        "public/officer-attendance/",
        views_attendance.PublicAttendanceRegisterView.as_view(),
        name="api-public-officer-attendance",
    ),
    path("history/", views_audit.TimelineView.as_view(), name="audit-timeline"),
    path("access-log/", views_audit.AccessLogView.as_view(), name="api-access-log"),
    path(
        "history/<slug:record_type>/<int:record_id>/",
        views_audit.RecordHistoryView.as_view(),
        name="audit-record-history",
    ),
    path(
        "history/<slug:record_type>/<int:record_id>/changes/<int:history_id>/proof/",
        views_audit.RecordProofView.as_view(),
        name="audit-record-proof",
    ),
    # Concerns (D1-D3, D6), Code of Conduct complaints (D4) and the Standards Committee report's figures (D5).
    path("", include("api.urls_concerns")),
    path("", include("api.urls_complaints")),
    path("", include("api.urls_standards_report")),
    # Subject access (issue 21, item 3): before the router, whose people/<pk>/ would not match it anyway.
    path("", include("api.urls_subject_access")),
    # Retention and disposal (issue 21).
    path("", include("api.urls_retention")),
    # E-mails that did not arrive, and sending one again (Democratic Services; issue 22's follow-up).
    path("", include("api.urls_deliveries")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
