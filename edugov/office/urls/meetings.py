"""Office URLs: meetings."""

urlpatterns: list = []
