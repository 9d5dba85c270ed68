"""Schemathesis against the whole API, in-process through WSGI: every operation of the OpenAPI schema, called with
a few generated examples as a signed-in user who has one of everything, must answer no server error, only status
codes and content types the schema documents, and bodies that match the schema.

Bounded so that CI can afford it on every run: a handful of examples per operation, derandomized (the same
examples every run, so a failure is reproducible and never flaky), no shrinking. The test prints what it checked:

    schemathesis: 127 operations, 1270 examples, checks not_a_server_error, status_code_conformance, ..., 40 s
    schemathesis: 0 operations failed

Examples are valid and invalid input (which must be a documented 4xx, never a 500) alike. Half of them use the
ids of the user's own objects in the path (the rest are the generated ones, nearly always a 404), so that the
endpoints behind a path parameter answer from real data too.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tests.factories import UserFactory
from tests.test_api_contract import World, _resource, world_of

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # per operation
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler inside the test's transaction: like Django's test client, it must not close the
    connection at the start or end of a request (that would end the transaction the test runs in)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _our_ids(world: World, path: str, names: list[str]) -> dict[str, Any]:
    return {name: world.ids[_resource(path, name)] for name in names}


def _check(operation: Any, world: World, token: str) -> tuple[int, str | None]:
    """Run one operation's examples; how many ran, and the failure report if any failed."""
    calls = 0
    headers = {"Authorization": f"Bearer {token}"}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)), ours=st.booleans())
    def run(case: Any, ours: bool) -> None:
        nonlocal calls
        if ours and case.path_parameters:
            case.path_parameters = {**case.path_parameters,
                                    **_our_ids(world, operation.path, list(case.path_parameters))}
        calls += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every failure is reported, then the test fails
        return calls, f"{operation.label}:\n{error}"
    return calls, None


def test_every_operation_keeps_to_the_schema_under_generated_input(wsgi_app, capsys):
    started = time.monotonic()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    examples = 0
    failures: list[str] = []
    for number, operation in enumerate(operations):
        # A fresh user and world for each operation, rolled back after it: a deleted account, a changed
        # password or a signed-out token cannot spoil the operations after it.
        try:
            with transaction.atomic():
                user = UserFactory(email=f"schemathesis-{number}@example.com")
                world = world_of(user, invitee_email=f"invitee-{number}@example.com")
                token = str(RefreshToken.for_user(user).access_token)
                calls, failure = _check(operation, world, token)
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - a request that broke the transaction is a failure too
            calls, failure = 0, f"{operation.label}: {error!r}"
        examples += calls
        if failure:
            failures.append(failure)
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, {examples} examples, checks "
              f"{', '.join(check.__name__ for check in CHECKS)}, {seconds:.0f} s")
        print(f"schemathesis: {len(failures)} operations failed")
        for failure in failures:
            print(failure)
    assert len(operations) >= 90  # the whole API, not a broken load that tests nothing
    assert examples >= len(operations) * 2
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
