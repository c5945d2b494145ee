"""Registry URLs: units (see registry/urls/__init__.py)."""

urlpatterns: list = []
