def load_code_tables(*, using: str = "default") -> None:
    """Placeholder: implemented with the code tables."""
