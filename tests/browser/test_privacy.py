"""Your data, in a real chromium on a phone (390 px) and at 1440 px: ask for the archive, the worker prepares it
(inline in tests), download it once. Nothing is wider than the window. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from privacy.takeout import takeout_write
from tests.browser.helpers import PASSWORD, WINDOWS, assert_no_horizontal_overflow, log_in, shot
from tests.browser.test_page_sweep import LAYOUT_PROBLEMS
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.browser



@pytest.mark.parametrize("width", ["390", "1440"])
def test_asking_for_your_data_and_downloading_it_once(browser, live_server, transactional_db, tmp_path, settings,
                                                      width):
    settings.DATA_EXPORT_DIR = tmp_path / "data-exports"
    user = UserFactory(email="rita@example.com", display_name="Rita", password=PASSWORD)
    TransactionFactory(account=AccountFactory(owner=user, name="Everyday account"), amount=Decimal("-8.00"),
                       description="BAKERY 0815", merchant="Bakery")
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/accounts/profile/")
        page.get_by_role("link", name="Your data").click()
        expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
        page.get_by_role("button", name="Prepare my data").click()
        expect(page.get_by_text("Your data is being prepared")).to_be_visible()
        page.reload()
        expect(page.get_by_text("Ready to download")).to_be_visible()
        shot(page, f"privacy-ready-{width}")
        assert_no_horizontal_overflow(page)
        assert page.evaluate(LAYOUT_PROBLEMS) == []
        with page.expect_download() as download:
            page.get_by_role("link", name="Download").click()
        path = tmp_path / "archive.zip"
        download.value.save_as(path)
        with zipfile.ZipFile(path) as archive:
            assert "BAKERY 0815" in archive.read("transactions.csv").decode()
        page.reload()
        expect(page.get_by_text("Downloaded", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Download")).to_have_count(0)
        shot(page, f"privacy-downloaded-{width}")
        assert_no_horizontal_overflow(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", ["390", "1440"])
def test_bringing_your_data_from_another_finsight(browser, live_server, transactional_db, tmp_path, settings,
                                                  width):
    settings.DATA_IMPORT_DIR = tmp_path / "data-imports"
    before = UserFactory(email="rita-old@example.com")
    TransactionFactory(account=AccountFactory(owner=before, name="Everyday account"), amount=Decimal("-8.00"),
                       description="BAKERY 0815", merchant="Bakery")
    archive = tmp_path / "finsight-data-2026-12-01.zip"
    takeout_write(user=before, path=archive)
    not_an_export = tmp_path / "holiday-photos.zip"
    with zipfile.ZipFile(not_an_export, "w") as zipped:
        zipped.writestr("crete.txt", "sun")
    user = UserFactory(email="rita@example.com", display_name="Rita", password=PASSWORD)
    context = browser.new_context(viewport=WINDOWS[width], base_url=live_server.url)
    page = context.new_page()
    try:
        log_in(page, user.email, PASSWORD)
        page.goto("/accounts/data/")
        expect(page.get_by_role("heading", name="Bring your data from another Finsight")).to_be_visible()
        page.get_by_label("Your Finsight export (.zip)").set_input_files(not_an_export)
        page.get_by_role("button", name="Import my data").click()
        expect(page.get_by_role("alert").filter(has_text="The archive has no README.txt")).to_be_visible()
        shot(page, f"privacy-import-refused-{width}")
        assert_no_horizontal_overflow(page)

        page.get_by_label("Your Finsight export (.zip)").set_input_files(archive)
        page.get_by_role("button", name="Import my data").click()
        expect(page.get_by_text("Your archive is being imported")).to_be_visible()
        expect(page.get_by_text("1 transaction", exact=False)).to_be_visible()
        expect(page.get_by_text("only into an empty account", exact=False)).to_be_visible()
        shot(page, f"privacy-imported-{width}")
        assert_no_horizontal_overflow(page)
        assert page.evaluate(LAYOUT_PROBLEMS) == []
        page.goto("/transactions/")
        expect(page.get_by_text("BAKERY 0815").first).to_be_visible()
    finally:
        context.close()
