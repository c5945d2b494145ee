pytest_plugins = ["edugov.platform.testing.fixtures"]
