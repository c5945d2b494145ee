pytest_plugins = ["edugov.platform.testing.fixtures", "edugov.portal.testing.fixtures"]
