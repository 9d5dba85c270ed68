"""Every notification kind's email: subject, text and HTML show the amounts with their currency and the dates,
link to the page and to the preferences, and still render when a notification has no context."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import NotificationKind
from notifications.preferences import CHOOSABLE_KINDS, preferences_update
from notifications.services import notification_create, preferences_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(owner, settings, django_capture_on_commit_callbacks):
    """Send one notification of a kind by email; returns (subject, text, html)."""
    settings.SITE_URL = "https://money.example.org"
    preferences_update(user=owner, in_app_kinds=CHOOSABLE_KINDS, email_kinds=CHOOSABLE_KINDS, reminder_lead_days=3,
                       weekly_digest=True)
    # Retired kinds too (a price rise queued before an upgrade still goes out), which the page no longer offers.
    prefs = preferences_get(user=owner)
    prefs.in_app_kinds = prefs.email_kinds = list(NotificationKind.values)
    prefs.save()

    def send(kind: str, context: dict, *, title: str = "Hand-made title", body: str = "", link: str = "/bills/"):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            notification_create(user=owner, kind=kind, title=title, body=body, link=link, context=context)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["owner@example.com"]
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        for part in (message.body, html):
            assert "https://money.example.org" + link in part
            assert "https://money.example.org/notifications/preferences/" in part
            assert "Change which emails you get" in part
        return message.subject, message.body, html

    return send


def both(text: str, html: str, *needles: str) -> None:
    for needle in needles:
        assert needle in text, needle
        assert needle in html, needle


BILL = {"bill": "Netflix", "payee": "Netflix Intl", "amount": "15.99", "amount_max": None, "currency": "EUR",
        "due_date": "2026-12-01", "account": "Main checking"}


@pytest.mark.parametrize(("days_left", "subject"), [
    (0, "Netflix: EUR 15.99 due today"),
    (-1, "Netflix: EUR 15.99 due today"),  # a sweep catching up after downtime
    (1, "Netflix: EUR 15.99 due tomorrow"),
    (3, "Netflix: EUR 15.99 due in 3 days (Tue 1 Dec 2026)"),
])
def test_bill_due(emailed, days_left, subject):
    got_subject, text, html = emailed(NotificationKind.BILL_DUE, {**BILL, "days_left": days_left})

    assert got_subject == subject
    both(text, html, "EUR 15.99", "Tue 1 Dec 2026", "Main checking", "Netflix Intl")


def test_bill_due_with_a_range_of_amounts(emailed):
    subject, text, html = emailed(NotificationKind.BILL_DUE,
                                  {**BILL, "amount": "40.00", "amount_max": "1250.5", "days_left": 5})

    assert subject == "Netflix: EUR 40.00 to 1,250.50 due in 5 days (Tue 1 Dec 2026)"
    both(text, html, "EUR 40.00 to 1,250.50")


def test_bill_overdue(emailed):
    subject, text, html = emailed(NotificationKind.BILL_OVERDUE, {
        "bill": "Rent", "payee": "Acme Homes", "amount": "950", "amount_max": None, "currency": "EUR",
        "due_date": "2026-11-01", "days_overdue": 4})

    assert subject == "Overdue: Rent EUR 950.00 was due Sun 1 Nov 2026"
    both(text, html, "EUR 950.00", "Sun 1 Nov 2026", "4 days ago")


def test_bill_paid(emailed):
    subject, text, html = emailed(NotificationKind.BILL_PAID, {
        "bill": "Rent", "amount_paid": "950.00", "currency": "CHF", "paid_on_date": "2026-11-02",
        "due_date": "2026-11-01"})

    assert subject == "Paid: Rent CHF 950.00 on Mon 2 Nov 2026"
    both(text, html, "CHF 950.00", "Mon 2 Nov 2026", "Sun 1 Nov 2026")


def test_subscription_found(emailed):
    subject, text, html = emailed(NotificationKind.SUBSCRIPTION_FOUND, {
        "merchant": "Spotify", "amount": "10.99", "currency": "EUR", "frequency": "monthly",
        "next_date": "2026-12-05", "charge_count": 4}, link="/bills/suggestions/")

    assert subject == "Subscription found: Spotify, EUR 10.99 monthly"
    both(text, html, "EUR 10.99", "Sat 5 Dec 2026", "4 charges", "monthly")


def test_price_rise(emailed):
    subject, text, html = emailed(NotificationKind.PRICE_RISE, {
        "merchant": "Netflix", "old_amount": "13.99", "new_amount": "15.99", "currency": "EUR",
        "date": "2026-11-15", "yearly_difference": "24.00"})

    assert subject == "Netflix went up from EUR 13.99 to EUR 15.99"
    both(text, html, "EUR 13.99", "EUR 15.99", "Sun 15 Nov 2026", "EUR 24.00")


def test_price_rise_without_a_yearly_difference(emailed):
    subject, text, html = emailed(NotificationKind.PRICE_RISE, {
        "merchant": "Netflix", "old_amount": "13.99", "new_amount": "15.99", "currency": "EUR",
        "date": "2026-11-15", "yearly_difference": None})

    assert "a year" not in text and "Per year" not in html


def test_weekly_digest(emailed):
    subject, text, html = emailed(NotificationKind.WEEKLY_DIGEST, {
        "week_start_date": "2026-11-16", "week_end_date": "2026-11-22", "currency": "EUR",
        "total_spent": "412.30", "total_income": "2500.00", "transaction_count": 23,
        "top_categories": [{"name": "Groceries", "amount": "180.20"}, {"name": "Eating out", "amount": "95.00"}],
        "upcoming_bills": [{"bill": "Rent", "amount": "950.00", "currency": "EUR", "due_date": "2026-11-25"},
                           {"bill": "Phone", "amount": "20.00", "currency": "GBP", "due_date": "2026-11-27"}]},
        link="/")

    assert subject == "Your week: EUR 412.30 spent, 2 bills coming up"
    both(text, html, "Mon 16 Nov 2026", "Sun 22 Nov 2026", "EUR 412.30", "EUR 2,500.00", "23",
         "Groceries", "EUR 180.20", "Rent", "EUR 950.00", "Wed 25 Nov 2026", "GBP 20.00", "Fri 27 Nov 2026")


def test_weekly_digest_without_bills(emailed):
    subject, text, html = emailed(NotificationKind.WEEKLY_DIGEST, {
        "week_start_date": "2026-11-16", "week_end_date": "2026-11-22", "currency": "EUR", "total_spent": "12.00",
        "total_income": "0.00", "transaction_count": 1, "top_categories": [], "upcoming_bills": []})

    assert subject == "Your week: EUR 12.00 spent, no bills coming up"
    both(text, html, "No bills coming up this week.")


@pytest.mark.parametrize("kind", NotificationKind.values)
def test_a_notification_without_context_still_renders(emailed, kind):
    subject, text, html = emailed(kind, {}, title="Check your bills", body="Something needs a look.")

    assert subject == "Check your bills"
    both(text, html, "Check your bills", "Something needs a look.")


def test_names_from_bank_data_are_escaped_in_html_but_plain_in_text(emailed):
    subject, text, html = emailed(NotificationKind.PRICE_RISE, {
        "merchant": "Bob's <b>Gym</b>", "old_amount": "20", "new_amount": "25", "currency": "EUR",
        "date": "2026-11-15", "yearly_difference": "60"})

    assert subject == "Bob's <b>Gym</b> went up from EUR 20.00 to EUR 25.00"
    assert "Bob's <b>Gym</b> charged you" in text
    assert "<b>Gym</b>" not in html
    assert "Bob&#x27;s &lt;b&gt;Gym&lt;/b&gt;" in html
