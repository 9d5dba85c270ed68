from mlcore.tests.fixtures import global_model  # noqa: F401 - the global categorizer, as set-up leaves it
