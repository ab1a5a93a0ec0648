"""The API's standards report endpoints."""

urlpatterns: list = []
