pytest_plugins = ["homefield.testing.kafka"]
