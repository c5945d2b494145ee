"""To-do provider: data-quality findings to correct (see todo_providers.py)."""
