"""The API's complaints endpoints (D4): /api/complaints/, one complaint, and one POST per move."""

from rest_framework.routers import SimpleRouter

from api import views_complaints

router = SimpleRouter()
router.register("complaints", views_complaints.ComplaintViewSet, basename="complaint")

urlpatterns = router.urls
