"""The API's concerns endpoints (D1-D3, D6): /api/concerns/, one concern, and one POST per move."""

from rest_framework.routers import SimpleRouter

from api import views_concerns

router = SimpleRouter()
router.register("concerns", views_concerns.ConcernViewSet, basename="concern")

urlpatterns: list = router.urls
