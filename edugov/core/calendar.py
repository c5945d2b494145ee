def seed_calendar(*, using: str = "default") -> None:
    """Placeholder: implemented with the work calendar."""
