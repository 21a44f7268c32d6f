import platform

# pytest's importlib mode names a test module by its path, so tests under platform/ become
# "platform.tests...." and pytest would re-import the platform/ directory over the standard
# library's `platform` module unless that module looks like a package. Give it an empty path.
if not hasattr(platform, "__path__"):
    platform.__path__ = []  # type: ignore[attr-defined]

pytest_plugins = ["homefield.testing.kafka", "homefield.testing.postgres"]
