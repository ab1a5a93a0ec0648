"""API routes, the OpenAPI schema and its documentation page."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views, views_audit, views_declarations

router = DefaultRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("posts", views.PostViewSet, basename="post")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("declarations", views_declarations.DeclarationViewSet, basename="declaration")
router.register("notices", views.NoticeViewSet, basename="notice")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("token/", views.TokenView.as_view(), name="api-token"),
    path("absences/", views.AbsenceRecordView.as_view(), name="api-absence-record"),
    path("history/", views_audit.TimelineView.as_view(), name="audit-timeline"),
    path("history/<slug:record_type>/<int:record_id>/", views_audit.RecordHistoryView.as_view(),
         name="audit-record-history"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
