"""Cross-cutting tests that are not tied to one Django app (browser tests live in ``e2e``)."""
