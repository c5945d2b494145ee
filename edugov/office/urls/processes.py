"""Office URLs: processes."""

urlpatterns: list = []
