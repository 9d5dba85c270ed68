"""The pending-deletion banner in a real chromium on a phone (390 px) and at 1440 px: every page says when the
account goes and links to the page that cancels it; the banner never makes a page wider than the window.
Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from privacy import deletion
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", ["390", "1440"])
def test_the_banner_shows_on_every_page_fits_the_window_and_leads_to_cancelling(browser, live_server,
                                                                              transactional_db, width):
    user = UserFactory(email="erik@example.com", display_name="Erik", password=PASSWORD)
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url)
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        deletion.deletion_request(user=user, password=PASSWORD)  # after signing in, which would cancel it

        for path, name in (("/", "home"), ("/transactions/", "transactions"), ("/accounts/profile/", "profile")):
            page.goto(path)
            banner = page.get_by_role("region", name="Account deletion")
            expect(banner).to_contain_text("Your account will be deleted on")
            expect(banner.get_by_role("link", name="Cancel deletion")).to_be_visible()
            box = banner.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WINDOWS[width]["width"]
            assert_no_horizontal_overflow(page)
            assert page.evaluate(LAYOUT_PROBLEMS) == []
            shot(page, f"deletion-banner-{name}-{width}")

        page.get_by_role("region", name="Account deletion").get_by_role("link", name="Cancel deletion").click()
        expect(page).to_have_url(f"{live_server.url}/accounts/data/delete/")
        page.get_by_role("button", name="Keep my account").click()
        expect(page.get_by_text("Your account will not be deleted")).to_be_visible()
        page.goto("/")
        expect(page.get_by_role("region", name="Account deletion")).to_have_count(0)
    finally:
        context.close()
