"""Registry URLs: imports (see registry/urls/__init__.py)."""

urlpatterns: list = []
