"""The API's concerns endpoints."""

urlpatterns: list = []
