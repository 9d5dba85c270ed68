"""A receipt in a real chromium, on a phone (390 px) and at 1280 px: upload a photo through the camera input, the
worker reads it (real Tesseract, inline in tests), the review shows the image beside the fields and items, and
confirming attaches it to the imported payment as splits. Nothing may be wider than the window and
layout_problems.js must find nothing. Screenshots land in artifacts/screenshots/receipts-*.png.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from receipts.ocr import tesseract_available
from receipts.tests.conftest import image_bytes
from tests.browser.helpers import MOBILE, PASSWORD, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not tesseract_available(), reason="Tesseract with English and German is not "
                                                                   "installed here")]

WINDOWS = {"390": MOBILE, "1280": {"width": 1280, "height": 900}}


def check(page: Page, name: str) -> None:
    shot(page, name)  # before the checks: a page that fails them is worth a look
    assert_no_horizontal_overflow(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("width", ["390", "1280"])
def test_a_receipt_from_photo_to_split_payment(browser, live_server, transactional_db, tmp_path, settings, width):
    settings.RECEIPT_DIR = tmp_path / "receipts"
    user = UserFactory(email="rita@example.com", display_name="Rita", password=PASSWORD)
    today = user.financial_profile.local_today()
    account = AccountFactory(owner=user, name="Everyday account")
    payment = TransactionFactory(account=account, date=today, amount=Decimal("-5.18"),
                                 description="REWE SAGT DANKE 0815", merchant="Rewe")
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(image_bytes(size=(1000, 520), lines=[
        "REWE Markt GmbH", "Hauptstr. 5, 50667 Koeln", f"Datum: {today:%d.%m.%Y}", "",
        "Milch 1,5%          1,19 EUR", "Vollkornbrot        2,49 EUR", "Bananen             1,50 EUR",
        "SUMME EUR           5,18"]))

    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "390" else {}
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, **phone)
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/transactions/")
        page.get_by_role("link", name="Receipts").first.click()
        expect(page.get_by_role("heading", name="Receipts", exact=True)).to_be_visible()
        camera = page.get_by_label("Photo or PDF of the receipt")
        expect(camera).to_have_attribute("capture", "environment")
        check(page, f"receipts-upload-{width}")
        camera.set_input_files(str(photo))
        page.get_by_role("button", name="Upload and read").click()

        expect(page.get_by_role("heading", name="Check what was read")).to_be_visible()
        expect(page.get_by_label("Total")).to_have_value("5.18")
        expect(page.locator("[data-item]")).to_have_count(5)  # three read, two blank rows to add
        expect(page.get_by_role("radio", name=re.compile("REWE SAGT DANKE 0815"))).to_be_checked()
        page.get_by_role("img", name="The photo of the receipt").wait_for()
        check(page, f"receipts-review-{width}")
        page.get_by_role("button", name="Confirm").click()

        expect(page).to_have_url(f"{live_server.url}/transactions/{payment.pk}/")
        assert Transaction.objects.filter(owner=user).count() == 1
        assert sum(payment.splits.values_list("amount", flat=True)) == Decimal("-5.18")
        check(page, f"receipts-confirmed-{width}")
        assert errors == []
    finally:
        context.close()
