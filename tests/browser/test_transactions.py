"""The ledger pages in a real chromium: import a CSV, see the rows, fix a category inline, bulk re-categorize.

Screenshots land in artifacts/screenshots/tx-*.png for a human to look at.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from tests.browser.helpers import PASSWORD, assert_no_horizontal_overflow, log_in, shot
from transactions import services
from transactions.models import ImportBatch, Transaction
from transactions.tests.factories import category

pytestmark = pytest.mark.browser



STATEMENT = (
    "Buchungstag;Verwendungszweck;Betrag\n"
    "04.03.2026;REWE SAGT DANKE 1234 MUENCHEN;-42,10\n"
    "03.03.2026;GEHALT ACME GMBH MAERZ;2.500,00\n"
    "03.03.2026;STARBUCKS 0042 BERLIN;-4,20\n"
    "02.03.2026;EDEKA CENTER 77;-18,95\n"
    "01.03.2026;NETFLIX.COM;-15,99\n"
).encode("cp1252")


def ledger_user(email: str = "tess@example.com") -> tuple:
    user = UserFactory(email=email, display_name="Tess", password=PASSWORD)
    account = services.account_create(user=user, name="Main checking", kind="checking", currency="EUR",
                                      opening_balance=Decimal("1200.00"), opening_date=date(2026, 1, 1))
    return user, account


def row(page: Page, text: str):
    return page.locator("tr[data-txn-row]", has_text=text)


def test_import_a_csv_fix_a_category_inline_and_bulk_recategorize(page: Page):
    user, account = ledger_user()
    log_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import a bank export")).to_be_visible()
    page.get_by_label("Account", exact=True).select_option(label="Main checking")
    page.get_by_label("Bank export").set_input_files(
        files=[{"name": "maerz.csv", "mimeType": "text/csv", "buffer": STATEMENT}])
    shot(page, "tx-01-import-form")
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_text("5 new transactions, 0 duplicates skipped")).to_be_visible()
    shot(page, "tx-02-import-done")
    page.get_by_role("link", name="See the imported transactions").click()
    expect(page).to_have_url(re.compile(r"/transactions/\?import_batch=\d+$"))
    expect(page.get_by_text("Showing the transactions imported from maerz.csv")).to_be_visible()
    expect(page.locator("tr[data-txn-row]")).to_have_count(5)
    expect(row(page, "REWE SAGT DANKE")).to_contain_text("EUR -42.10")
    expect(row(page, "GEHALT ACME")).to_contain_text("EUR 2,500.00")
    # Imported rows arrive categorized by the model (or with a suggestion waiting for review).
    expect(row(page, "REWE SAGT DANKE")).to_contain_text("Groceries")
    shot(page, "tx-03-imported-rows")

    # Inline edit: the row turns into a form, Save brings the row back with the category.
    page.get_by_role("button", name="Edit Rewe Muenchen").click()
    form = page.get_by_role("form", name="Edit transaction")
    expect(form).to_be_visible()
    expect(form.get_by_label("Date")).to_be_focused()
    form.get_by_label("Merchant").fill("REWE")
    # A correction: this REWE was a picnic hamper for a friend.
    form.get_by_label("Category").select_option(label="Gifts")
    shot(page, "tx-04-inline-edit")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    expect(row(page, "REWE")).to_contain_text("Gifts")
    expect(row(page, "REWE")).to_contain_text("Set by you")
    expect(row(page, "REWE")).not_to_contain_text("Needs review")
    shot(page, "tx-05-inline-saved")
    rewe = Transaction.objects.get(owner=user, merchant="REWE")
    assert (rewe.category, rewe.category_source) == (category("gifts_donations.gifts"), "user")

    # Cancel puts the row back untouched.
    page.get_by_role("button", name="Edit netflix.com").click()
    page.get_by_role("form", name="Edit transaction").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("form", name="Edit transaction")).to_have_count(0)
    expect(row(page, "NETFLIX.COM")).to_contain_text("EUR -15.99")

    # Bulk: select two rows, pick a category, confirm.
    page.get_by_label(re.compile("^Select Starbucks")).check()
    page.get_by_label(re.compile("^Select Edeka")).check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    page.get_by_label("Category for the selected transactions").select_option(label="Groceries")
    shot(page, "tx-06-bulk-selected")
    page.get_by_role("button", name="Re-categorize selected").click()
    expect(page.get_by_role("heading", name="Re-categorize 2 transactions?")).to_be_visible()
    expect(page.get_by_role("list", name="Selected transactions")).to_contain_text("Starbucks Berlin")
    shot(page, "tx-07-bulk-confirm")
    page.get_by_role("button", name="Re-categorize 2 transactions").click()
    expect(page.get_by_text("Filed 2 transactions under Food & Drink > Groceries.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/transactions/\?import_batch=\d+$"))
    expect(row(page, "STARBUCKS")).to_contain_text("Groceries")
    expect(row(page, "EDEKA")).to_contain_text("Groceries")
    shot(page, "tx-08-bulk-done")
    assert Transaction.objects.filter(owner=user, category=category("food_drink.groceries"),
                                      category_source="user").count() == 2

    # The category filter finds them, with its sub-categories.
    page.goto("/transactions/")
    page.get_by_label("Category", exact=True).select_option(label="All of Food & Drink")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr[data-txn-row]")).to_have_count(2)
    expect(page.get_by_role("heading", name="2 transactions match your filters")).to_be_visible()
    shot(page, "tx-09-filtered")


def test_inline_create_with_an_error_then_delete(page: Page):
    user, account = ledger_user("uma@example.com")
    log_in(page, user.email, PASSWORD)
    page.goto("/transactions/")
    expect(page.get_by_text("No transactions yet.")).to_be_visible()
    shot(page, "tx-10-empty")
    page.get_by_role("button", name="Add transaction").click()
    form = page.get_by_role("form", name="New transaction")
    expect(form).to_be_visible()
    form.get_by_label("Merchant").fill("Corner bakery")
    form.get_by_role("button", name="Add").click()
    expect(form.get_by_text("Enter the amount.")).to_be_visible()
    expect(form.get_by_text("Please correct the highlighted fields.")).to_be_visible()
    shot(page, "tx-11-inline-create-error")
    form.get_by_label("Amount").fill("-3.80")
    form.get_by_label("Tags").fill("breakfast")
    form.get_by_role("button", name="Add").click()
    expect(row(page, "Corner bakery")).to_contain_text("EUR -3.80")
    expect(row(page, "Corner bakery")).to_contain_text("#breakfast")
    expect(page.get_by_text("No transactions yet.")).to_be_hidden()
    shot(page, "tx-12-inline-created")

    page.once("dialog", lambda dialog: dialog.accept())
    row(page, "Corner bakery").get_by_role("button", name="Delete Corner bakery").click()
    expect(row(page, "Corner bakery")).to_have_count(0)
    expect(page.get_by_text("No transactions yet.")).to_be_visible()
    assert not Transaction.objects.filter(owner=user).exists()


def test_mapping_form_progress_bar_and_other_pages(page: Page):
    user, account = ledger_user("vic@example.com")
    services.transaction_create(user=user, account=account, on=date(2024, 3, 9), amount=Decimal("-100.00"),
                                description="HOTEL BAUR AU LAC ZURICH", merchant="Baur au Lac", currency="CHF")
    services.category_create(user=user, name="Pet care")
    services.category_set_hidden(user=user, category=category("travel.car_rental"), hidden=True)
    log_in(page, user.email, PASSWORD)

    page.goto("/transactions/import/")
    page.get_by_label("Bank export").set_input_files(files=[{
        "name": "ambiguous.csv", "mimeType": "text/csv",
        "buffer": b"Datum;Omschrijving;Bedrag\n03/04/2026;BAKERY;-3,80\n05/04/2026;SALARY;2.500,00\n"}])
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    expect(page.get_by_role("table", name="First rows of the file")).to_contain_text("BAKERY")
    shot(page, "tx-13-import-mapping")
    page.get_by_label("Dates are written").select_option("dmy")
    page.get_by_role("button", name="Import with these columns").click()
    expect(page.get_by_text("2 new transactions, 0 duplicates skipped")).to_be_visible()

    # A big import runs in the worker; the page polls its progress every second until it is done.
    batch = ImportBatch.objects.create(owner=user, account=account, filename="year.csv", status="running",
                                       rows_total=40000, rows_processed=14000)
    page.goto(f"/transactions/import/{batch.pk}/")
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute("aria-valuenow", "35")
    shot(page, "tx-14-import-progress")
    ImportBatch.objects.filter(pk=batch.pk).update(status="done", created_count=39990, duplicate_count=10)
    expect(page.get_by_text("39990 new transactions, 10 duplicates skipped")).to_be_visible(timeout=5000)

    page.goto("/transactions/")
    expect(row(page, "Baur au Lac")).to_contain_text("CHF -100.00")
    expect(row(page, "Baur au Lac")).to_contain_text("≈ EUR")
    page.goto("/")
    expect(page.get_by_role("region", name="Your money")).to_contain_text("Main checking")
    shot(page, "tx-15-home")


def test_split_a_transaction(page: Page):
    user, account = ledger_user("xia@example.com")
    services.transaction_create(user=user, account=account, on=date(2026, 3, 7), amount=Decimal("-80.00"),
                                description="SUPERMARKT 42", merchant="Supermarkt")
    log_in(page, user.email, PASSWORD)
    page.goto("/transactions/")
    row(page, "Supermarkt").get_by_role("link", name="Split Supermarkt").click()
    expect(page.get_by_role("heading", name="Split across categories")).to_be_visible()
    page.get_by_label("Part 1 category").select_option(label="Groceries")
    page.get_by_label("Part 1 amount").fill("-50")
    page.get_by_label("Part 2 category").select_option(label="Home Goods")
    page.get_by_label("Part 2 amount").fill("-20")
    page.get_by_role("button", name="Save split").click()
    expect(page.get_by_text("The parts add up to -70.00, not to the transaction's -80.00.")).to_be_visible()
    shot(page, "tx-16-split-error")
    page.get_by_label("Part 2 amount").fill("-30")
    page.get_by_role("button", name="Save split").click()
    expect(page.get_by_text("Split saved: 2 parts.")).to_be_visible()
    shot(page, "tx-17-split-saved")
    page.get_by_role("link", name="Back to transactions").click()
    expect(row(page, "Supermarkt")).to_contain_text("Split")
    expect(row(page, "Supermarkt")).to_contain_text("Home Goods")
    shot(page, "tx-18-split-row")


def test_accounts_and_categories(page: Page):
    user, account = ledger_user("yan@example.com")
    services.transaction_create(user=user, account=account, on=date(2026, 3, 7), amount=Decimal("-9.99"),
                                description="PETSHOP", category=services.category_create(user=user, name="Pets"))
    log_in(page, user.email, PASSWORD)

    page.goto("/money/accounts/")
    form = page.get_by_role("region", name="Add an account")
    form.get_by_label("Name").fill("Swiss savings")
    form.get_by_label("Kind").select_option(label="Savings")
    form.get_by_label("Currency").select_option("CHF")
    form.get_by_label("Balance", exact=True).fill("5000")
    form.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("Account “Swiss savings” added.")).to_be_visible()
    expect(page.locator("[aria-label='Totals per currency']")).to_contain_text("CHF 5,000.00")
    shot(page, "tx-19-accounts")
    page.get_by_role("link", name="Delete Main checking").click()
    expect(page.get_by_role("heading", name="Delete “Main checking”?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Its 1 transaction and its import history are deleted")
    shot(page, "tx-20-account-delete-confirm")
    page.get_by_role("link", name="Keep the account").click()

    page.goto("/categories/")
    add = page.get_by_role("region", name="Add a category")
    add.get_by_label("Name").fill("Vet")
    add.get_by_label("Inside").select_option(label="Pets")
    add.get_by_role("button", name="Add category").click()
    expect(page.get_by_text("Category “Pets > Vet” added.")).to_be_visible()
    page.get_by_label("Rename Pets").click()
    page.get_by_label("New name for Pets").fill("Pet care")
    shot(page, "tx-21-category-rename")
    page.get_by_label("New name for Pets").press("Enter")
    expect(page.get_by_text("Renamed “Pets” to “Pet care”.")).to_be_visible()
    page.get_by_role("button", name="Hide Flights").click()
    expect(page.get_by_role("button", name="Unhide Flights")).to_be_visible()
    shot(page, "tx-22-categories")
    page.get_by_role("link", name="Merge Pet care into another category").click()
    expect(page.get_by_role("main")).to_contain_text("1 transaction filed under it or its sub-categories will move")
    page.get_by_label("Merge into").select_option(label="Home Goods")
    shot(page, "tx-23-category-merge")
    page.get_by_role("button", name="Merge and move 1 transaction").click()
    expect(page.get_by_text("Merged “Pet care” into “Shopping > Home Goods”: 1 transaction moved.")).to_be_visible()
    assert Transaction.objects.get(owner=user).category == category("shopping.home_goods")


def test_transactions_on_a_phone(mobile_page: Page):
    user, account = ledger_user("wes@example.com")
    for i, (merchant, amount) in enumerate([("Bakery", "-3.80"), ("Salary", "2500.00"), ("Pharmacy", "-12.35")]):
        services.transaction_create(user=user, account=account, on=date(2026, 3, 1 + i), amount=Decimal(amount),
                                    description=merchant.upper(), merchant=merchant)
    page = mobile_page
    log_in(page, user.email, PASSWORD)
    page.goto("/transactions/")
    expect(row(page, "Bakery")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "tx-mobile-01-list")
    shot(page, "tx-mobile-01-list")
    page.get_by_role("navigation", name="Main").locator("summary", has_text="Menu").click()
    expect(page.locator("#mobile-menu").get_by_role("link", name="Categories")).to_be_visible()
    shot(page, "tx-mobile-02-menu")
