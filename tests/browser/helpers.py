"""Helpers the browser tests share (the fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import mail
from playwright.sync_api import Page

SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "Quiet-Ledger-Morning-42"
MOBILE = {"width": 390, "height": 844}
# The two widths every page is checked at: a phone and a wide desktop window.
WINDOWS = {"390": MOBILE, "1440": {"width": 1440, "height": 900}}


def shot(page: Page, step: str) -> None:
    # Full-page height is measured first: wait for the stylesheet, or unstyled icons make the capture huge.
    page.wait_for_load_state("load")
    page.screenshot(path=str(SCREENSHOTS / f"{step}.png"), full_page=True)


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def assert_no_horizontal_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def signup_link(email: str) -> str:
    """The path of the newest sign-up link emailed to ``email`` (tests send email to a list in memory)."""
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = next(word for word in message.body.split() if "/accounts/signup/confirm/" in word)
    return link[link.index("/accounts/"):]
