import pytest

from mlcore.tests.fixtures import global_model  # noqa: F401 - the global categorizer, as set-up leaves it


@pytest.fixture
def signed_in(client, owner, account):
    client.force_login(owner)
    return client
