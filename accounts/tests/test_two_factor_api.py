"""The API's token sign-in with two-factor: the password gives a challenge, the challenge and a code give tokens."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django_otp.oath import TOTP

from accounts import two_factor
from accounts.tests.factories import PASSWORD
from audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
TOKEN_URL = "/api/v1/auth/token/"
SECOND_URL = "/api/v1/auth/token/two-factor/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def app_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = dt.datetime.now(dt.UTC).timestamp()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def with_app(owner, clock):
    device = two_factor.totp_setup_begin(user=owner)
    codes = two_factor.totp_setup_confirm(user=owner, code=app_code(device))
    clock.shift(60)
    return device, codes


def first_step(api_client, user):
    return api_client.post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")


def test_without_two_factor_the_password_gives_tokens(api_client, owner):
    body = first_step(api_client, owner).json()
    assert set(body) == {"access", "refresh"}


def test_with_two_factor_the_password_gives_a_challenge_then_the_code_gives_tokens(api_client, owner, with_app):
    device, _ = with_app
    first = first_step(api_client, owner)
    assert first.status_code == 200
    body = first.json()
    assert body["mfa_required"] is True
    assert body["methods"] == ["totp", "recovery_code"]
    assert body["expires_in"] == 300
    assert "access" not in body and "refresh" not in body
    assert not AuditEntry.objects.filter(action=AuditAction.TOKEN_ISSUE).exists()

    second = api_client.post(SECOND_URL, {"mfa_token": body["mfa_token"], "code": app_code(device)}, format="json")
    assert second.status_code == 200
    tokens = second.json()
    assert set(tokens) == {"access", "refresh"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.get("/api/v1/me/").json()["email"] == owner.email
    assert AuditEntry.objects.filter(action=AuditAction.TOKEN_ISSUE, target_id=str(owner.pk)).count() == 1


def test_a_recovery_code_works_once_through_the_api(api_client, owner, with_app):
    _, codes = with_app
    token = first_step(api_client, owner).json()["mfa_token"]
    assert api_client.post(SECOND_URL, {"mfa_token": token, "code": codes[3]}, format="json").status_code == 200
    token = first_step(api_client, owner).json()["mfa_token"]
    again = api_client.post(SECOND_URL, {"mfa_token": token, "code": codes[3]}, format="json")
    assert again.status_code == 401
    assert again.json()["code"] == "two_factor_code_invalid"


def test_a_wrong_code_is_401_in_the_error_shape_and_repeated_it_locks(api_client, owner, with_app, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device, _ = with_app
    token = first_step(api_client, owner).json()["mfa_token"]
    wrong = api_client.post(SECOND_URL, {"mfa_token": token, "code": "000000"}, format="json")
    assert wrong.status_code == 401
    assert set(wrong.json()) == {"message", "code", "fields", "extra"}
    assert "not right" in wrong.json()["message"]
    api_client.post(SECOND_URL, {"mfa_token": token, "code": "000001"}, format="json")
    locked = api_client.post(SECOND_URL, {"mfa_token": token, "code": "000002"}, format="json")
    assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")
    right = api_client.post(SECOND_URL, {"mfa_token": token, "code": app_code(device)}, format="json")
    assert right.status_code == 429
    # The password step is locked too.
    assert first_step(api_client, owner).status_code == 429
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_FAILED, target_id=str(owner.pk)).count() >= 2


def test_an_expired_or_altered_challenge_is_refused(api_client, owner, with_app, clock):
    device, _ = with_app
    token = first_step(api_client, owner).json()["mfa_token"]
    altered = api_client.post(SECOND_URL, {"mfa_token": token[:-2] + "xx", "code": app_code(device)}, format="json")
    assert altered.status_code == 400
    assert "mfa_token" in altered.json()["fields"]
    clock.shift(301)
    expired = api_client.post(SECOND_URL, {"mfa_token": token, "code": app_code(device)}, format="json")
    assert expired.status_code == 400
    assert "expired" in expired.json()["message"]


def test_a_challenge_ends_when_the_password_changes(api_client, owner, with_app):
    device, _ = with_app
    token = first_step(api_client, owner).json()["mfa_token"]
    owner.set_password("another-long-password-123")
    owner.save()
    response = api_client.post(SECOND_URL, {"mfa_token": token, "code": app_code(device)}, format="json")
    assert response.status_code == 400


def test_the_challenge_carries_no_secret(api_client, owner, with_app):
    token = first_step(api_client, owner).json()["mfa_token"]
    payload = signing.loads(token, salt=two_factor.CHALLENGE_SALT)
    assert set(payload) == {"u", "p"}
    assert payload["p"] not in owner.password


def test_staff_without_two_factor_get_no_tokens_when_required(api_client, staff_user, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = first_step(api_client, staff_user)
    assert (response.status_code, response.json()["code"]) == (403, "two_factor_setup_required")
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert first_step(api_client, staff_user).status_code == 200
