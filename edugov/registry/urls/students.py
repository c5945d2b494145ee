"""Registry URLs: students (see registry/urls/__init__.py)."""

urlpatterns: list = []
