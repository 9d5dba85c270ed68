from mlcore.tests.fixtures import global_model, no_model  # noqa: F401 - fixtures for this app's tests
