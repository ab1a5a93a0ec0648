"""The concerns pages' addresses."""

app_name = "concerns"
urlpatterns: list = []
