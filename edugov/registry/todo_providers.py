"""To-do providers of the registry (imported from RegistryConfig.ready)."""

from edugov.registry import todos_quality, todos_transfers  # noqa: F401 - registration
