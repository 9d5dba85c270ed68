"""The JWT flows a mobile client relies on: signup, token, rotation, blacklist, logout, revocation."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db


def obtain(client, email, password):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def test_signup_creates_account_and_returns_tokens(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/",
        {"email": "New.Person@Example.COM", "password": "a-very-long-passphrase", "display_name": "Nia"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"]["email"] == "new.person@example.com"
    assert body["user"]["financial_profile"]["preferred_currency"] == "EUR"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/v1/me/").json()["display_name"] == "Nia"


def test_signup_refuses_an_email_that_differs_only_in_case(api_client, owner):
    response = api_client.post(
        "/api/v1/auth/signup/", {"email": "OWNER@example.com", "password": "a-very-long-passphrase"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "already exists" in response.json()["fields"]["email"][0]
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": "a-very-long-passphrase"}, "email"),
        ({"email": "x@example.com", "password": "short"}, "password"),
        ({"email": "x@example.com", "password": "1234567890123"}, "password"),
        ({"email": "x@example.com"}, "password"),
    ],
)
def test_signup_rejects_bad_input_with_a_message(api_client, payload, field):
    response = api_client.post("/api/v1/auth/signup/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == [field]
    assert response.json()["message"].startswith(f"{field}: ")
    assert not User.objects.exists()


def test_token_login_is_case_insensitive_on_email(api_client, owner, password):
    response = obtain(api_client, "Owner@Example.com", password)
    assert response.status_code == 200
    assert {"access", "refresh"} <= response.json().keys()


def test_wrong_password_gets_401(api_client, owner):
    response = obtain(api_client, owner.email, "nope-nope-nope")
    assert response.status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_is_refused(api_client, owner, password):
    first = obtain(api_client, owner.email, password).json()
    rotated = api_client.post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    again = api_client.post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert again.status_code == 401
    newer = api_client.post("/api/v1/auth/token/refresh/", {"refresh": rotated.json()["refresh"]}, format="json")
    assert newer.status_code == 200


def test_logout_blacklists_the_refresh_token(api_client, owner, password):
    tokens = obtain(api_client, owner.email, password).json()
    assert api_client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 205
    refused = api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    garbage = api_client.post("/api/v1/auth/logout/", {"refresh": "garbage"}, format="json")
    assert (garbage.status_code, list(garbage.json()["fields"])) == (400, ["refresh"])


def test_password_change_revokes_existing_tokens(api_client, owner, password):
    old = obtain(api_client, owner.email, password).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {old['access']}")
    response = api_client.post(
        "/api/v1/auth/password/change/",
        {"old_password": password, "new_password": "another-long-passphrase"},
        format="json",
    )
    assert response.status_code == 200
    fresh = response.json()
    # The access token issued before the change no longer works, nor does its refresh token.
    assert api_client.get("/api/v1/me/").status_code == 401
    stale = api_client.post("/api/v1/auth/token/refresh/", {"refresh": old["refresh"]}, format="json")
    assert stale.status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh['access']}")
    assert api_client.get("/api/v1/me/").status_code == 200
    assert obtain(api_client, owner.email, "another-long-passphrase").status_code == 200


def test_password_change_needs_the_current_password(owner_api):
    response = owner_api.post(
        "/api/v1/auth/password/change/",
        {"old_password": "wrong", "new_password": "another-long-passphrase"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == ["old_password"]


def test_password_change_ends_other_web_sessions(client, owner, password, owner_api):
    client.force_login(owner)
    assert client.get("/accounts/profile/").status_code == 200
    owner_api.post(
        "/api/v1/auth/password/change/",
        {"old_password": password, "new_password": "another-long-passphrase"},
        format="json",
    )
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_password_reset_by_api_emails_a_working_link(api_client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued once the request commits
        response = api_client.post("/api/v1/auth/password/reset/", {"email": "OWNER@example.com"}, format="json")
    assert response.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    link = next(word for word in message.body.split() if "/accounts/password/reset/" in word)
    uid, token = link.rstrip("/").split("/")[-2:]
    confirm = api_client.post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password": "brand-new-passphrase"},
        format="json",
    )
    assert confirm.status_code == 200
    assert obtain(api_client, owner.email, "brand-new-passphrase").status_code == 200
    # The link works once.
    reuse = api_client.post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": uid, "token": token, "new_password": "yet-another-passphrase"},
        format="json",
    )
    assert reuse.status_code == 400
    assert reuse.json()["message"] == "This reset link is invalid or has already been used."


def test_password_reset_for_unknown_email_says_the_same_and_sends_nothing(api_client, owner):
    response = api_client.post("/api/v1/auth/password/reset/", {"email": "nobody@example.com"}, format="json")
    assert response.status_code == 202
    assert mail.outbox == []


def test_password_reset_confirm_with_garbage_is_a_400(api_client):
    response = api_client.post(
        "/api/v1/auth/password/reset/confirm/",
        {"uid": "!!!", "token": "x", "new_password": "brand-new-passphrase"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["message"] == "This reset link is invalid or has already been used."


def test_endpoints_need_authentication(api_client):
    assert api_client.get("/api/v1/me/").status_code == 401
    assert api_client.put("/api/v1/me/avatar/").status_code == 401
    assert api_client.post("/api/v1/auth/password/change/", {}, format="json").status_code == 401


def test_token_login_records_last_login(api_client, owner, password):
    assert owner.last_login is None
    obtain(api_client, owner.email, password)
    owner.refresh_from_db()
    assert owner.last_login is not None
