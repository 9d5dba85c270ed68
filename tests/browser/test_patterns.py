"""Your patterns in a real chromium, on a phone (390 px) and a desktop (1440 px): stored patterns with long names
and large amounts fit the window, and the nav leads there.

Screenshots land in artifacts/screenshots/patterns-*.png for a human to look at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from mlcore.patterns import patterns_store
from mlcore.tests.patterns_data import GROCERIES, many_merchants, merchant, patterns
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS

pytestmark = pytest.mark.browser



def stored_patterns():
    """The hand-built patterns, plus what stretches a layout: a long category and merchant name, eight figures."""
    long_category = dataclasses.replace(
        GROCERIES, category_id=104, name="Household & Everyday Supplies > Cleaning Products and Detergents",
        monthly_mean=Decimal("12345678.90"), usual_low=Decimal("11000000.00"), usual_high=Decimal("13999999.99"))
    base = patterns(merchants=(
        merchant("baumarkt", "HORNBACH BAUMARKT AG FILIALE 0815 FRANKFURT-NIEDERRAD SAGT DANKE", median="48213.77",
                 mad="1204.50", recurring=True, days_of_month=(3, 17)),
        *patterns().merchants, *many_merchants(10)))
    return dataclasses.replace(base, categories=(*base.categories[:2], long_category, *base.categories[2:]))


@pytest.mark.parametrize("width", ["390", "1440"])
def test_patterns_fit_the_window(browser: Browser, live_server, transactional_db, width):
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "390" else {}
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, **phone)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    user = UserFactory(email=f"pat-{width}@example.com", display_name="Pat", password=PASSWORD)
    log_in(page, user.email, PASSWORD)

    page.goto("/patterns/")
    expect(page.get_by_role("heading", name="Your patterns are not ready yet")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, f"patterns-empty-{width}")

    patterns_store(user=user, patterns=stored_patterns(), computed_at=timezone.now() - dt.timedelta(hours=5))
    page.goto("/")
    if width == "390":
        page.get_by_text("Menu").click()
        page.locator("#mobile-menu").get_by_role("link", name="Insights").click()
    else:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    page.get_by_role("navigation", name="Insights").get_by_role("link", name="Your patterns").click()
    expect(page.get_by_role("heading", name="Your patterns", exact=True)).to_be_visible()
    expect(page.get_by_text("Computed 5 hours ago")).to_be_visible()
    expect(page.get_by_text("Your income from ACME GmbH arrives around the 25th, every month")).to_be_visible()
    expect(page.locator("[data-category]")).to_have_count(5)
    expect(page.locator("[data-merchant]")).to_have_count(12)
    expect(page.locator("[data-seasonality] rect")).to_have_count(12)
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    assert errors == []
    shot(page, f"patterns-{width}")
    context.close()
