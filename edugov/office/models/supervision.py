"""supervision of the internal office (filled in by its area)."""

__all__: list[str] = []
