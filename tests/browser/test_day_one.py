"""Day one in a real chromium, on a desktop and again on a phone: sign up, add an account with today's balance,
import two years of history with a balance column, see the balance the bank shows (after fixing the difference
the import explains), fix a category, and see the dashboard's forecast catch up by itself; no page wider than
the screen.

Screenshots land in artifacts/screenshots/day-one-*.png and balances-*.png for a human to look at.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from huey.contrib.djhuey import HUEY
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from accounts.tests.factories import UserFactory
from insights.models import Forecast
from tests.browser.helpers import MOBILE, PASSWORD, log_in, shot, signup_link
from transactions import selectors
from transactions.models import Account, Transaction

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
CLOSING = Decimal("2345.67")


def two_year_statement(today: date) -> tuple[bytes, int, date]:
    """A German bank's export, newest row first, of two years up to today: salary, rent, groceries, a phone bill,
    with the balance after every row ending at CLOSING. Returns the bytes, the number of rows and the last day."""
    rows: list[tuple[date, str, Decimal]] = []
    day = today - timedelta(days=730)
    week = 0
    while day <= today:
        if day.day == 1:
            rows.append((day, "GEHALT ACME GMBH", Decimal("2850.00")))
        if day.day == 3:
            rows.append((day, "MIETE WOHNUNG MUELLER", Decimal("-1150.00")))
        if day.day == 15:
            rows.append((day, "TELEKOM MOBILFUNK", Decimal("-29.95")))
        if day.weekday() == 5:
            week += 1
            rows.append((day, f"REWE SAGT DANKE {week}", -Decimal("38.40") - Decimal(week % 7) * Decimal("4.15")))
        day += timedelta(days=1)
    balance = CLOSING
    lines = []
    for on, text, amount in reversed(rows):  # newest first, as many banks export
        lines.append(f"{on:%d.%m.%Y};{text};{format_de(amount)};{format_de(balance)}")
        balance -= amount
    data = "Buchungstag;Verwendungszweck;Betrag;Saldo\n" + "\n".join(lines) + "\n"
    return data.encode("cp1252"), len(rows), rows[-1][0]


def format_de(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def assert_fits(page: Page) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide in a {width}px viewport"


def sign_up(page: Page, email: str) -> User:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill("Dora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("To finish signing up, open the link we have sent")).to_be_visible()
    page.goto(signup_link(email))
    page.get_by_role("button", name="Finish signing up").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/financial/$"))
    return User.objects.get(email=email)


def run_the_worker() -> int:
    """What a worker does once the short debounce is over: run the refreshes the changes queued. Returns how many."""
    tasks = HUEY.scheduled()
    HUEY.storage.flush_schedule()
    for task in tasks:
        task.eta = None  # its delay is over
        HUEY.execute(task)
    return len(tasks)


def txn_row(page: Page, text: str):
    return page.locator("tr[data-txn-row]", has_text=text)


@pytest.mark.parametrize("width", ["1440", "390"])
def test_day_one_a_new_user_sees_the_banks_balance_fixes_a_category_and_a_dashboard_that_keeps_up(
        browser: Browser, live_server, width):
    window = DESKTOP if width == "1440" else MOBILE
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "390" else {}
    context = browser.new_context(viewport=window, base_url=live_server.url, **phone)
    context.set_default_timeout(15_000)
    page = context.new_page()
    user = sign_up(page, f"dora-{width}@example.com")
    today = user.financial_profile.local_today()

    # Today's balance as she read it off her banking app this morning: before one payment was booked.
    page.goto("/money/accounts/")
    form = page.get_by_role("region", name="Add an account")
    form.get_by_label("Name").fill("Girokonto")
    form.get_by_label("Kind").select_option("checking")
    form.get_by_label("Currency").select_option("EUR")
    expect(form.get_by_label("Today’s, as your bank shows it now")).to_be_checked()
    expect(form.get_by_label("Opening day")).to_be_hidden()
    form.get_by_label("Balance", exact=True).fill("2300.00")
    assert_fits(page)
    shot(page, f"day-one-01-new-account-{width}")
    form.get_by_role("button", name="Add account").click()
    expect(page.get_by_text("Account “Girokonto” added.")).to_be_visible()
    account = Account.objects.get(owner=user)
    card = page.locator(f"#account-{account.pk}")
    expect(card.locator("[data-balance]")).to_contain_text("EUR 2,300.00")

    # Two years of history with the bank's balance after every row.
    statement, rows, last = two_year_statement(today)
    page.goto("/transactions/import/")
    page.get_by_label("Account", exact=True).select_option(label="Girokonto")
    page.get_by_label("Bank export").set_input_files(
        files=[{"name": "umsaetze-2-jahre.csv", "mimeType": "text/csv", "buffer": statement}])
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_text(f"{rows} new transactions, 0 duplicates skipped")).to_be_visible(timeout=60_000)
    check = page.get_by_role("region", name="Balance check")
    expect(check).to_contain_text(f"The bank says EUR 2,345.67 on {last.day} {last:%b %Y}")
    expect(check).to_contain_text("Finsight says EUR 2,300.00: difference EUR 45.67")
    expect(check).to_contain_text("Finsight works that day out from EUR 2,300.00")
    assert_fits(page)
    shot(page, f"day-one-02-import-difference-{width}")
    # Two years of history did not move today's balance: it is still the one she gave.
    assert selectors.account_get(user=user, pk=account.pk).balance == Decimal("2300.00")
    assert Transaction.objects.filter(account=account).count() == rows

    check.get_by_role("button", name="Add an adjustment of EUR 45.67").click()
    expect(page.get_by_text(f"Added an adjustment of EUR 45.67 on {last.day} {last:%b %Y}")).to_be_visible()
    expect(page.get_by_role("region", name="Balance check")).to_contain_text(
        f"Matches the bank: EUR 2,345.67 at the end of {last.day} {last:%b %Y}")
    assert_fits(page)
    shot(page, f"day-one-03-import-matches-{width}")

    page.goto("/money/accounts/")
    card = page.locator(f"#account-{account.pk}")
    expect(card.locator("[data-balance]")).to_contain_text("EUR 2,345.67")
    expect(card.locator("[data-reconciliation]")).to_contain_text("Matches the bank")
    expect(card).to_contain_text(f"{rows + 1} transactions")
    balance_box = card.locator("[data-balance]").bounding_box()
    assert balance_box["x"] + balance_box["width"] <= window["width"]
    assert_fits(page)
    shot(page, f"day-one-04-accounts-{width}")
    assert selectors.account_get(user=user, pk=account.pk).balance == CLOSING

    # The imported rows arrived categorized; she fixes one: last Saturday's REWE was a present for a friend.
    newest_rewe = Transaction.objects.filter(account=account, description__startswith="REWE").latest("date")
    page.goto(f"/transactions/?q={newest_rewe.description.replace(' ', '+')}")
    expect(txn_row(page, newest_rewe.description)).to_contain_text("Groceries")
    txn_row(page, newest_rewe.description).get_by_role("button", name=re.compile("^Edit ")).click()
    edit = page.get_by_role("form", name="Edit transaction")
    edit.get_by_label("Category").select_option(label="Gifts")
    edit.get_by_role("button", name="Save").click()
    expect(edit).to_be_hidden()
    expect(txn_row(page, newest_rewe.description)).to_contain_text("Gifts")
    expect(txn_row(page, newest_rewe.description)).to_contain_text("Set by you")
    assert_fits(page)
    shot(page, f"day-one-05-category-fixed-{width}")
    newest_rewe.refresh_from_db()
    assert (newest_rewe.category.name, newest_rewe.category_source) == ("Gifts", "user")

    # The dashboard says its forecast is being computed from what she just did, and shows it once it is.
    page.goto("/")
    month_end = page.locator("[data-card='month-end']")
    expect(month_end).to_contain_text("Being computed")
    expect(month_end.locator("[data-forecast-updating]")).to_be_visible()
    assert_fits(page)
    shot(page, f"day-one-06-dashboard-updating-{width}")
    assert run_the_worker() >= 1  # about 30 s after her last change, one refresh for the whole burst
    # The badge asks every 10 s; the page then reloads by itself with the new figures.
    expect(month_end.locator("[data-forecast-updating]")).to_have_count(0, timeout=20_000)
    expect(page.locator("[data-card='month-end']")).to_contain_text("Computed")
    expect(page.locator("[data-card='month-end']")).to_contain_text("EUR")
    # The balance chart's past is worked back from today's balance through the imported rows: not a flat line.
    history = {p["date"]: Decimal(p["balance"]) for p in Forecast.objects.get(
        user=user, kind="balance", account=None).summary["history"]}
    month_ago = today - timedelta(days=30)
    assert history[month_ago.isoformat()] == selectors.account_balance_on(
        user=user, account=selectors.account_get(user=user, pk=account.pk), on=month_ago)
    assert len(set(history.values())) > 10
    assert_fits(page)
    shot(page, f"day-one-07-dashboard-computed-{width}")
    context.close()


def test_on_a_phone_a_difference_and_the_add_form_fit(browser: Browser, live_server):
    from transactions import services
    from transactions.models import ImportBatch, ImportStatus

    user = UserFactory(email="pia@example.com", display_name="Pia", password=PASSWORD)
    today = user.financial_profile.local_today()
    long_name = "Gemeinschaftskonto Haushalt und Urlaub Sparkasse Köln-Bonn"
    account = services.account_create(user=user, name=long_name, kind="checking", currency="EUR",
                                      current_balance=Decimal("-1234567.89"), today=today)
    services.account_create(user=user, name="Visa", kind="credit_card", currency="CHF",
                            opening_balance=Decimal("-98765.43"), opening_date=today - timedelta(days=400))
    ImportBatch.objects.create(owner=user, account=account, filename="konto.csv", status=ImportStatus.DONE,
                               stated_balance=Decimal("-1234000.00"), stated_balance_date=today,
                               stated_balance_source="column")
    phone = browser.new_context(viewport=MOBILE, base_url=live_server.url, is_mobile=True, has_touch=True,
                                device_scale_factor=2)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    log_in(page, user.email, PASSWORD)
    page.goto("/money/accounts/")
    card = page.locator(f"#account-{account.pk}")
    expect(card.locator("[data-balance]")).to_have_text(re.compile(r"EUR -1,234,567\.89"))
    expect(card.locator("[data-reconciliation]")).to_contain_text("difference EUR 567.89")
    expect(card.get_by_role("button", name="Add an adjustment of EUR 567.89")).to_be_visible()
    for balance in page.locator("[data-balance]").all():
        box = balance.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], balance.inner_text()
    page.get_by_label("An opening balance, at the start of a day").check()
    expect(page.get_by_label("Opening day")).to_be_visible()
    assert_fits(page)
    shot(page, "balances-07-accounts-difference-390")
    card.get_by_role("link", name=f"Edit {long_name}").click()
    expect(page.get_by_label("Today’s, as your bank shows it now")).to_be_checked()
    expect(page.get_by_label("Balance", exact=True)).to_have_value("-1234567.89")
    expect(page.get_by_label("Opening day")).to_be_hidden()
    assert_fits(page)
    shot(page, "balances-09-edit-390")
    page.goto("/money/accounts/")
    page.set_viewport_size(DESKTOP)
    assert_fits(page)
    shot(page, "balances-08-accounts-difference-1440")
    phone.close()
