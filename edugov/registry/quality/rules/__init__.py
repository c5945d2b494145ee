"""One module per data-quality rule; every module here is imported by ``quality.registry``."""
