"""Security headers on pages and the API, no caching of private responses, and the session's time limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

PAGES = ["/", "/transactions/", "/accounts/profile/"]


@pytest.fixture
def signed_in(owner, password) -> Client:
    """A browser that signed in through the sign-in page, as a person does."""
    client = Client()
    response = client.post("/accounts/login/", {"username": owner.email, "password": password})
    assert response.status_code == 302, response.content
    return client


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("path", PAGES)
def test_pages_forbid_inline_code_and_unused_browser_features(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"][0] == "'self'" and policy["style-src"][0] == "'self'"
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "geolocation", "payment", "usb", "microphone"):
        assert f"{feature}=()" in permissions


def test_pages_hold_no_inline_script_or_handler(signed_in):
    html = signed_in.get("/transactions/").content.decode()
    assert "<script>" not in html and "onclick=" not in html and " style=" not in html


def test_the_sign_in_page_has_the_headers_too():
    response = Client().get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_api_responses_have_the_headers_and_are_never_stored(owner_api, api_client):
    response = owner_api.get("/api/v1/accounts/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    # Token answers too: a proxy or the browser must not keep them.
    assert "no-store" in api_client.post("/api/v1/auth/token/", {"email": "x@example.com", "password": "nope"},
                                          format="json")["Cache-Control"]


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_are_never_stored(signed_in, path):
    assert "no-store" in signed_in.get(path)["Cache-Control"]


def test_the_docs_page_keeps_its_inline_code_with_the_nonce(signed_in):
    response = signed_in.get("/docs/api/")
    assert response.status_code == 200
    nonce = _directives(response["Content-Security-Policy"])["script-src"][1]
    assert nonce.startswith("'nonce-")
    assert f'<script nonce="{nonce[7:-1]}">' in response.content.decode()


def test_an_idle_session_is_signed_out_with_a_message(signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 2 * 60 * 60
    now = timezone.now()
    with time_machine.travel(now + timedelta(hours=1, minutes=59), tick=False):
        assert signed_in.get("/transactions/").status_code == 200
    # Two hours after that last request: signed out, on the sign-in page, told why.
    with time_machine.travel(now + timedelta(hours=3, minutes=59), tick=False):
        response = signed_in.get("/transactions/?month=2026-11", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/transactions/%3Fmonth%3D2026-11"
    assert "You were signed out after 2 hours of inactivity. Sign in again to continue." in response.content.decode()
    assert signed_in.get("/transactions/").status_code == 302


def test_background_polling_does_not_keep_a_session_alive(signed_in):
    now = timezone.now()
    for minutes in range(30, 120, 30):
        with time_machine.travel(now + timedelta(minutes=minutes), tick=False):
            assert signed_in.get("/notifications/badge/").status_code == 200
    with time_machine.travel(now + timedelta(hours=2, minutes=1), tick=False):
        response = signed_in.get("/notifications/badge/", headers={"HX-Request": "true",
                                                                   "HX-Current-URL": "http://testserver/budgets/"})
    # The open tab goes to the sign-in page, which will bring the user back where they were.
    assert response["HX-Redirect"] == "/accounts/login/?next=/budgets/"
    assert signed_in.get("/transactions/").status_code == 302


def test_the_idle_time_is_a_setting(signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 15 * 60
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = signed_in.get("/", follow=True)
    assert "You were signed out after 15 minutes of inactivity." in response.content.decode()


def test_the_absolute_limit_applies_to_an_active_session(signed_in, settings):
    settings.SESSION_COOKIE_AGE = 24 * 60 * 60
    now = timezone.now()
    for hours in range(1, 24):
        with time_machine.travel(now + timedelta(hours=hours), tick=False):
            assert signed_in.get("/transactions/").status_code == 200
    with time_machine.travel(now + timedelta(hours=24, minutes=1), tick=False):
        response = signed_in.get("/transactions/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "Your session ended 1 day after you signed in. Sign in again to continue." in response.content.decode()


def test_an_idle_session_gets_no_api_answer(signed_in):
    with time_machine.travel(timezone.now() + timedelta(hours=3), tick=False):
        response = signed_in.get("/api/v1/accounts/")
    assert response.status_code in (401, 403)
    assert signed_in.get("/transactions/").status_code == 302
