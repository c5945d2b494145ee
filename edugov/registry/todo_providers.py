"""To-do providers of the registry (imported from RegistryConfig.ready)."""
