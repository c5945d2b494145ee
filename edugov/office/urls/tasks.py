"""Office URLs: tasks."""

urlpatterns: list = []
