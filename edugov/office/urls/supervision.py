"""Office URLs: supervision."""

urlpatterns: list = []
