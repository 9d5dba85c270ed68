"""Rate limits and brute-force lockout, on the API and on the pages."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "signup": "3/min", "token": "3/min", "password_reset": "3/min"},
    }


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/auth/token/", {"email": "x@example.com", "password": "whatever-it-is"}),
        ("/api/v1/auth/signup/", {"email": "bad"}),
        ("/api/v1/auth/password/reset/", {"email": "x@example.com"}),
        ("/api/v1/auth/token/refresh/", {"refresh": "nope"}),
    ],
)
def test_api_auth_endpoints_are_rate_limited(api_client, tight_limits, url, payload):
    statuses = [api_client.post(url, payload, format="json").status_code for _ in range(4)]
    assert 429 not in statuses[:3]
    assert statuses[3] == 429
    response = api_client.post(url, payload, format="json")
    assert (response.status_code, response.json()["code"]) == (429, "throttled")
    assert "throttled" in response.json()["message"].lower()
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/accounts/login/", {"username": "x@example.com", "password": "whatever-it-is"}),
        ("/accounts/signup/", {"email": "bad"}),
        ("/accounts/password/reset/", {"email": "x@example.com"}),
    ],
)
def test_pages_are_rate_limited(client, tight_limits, url, payload):
    statuses = [client.post(url, payload).status_code for _ in range(4)]
    assert 429 not in statuses[:3]
    assert statuses[3] == 429
    response = client.post(url, payload)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_api_login_locks_out_after_repeated_failures(api_client, owner, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong-guess-123"}, format="json")
    # Even the right password is refused while locked out.
    response = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password}, format="json")
    assert (response.status_code, response.json()["code"]) == (429, "locked_out")
    assert "locked" in response.json()["message"]
    assert AccessAttempt.objects.filter(username=owner.email).exists()


def test_page_login_locks_out_after_repeated_failures(client, owner, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": owner.email, "password": "wrong-guess-123"})
    response = client.post("/accounts/login/", {"username": owner.email, "password": password})
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_lockout_on_the_pages_also_blocks_the_api(client, api_client, owner, password, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": owner.email, "password": "wrong-guess-123"})
    response = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password}, format="json")
    assert (response.status_code, response.json()["code"]) == (429, "locked_out")


def test_a_successful_login_resets_the_failure_count(api_client, owner, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong-guess-123"}, format="json")
    assert api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password},
                           format="json").status_code == 200
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong-guess-123"}, format="json")
    assert api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password},
                           format="json").status_code == 200
