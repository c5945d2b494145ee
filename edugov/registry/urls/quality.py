"""Registry URLs: quality (see registry/urls/__init__.py)."""

urlpatterns: list = []
