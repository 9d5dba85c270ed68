"""Shared set-up for the browser tests: Debian's chromium driven by Playwright against the live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from mlcore.tests.fixtures import global_model  # noqa: F401 - the global categorizer, as set-up leaves it
from tests.browser.helpers import MOBILE, SCREENSHOTS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium for the browser tests.")
        pytest.skip("Debian chromium not installed: apt-get install chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls in the tests are still sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, transactional_db) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server, transactional_db) -> Page:
    context = browser.new_context(viewport=MOBILE, base_url=live_server.url, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _standard_categories(committed_db):
    """A live-server test commits: its tables are emptied afterwards (committed_db puts the categories back)."""


@pytest.fixture(scope="session", autouse=True)
def _categorizer_trained(global_model):  # noqa: F811 - the fixture imported above
    # Imports categorize their rows: the global model is there before any request, as set-up leaves it.
    return global_model
