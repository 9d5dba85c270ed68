"""Two-factor sign-in in a real chromium on a phone (390 px) and at 1440 px: set up the authenticator app from the
QR code's key, keep the recovery codes, sign out, then sign in with the password and the app's code; add a passkey
with Chromium's virtual authenticator and sign in with it. Nothing is wider than the window. Screenshots in
artifacts/screenshots/."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser



def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key (one step ahead is accepted too, and is not a replay)."""
    text = secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def layout_fine(page) -> None:
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("width", ["390", "1440"])
def test_setting_up_the_app_then_signing_in_with_its_code(browser, live_server, transactional_db, width):
    user = UserFactory(email="tom@example.com", display_name="Tom", password=PASSWORD)
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/accounts/profile/")
        page.get_by_role("link", name="Two-factor sign-in").click()
        expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
        shot(page, f"two-factor-off-{width}")
        layout_fine(page)

        page.get_by_role("link", name="Set up an authenticator app").click()
        expect(page.locator("[data-qr] svg")).to_be_visible()
        shot(page, f"two-factor-app-setup-{width}")
        layout_fine(page)
        secret = page.locator("[data-secret]").inner_text()
        page.get_by_label("Code from the app").fill("000000")
        page.get_by_role("button", name="Turn on").click()
        expect(page.get_by_text("That code is not right")).to_be_visible()
        time.sleep(1.1)  # the app's throttle after a wrong code
        page.get_by_label("Code from the app").fill(app_code(secret))
        page.get_by_role("button", name="Turn on").click()

        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        codes = page.locator("[data-recovery-codes] li").all_inner_texts()
        assert len(codes) == 10
        shot(page, f"two-factor-recovery-codes-{width}")
        layout_fine(page)
        page.get_by_role("link", name="I have saved them").click()
        expect(page.get_by_text("On", exact=True)).to_be_visible()
        shot(page, f"two-factor-on-{width}")
        layout_fine(page)

        page.get_by_role("button", name="Sign out everywhere").click()
        expect(page.get_by_text("You were signed out everywhere")).to_be_visible()
        log_in(page, user.email, PASSWORD)
        expect(page.get_by_role("heading", name="One more step")).to_be_visible()
        page.get_by_label("Code").fill("123456")
        page.get_by_role("button", name="Verify and sign in").click()
        expect(page.get_by_text("That code is not right")).to_be_visible()
        shot(page, f"two-factor-sign-in-code-{width}")
        layout_fine(page)
        time.sleep(1.1)
        page.get_by_label("Code").fill(app_code(secret, steps_ahead=1))
        page.get_by_role("button", name="Verify and sign in").click()
        expect(page).to_have_url(f"{live_server.url}/")
    finally:
        context.close()


@pytest.mark.parametrize("width", ["390", "1440"])
def test_adding_a_passkey_and_signing_in_with_it(browser, live_server, transactional_db, settings, width):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = UserFactory(email="pia@example.com", display_name="Pia", password=PASSWORD)
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url.replace("127.0.0.1", "localhost"))
    context.set_default_timeout(10_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/accounts/two-factor/")
        page.get_by_label("Name").fill("Work laptop")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        page.get_by_role("link", name="I have saved them").click()
        expect(page.get_by_text("Work laptop")).to_be_visible()
        shot(page, f"two-factor-passkey-added-{width}")
        layout_fine(page)

        page.get_by_role("button", name="Sign out everywhere").click()
        log_in(page, user.email, PASSWORD)
        expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
        shot(page, f"two-factor-sign-in-passkey-{width}")
        layout_fine(page)
        page.get_by_role("button", name="Use a passkey").click()
        expect(page).to_have_url(f"{page.url.split('/accounts/')[0]}/")
    finally:
        context.close()
