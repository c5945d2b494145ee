"""Office URLs: archives."""

urlpatterns: list = []
