"""Each sensitive action writes the entry an operator would look for: through the real login form, the token
endpoint, logout, password change and reset, rule and category deletion, and a bank import."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
NEW_PASSWORD = "a-brand-new-passphrase-42"


def latest() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_signing_in_through_the_login_form(client, owner, password):
    response = client.post("/accounts/login/", {"username": owner.email, "password": password},
                           REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 302
    entry = latest()
    assert (entry.action, entry.actor, entry.actor_label) == (AuditAction.SIGN_IN, owner, "owner@example.com")
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(owner.pk))
    assert (entry.ip, entry.user_agent) == ("203.0.113.7", FIREFOX)
    assert entry.changes == {"via": "web"}


def test_a_failed_sign_in_keeps_the_address_but_never_the_password(client, owner):
    client.post("/accounts/login/", {"username": "OWNER@example.com", "password": "wrong-password-123"},
                REMOTE_ADDR="198.51.100.4")
    entry = latest()
    assert entry.action == AuditAction.SIGN_IN_FAILED
    assert entry.actor is None and entry.actor_label == ""
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(owner.pk))  # shows in their log
    assert entry.ip == "198.51.100.4"
    assert entry.changes == {"email": "OWNER@example.com", "via": "web"}
    assert "wrong-password-123" not in str(AuditEntry.objects.values_list())


def test_a_failed_sign_in_for_an_unknown_address_names_only_the_address(client, db):
    client.post("/accounts/login/", {"username": "nobody@example.com", "password": "wrong-password-123"})
    entry = latest()
    assert entry.action == AuditAction.SIGN_IN_FAILED
    assert (entry.target_type, entry.target_id, entry.target_label) == ("", "", "nobody@example.com")


def test_signing_out(client, owner, password):
    client.post("/accounts/login/", {"username": owner.email, "password": password})
    client.post("/accounts/logout/")
    assert actions() == [AuditAction.SIGN_IN, AuditAction.SIGN_OUT]
    assert latest().actor == owner


def test_the_token_endpoint_records_issue_failure_and_logout(api_client, owner, password):
    ok = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password}, format="json",
                         REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="Finsight-iOS/2.1 CFNetwork Darwin")
    assert ok.status_code == 200
    issued = latest()
    assert (issued.action, issued.actor, issued.ip) == (AuditAction.TOKEN_ISSUE, owner, "192.0.2.10")
    assert issued.changes == {"via": "api"}

    bad = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "nope-nope-nope"}, format="json")
    assert bad.status_code == 401
    failed = latest()
    assert (failed.action, failed.target_id, failed.changes) == (
        AuditAction.SIGN_IN_FAILED, str(owner.pk), {"email": owner.email, "via": "api"})

    out = api_client.post("/api/v1/auth/logout/", {"refresh": ok.json()["refresh"]}, format="json")
    assert out.status_code == 205
    revoked = latest()
    assert (revoked.action, revoked.actor, revoked.changes) == (AuditAction.TOKEN_REVOKE, owner, {"reason": "logout"})
    assert ok.json()["refresh"] not in str(AuditEntry.objects.values_list())


def test_a_reused_refresh_token_ends_the_sign_in_and_says_so(api_client, owner, password):
    pair = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password}, format="json").json()
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json").status_code == 200
    api_client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")  # used twice
    revoked = latest()
    assert (revoked.action, revoked.actor, revoked.target_id) == (AuditAction.TOKEN_REVOKE, None, str(owner.pk))
    assert revoked.changes == {"reason": "reused"}


def test_changing_the_password_on_the_page(client, owner, password):
    client.force_login(owner)
    response = client.post("/accounts/password/change/", {"old_password": password, "new_password1": NEW_PASSWORD,
                                                          "new_password2": NEW_PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    entry = latest()
    assert (entry.action, entry.actor, entry.ip) == (AuditAction.PASSWORD_CHANGE, owner, "203.0.113.9")
    assert NEW_PASSWORD not in str(AuditEntry.objects.values_list())


def test_changing_the_password_through_the_api(owner_api, owner, password):
    response = owner_api.post("/api/v1/auth/password/change/", {"old_password": password,
                                                                "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    assert (latest().action, latest().actor) == (AuditAction.PASSWORD_CHANGE, owner)


def test_resetting_the_password_with_the_emailed_link(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued once the request commits
        client.post("/accounts/password/reset/", {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s\"<]+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)  # Django swaps the token for a session key, then shows the form
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    entry = latest()
    assert (entry.action, entry.actor, entry.target_id) == (AuditAction.PASSWORD_RESET, owner, str(owner.pk))


def test_resetting_the_password_through_the_api(api_client, owner):
    response = api_client.post("/api/v1/auth/password/reset/confirm/", {
        "uid": urlsafe_base64_encode(force_bytes(owner.pk)), "token": default_token_generator.make_token(owner),
        "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200, response.json()
    assert (latest().action, latest().actor) == (AuditAction.PASSWORD_RESET, owner)


def category_made(client, name="Climbing") -> int:
    response = client.post("/api/v1/categories/", {"name": name}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_deleting_a_rule(owner_api, owner):
    rule = owner_api.post("/api/v1/rules/", {"name": "Supermarkets", "match_value": "rewe", "sign": "out",
                                             "set_category": category_made(owner_api)}, format="json").json()
    assert owner_api.delete(f"/api/v1/rules/{rule['id']}/", REMOTE_ADDR="203.0.113.20").status_code == 204
    entry = latest()
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        AuditAction.RULE_DELETE, owner, "transactions.rule", str(rule["id"]))
    assert "Supermarkets" in entry.target_label
    assert entry.ip == "203.0.113.20"  # taken from the request being served, deep below the view


def test_deleting_a_category(owner_api, owner):
    hobby = category_made(owner_api)
    assert owner_api.delete(f"/api/v1/categories/{hobby}/").status_code == 204
    entry = latest()
    assert (entry.action, entry.actor, entry.target_id, entry.changes) == (
        AuditAction.CATEGORY_DELETE, owner, str(hobby), {"name": "Climbing"})


def test_a_refused_category_deletion_writes_nothing(owner_api, account):
    used = category_made(owner_api)
    created = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-01", "amount": "-40.00",
                                                       "description": "Bouldering", "category": used}, format="json")
    assert created.status_code == 201, created.json()
    before = AuditEntry.objects.count()
    assert owner_api.delete(f"/api/v1/categories/{used}/").status_code == 400
    assert AuditEntry.objects.count() == before


def test_a_bank_import(owner_api, owner, account):
    csv = (b"Date,Description,Amount\n2026-03-01,REWE SAGT DANKE 1234,-54.20\n"
           b"2026-03-02,GEHALT ACME GMBH,3100.00\n")
    response = owner_api.post("/api/v1/imports/", {"account": account.pk,
                                                   "file": SimpleUploadedFile("march.csv", csv)}, format="multipart")
    assert response.status_code == 201, response.content
    entry = latest()
    assert (entry.action, entry.actor, entry.target_type, entry.target_label) == (
        AuditAction.BANK_IMPORT, owner, "transactions.importbatch", "march.csv")
    assert entry.changes == {"account": "Main checking", "created": 2, "duplicates": 0, "format": "csv"}


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, owner, password, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client.post("/accounts/login/", {"username": owner.email, "password": password}, REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    assert latest().ip == "203.0.113.50"  # the address the one trusted proxy saw, not what the client claims


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, owner, password):
    client.post("/accounts/login/", {"username": owner.email, "password": password}, REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert latest().ip == "10.0.0.2"
