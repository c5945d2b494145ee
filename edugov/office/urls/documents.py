"""Office URLs: documents."""

urlpatterns: list = []
