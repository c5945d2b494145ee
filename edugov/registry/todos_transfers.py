"""To-do provider: transfer steps awaiting a decision (see todo_providers.py)."""
