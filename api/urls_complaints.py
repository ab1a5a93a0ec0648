"""The API's complaints endpoints."""

urlpatterns: list = []
