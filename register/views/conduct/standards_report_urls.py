"""The standards report pages' addresses."""

app_name = "standards-report"
urlpatterns: list = []
