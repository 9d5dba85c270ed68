from mlcore.tests.fixtures import global_model  # noqa: F401 - the web server under test categorizes as in production
