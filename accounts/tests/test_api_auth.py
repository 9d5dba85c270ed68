"""The JWT flows a mobile client relies on: signup, token, rotation, blacklist, logout, revocation."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db


def obtain(client, email, password):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def link_token(message) -> str:
    link = next(word for word in message.body.split() if "/accounts/signup/confirm/" in word)
    return link.rstrip("/").split("/")[-1]


def test_signup_emails_a_link_that_creates_the_account_and_returns_tokens(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/",
        {"email": "New.Person@Example.COM", "password": "a-very-long-passphrase", "display_name": "Nia"},
        format="json",
    )
    assert response.status_code == 202, response.json()
    assert response.json()["detail"].startswith("Check your email to finish signing up")
    assert not User.objects.exists()  # nothing until the link is opened
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert message.subject == "Finish signing up to Finsight"

    confirmed = api_client.post("/api/v1/auth/signup/confirm/", {"token": link_token(message)}, format="json")
    assert confirmed.status_code == 201, confirmed.json()
    body = confirmed.json()
    assert body["user"]["email"] == "new.person@example.com"
    assert body["user"]["financial_profile"]["preferred_currency"] == "EUR"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert api_client.get("/api/v1/me/").json()["display_name"] == "Nia"
    api_client.credentials()
    assert obtain(api_client, "new.person@example.com", "a-very-long-passphrase").status_code == 200
    # The link works once.
    again = api_client.post("/api/v1/auth/signup/confirm/", {"token": link_token(message)}, format="json")
    assert (again.status_code, again.json()["code"]) == (400, "invalid")
    assert again.json()["message"].startswith("This sign-up link has expired or was already used.")


def test_signup_answers_the_same_for_a_taken_address_and_tells_its_owner(api_client, owner, password):
    fresh = api_client.post(
        "/api/v1/auth/signup/", {"email": "someone.new@example.com", "password": "a-very-long-passphrase"},
        format="json")
    taken = api_client.post(
        "/api/v1/auth/signup/", {"email": "OWNER@example.com", "password": "a-very-long-passphrase"}, format="json"
    )
    assert (taken.status_code, taken.json()) == (fresh.status_code, fresh.json())
    assert taken.status_code == 202
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    [_, notice] = mail.outbox
    assert notice.to == ["owner@example.com"]
    assert notice.subject == "Someone tried to sign up to Finsight with your address"
    assert "/accounts/login/" in notice.body and "/accounts/password/reset/" in notice.body
    assert "/accounts/signup/confirm/" not in notice.body
    # The owner's account is untouched: the old password still works, the typed one does not.
    assert obtain(api_client, owner.email, password).status_code == 200
    assert obtain(api_client, owner.email, "a-very-long-passphrase").status_code == 401


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
    newer = api_client.post("/api/v1/auth/token/refresh/", {"refresh": rotated.json()["refresh"]}, format="json")
    assert newer.status_code == 200
    assert me(api_client, newer.json()["access"]).status_code == 200
    # Using a rotated-out token again ends the sign-in (test_a_reused_refresh_token_ends_the_whole_sign_in).
    again = api_client.post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json")
    assert again.status_code == 401


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


def refresh(client, token):
    return client.post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


def me(client, access):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = client.get("/api/v1/me/")
    client.credentials()
    return response


def test_a_reused_refresh_token_ends_the_whole_sign_in(api_client, owner, password):
    first = obtain(api_client, owner.email, password).json()
    elsewhere = obtain(api_client, owner.email, password).json()  # another device: another sign-in
    rotated = refresh(api_client, first["refresh"]).json()
    # The rotated-out token comes back (stolen and replayed, or by the thief after the owner refreshed).
    replay = refresh(api_client, first["refresh"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_reused"
    assert replay.json()["message"].startswith("This refresh token was already used.")
    assert set(replay.json()) == {"message", "code", "fields", "extra"}
    # Every token of that sign-in stops working, the newest included ...
    newer = refresh(api_client, rotated["refresh"])
    assert (newer.status_code, newer.json()["code"]) == (401, "token_revoked")
    assert me(api_client, rotated["access"]).status_code == 401
    assert me(api_client, first["access"]).json()["code"] == "token_revoked"
    # ... and nothing else: the other device's sign-in goes on, and logging in again works.
    assert me(api_client, elsewhere["access"]).status_code == 200
    assert refresh(api_client, elsewhere["refresh"]).status_code == 200
    assert obtain(api_client, owner.email, password).status_code == 200


def test_logout_ends_the_access_token_too(api_client, owner, password):
    first = obtain(api_client, owner.email, password).json()
    rotated = refresh(api_client, first["refresh"]).json()
    elsewhere = obtain(api_client, owner.email, password).json()
    assert me(api_client, rotated["access"]).status_code == 200
    assert api_client.post("/api/v1/auth/logout/", {"refresh": rotated["refresh"]}, format="json").status_code == 205
    refused = me(api_client, rotated["access"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    assert refused.json()["message"].startswith("This sign-in has ended")
    assert me(api_client, first["access"]).status_code == 401  # an earlier access token of the same sign-in
    assert me(api_client, elsewhere["access"]).status_code == 200  # another sign-in is not touched


def test_logout_with_a_rotated_out_refresh_token_still_ends_the_sign_in(api_client, owner, password):
    first = obtain(api_client, owner.email, password).json()
    rotated = refresh(api_client, first["refresh"]).json()
    assert api_client.post("/api/v1/auth/logout/", {"refresh": first["refresh"]}, format="json").status_code == 205
    assert refresh(api_client, rotated["refresh"]).status_code == 401
    assert me(api_client, rotated["access"]).status_code == 401


def test_a_token_issued_before_sign_ins_had_an_id_keeps_working_and_gets_one(api_client, owner):
    from rest_framework_simplejwt.tokens import RefreshToken as PlainRefreshToken

    old = PlainRefreshToken.for_user(owner)
    assert me(api_client, str(old.access_token)).status_code == 200
    rotated = refresh(api_client, str(old))
    assert rotated.status_code == 200
    assert api_client.post("/api/v1/auth/logout/", {"refresh": rotated.json()["refresh"]},
                           format="json").status_code == 205
    assert me(api_client, rotated.json()["access"]).status_code == 401
