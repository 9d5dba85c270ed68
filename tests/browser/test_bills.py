"""Bills and notifications in a real chromium: upcoming list, mark paid, calendar, the bell and the inbox.

Screenshots land in artifacts/screenshots/bills-*.png and notifications-*.png for a human to look at.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from notifications.models import NotificationKind
from notifications.services import notification_create
from payments import services
from payments.models import Frequency, RecurringPayment
from tests.browser.helpers import PASSWORD, assert_no_horizontal_overflow, log_in, shot
from transactions import services as ledger
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.browser


def bills_user(email: str = "bea@example.com"):
    user = UserFactory(email=email, display_name="Bea", password=PASSWORD)
    today = timezone.localdate()
    account = ledger.account_create(user=user, name="Main checking", kind="checking", currency="EUR",
                                    opening_balance=Decimal("2400.00"), opening_date=today - dt.timedelta(days=400))
    for months_back in range(1, 6):   # a salary on the 27th, so the page knows the next payday
        day = (today.replace(day=1) - relativedelta(months=months_back)).replace(day=27)
        TransactionFactory(owner=user, account=account, date=day, amount=Decimal("3100.00"),
                           currency="EUR", description="ACME GMBH SALARY")
    soon = today + dt.timedelta(days=3)
    for name, payee, amount, frequency, day in (
        ("Rent", "Hausverwaltung", "1150.00", Frequency.MONTHLY, soon.day),
        ("Streaming", "Netflix", "17.99", Frequency.MONTHLY, (today + dt.timedelta(days=9)).day),
        ("Cleaning", "Anna Putz", "45.00", Frequency.WEEKLY, None),
    ):
        services.recurring_payment_create(
            user=user, name=name, payee=payee, amount=Decimal(amount), currency="EUR", frequency=frequency,
            day_of_month=day, start_date=soon if day == soon.day else today + dt.timedelta(days=1),
            account=account, today=today)
    notification_create(user=user, kind=NotificationKind.BILL_DUE, title="Rent: EUR 1,150.00 due in 3 days",
                        body="Rent to Hausverwaltung is due soon.", link="/bills/upcoming/", dedupe_key="demo:rent")
    notification_create(user=user, kind=NotificationKind.SUBSCRIPTION_FOUND, title="Netflix looks like a subscription",
                        body="EUR 17.99 every month.", link="/bills/", severity="info")
    return user


def test_upcoming_bills_mark_paid_and_the_calendar(page: Page):
    user = bills_user()
    log_in(page, user.email, PASSWORD)
    page.goto("/bills/upcoming/")
    expect(page.get_by_role("heading", name="Upcoming bills")).to_be_visible()
    expect(page.locator("[data-before-payday]")).to_contain_text("EUR")
    expect(page.get_by_text("Rent").first).to_be_visible()
    shot(page, "bills-upcoming")

    page.get_by_role("button", name=re.compile(r"Mark “Rent” due .* paid")).click()
    expect(page.get_by_role("button", name=re.compile(r"Mark “Rent” due .* paid"))).to_have_count(0)
    rent = RecurringPayment.objects.get(user=user, name="Rent")
    assert rent.next_due_date > timezone.localdate() + dt.timedelta(days=20)

    page.goto("/bills/calendar/")
    expect(page.get_by_text("Streaming").first).to_be_visible()
    shot(page, "bills-calendar")
    page.goto("/bills/")
    expect(page.get_by_text("Weekly").first).to_be_visible()
    shot(page, "bills-list")


def test_the_bell_counts_unread_and_the_inbox_clears_it(page: Page):
    user = bills_user("nora@example.com")
    log_in(page, user.email, PASSWORD)
    page.goto("/bills/")
    bell = page.locator("#nav-notifications")
    expect(bell.locator("[data-unread-count]")).to_have_text("2")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_text("Netflix looks like a subscription")).to_be_visible()
    shot(page, "notifications-list")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("#nav-notifications [data-unread-count]")).to_be_hidden()
    page.goto("/notifications/preferences/")
    shot(page, "notifications-preferences")


def test_calendar_and_upcoming_fit_a_phone(mobile_page: Page):
    user = bills_user("pia@example.com")
    log_in(mobile_page, user.email, PASSWORD)
    # The phone's bell counts the unread notifications too.
    expect(mobile_page.locator("#nav-notifications [data-unread-count]")).to_have_text("2")
    for path, name in (("/bills/upcoming/", "bills-upcoming-mobile"), ("/bills/calendar/", "bills-calendar-mobile"),
                       ("/notifications/", "notifications-mobile")):
        mobile_page.goto(path)
        assert_no_horizontal_overflow(mobile_page)
        shot(mobile_page, name)
