"""Deleting your account, in a real chromium on a phone (390 px) and at 1440 px: ask with the password, see the
date, keep the account with the button; ask again, and signing in keeps it too. Nothing is wider than the window.
Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from privacy.models import DeletionRequest
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("width", ["390", "1440"])
def test_asking_to_delete_your_account_and_keeping_it(browser, live_server, transactional_db, width):
    user = UserFactory(email="dora@example.com", display_name="Dora", password=PASSWORD)
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url)
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/accounts/data/")
        page.get_by_role("link", name="Delete my account…").click()
        expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()
        shot(page, f"deletion-ask-{width}")
        assert_no_horizontal_overflow(page)
        assert page.evaluate(LAYOUT_PROBLEMS) == []

        page.get_by_label("Your password").fill("not my password")
        page.get_by_role("button", name="Delete my account in 7 days").click()
        expect(page.get_by_text("That is not your password")).to_be_visible()
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account in 7 days").click()
        expect(page.get_by_text("Your account will be deleted on").first).to_be_visible()
        shot(page, f"deletion-pending-{width}")
        assert_no_horizontal_overflow(page)
        assert page.evaluate(LAYOUT_PROBLEMS) == []

        page.get_by_role("button", name="Keep my account").click()
        expect(page.get_by_text("Your account will not be deleted")).to_be_visible()
        expect(page.get_by_role("button", name="Delete my account in 7 days")).to_be_visible()
        assert not DeletionRequest.objects.exists()

        # Asked again, then signing in on another device keeps the account, and the page says so.
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account in 7 days").click()
        expect(page.get_by_text("Your account will be deleted on").first).to_be_visible()
        other = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url).new_page()
        log_in(other, user.email, PASSWORD)
        expect(other.get_by_text("You signed in, so your account will not be deleted")).to_be_visible()
        shot(other, f"deletion-signed-in-{width}")
        assert_no_horizontal_overflow(other)
        other.context.close()
        assert not DeletionRequest.objects.exists()
    finally:
        context.close()
