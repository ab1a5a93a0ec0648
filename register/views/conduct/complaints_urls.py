"""The complaints pages' addresses."""

app_name = "complaints"
urlpatterns: list = []
