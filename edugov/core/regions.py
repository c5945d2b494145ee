def load_regions(*, using: str = "default") -> None:
    """Placeholder: implemented with the region table."""
