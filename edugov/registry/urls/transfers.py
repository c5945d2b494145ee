"""Registry URLs: transfers (see registry/urls/__init__.py)."""

urlpatterns: list = []
