"""Code-table and region data files shipped with edugov (read with importlib.resources)."""
