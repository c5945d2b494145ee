"""Forms of the portal's pages, one module per area."""
