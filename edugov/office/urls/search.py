"""Office URLs: search."""

urlpatterns: list = []
