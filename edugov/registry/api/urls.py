"""REST API of the registry (``/api/``), with its OpenAPI document."""

urlpatterns: list = []
