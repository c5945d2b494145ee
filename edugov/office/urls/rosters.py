"""Office URLs: rosters."""

urlpatterns: list = []
