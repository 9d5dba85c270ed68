"""The monthly letter: a known household's month in plain words with the right figures, written once, told once,
by email only when the person chose it, and never with anyone else's figures."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from advisor.letter import letter_compose, letter_send
from advisor.models import MonthlyLetter
from advisor.tasks import monthly_letter_task
from alerts.tests.conftest import alert_for, charge
from budgets.services import budget_set
from core.models import JobRun
from core.months import month_add, month_start
from goals.tests.conftest import goal, worked_out
from goals.tests.history import year_of_money
from notifications.models import Channel, Notification, NotificationKind
from notifications.preferences import preferences_update
from notifications.services import preferences_get
from transactions.tests.factories import AccountFactory, TransactionFactory, category

pytestmark = pytest.mark.django_db

SEPTEMBER, OCTOBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 2)


def pay(account, key: str, amount: str, on: dt.date, merchant: str = "") -> None:
    TransactionFactory(account=account, category=category(key), amount=Decimal(amount), date=on,
                       description=merchant.upper() or key.upper(), merchant=merchant)


def two_months(account) -> None:
    """September: salary 3,000; rent 1,000, groceries 400, clothes 300 (spent 1,700, saved 1,300).
    October: salary 3,200; rent 1,000, groceries 650, clothes 100 (spent 1,750, saved 1,450, 45.3%)."""
    for month, salary, groceries, clothes in ((SEPTEMBER, "3000", "-400", "-300"), (OCTOBER, "3200", "-650", "-100")):
        pay(account, "housing.rent", "-1000", month, "Landlord")
        pay(account, "food_drink.groceries", groceries, month + dt.timedelta(days=4), "REWE")
        pay(account, "shopping.clothing", clothes, month + dt.timedelta(days=9), "Zara")
        pay(account, "income.salary", salary, month + dt.timedelta(days=24), "ACME")


@pytest.fixture
def household(owner):
    account = AccountFactory(owner=owner, name="Current")
    two_months(account)
    budget_set(user=owner, category=category("food_drink"), month=OCTOBER, amount="500")
    budget_set(user=owner, category=category("shopping"), month=OCTOBER, amount="200")
    budget_set(user=owner, category=category("housing"), month=OCTOBER, amount="1200")
    return account


def numbers(text: str) -> list[str]:
    """Every amount and percentage written: "EUR 1,450.00", "45.3%"."""
    return re.findall(r"EUR -?[\d,]+\.\d\d|-?[\d.]+%", text)


def test_a_known_month_reads_as_a_letter_with_the_right_figures(owner, household):
    letter = letter_compose(user=owner, month=OCTOBER, today=TODAY)

    assert letter.subject == "Your October 2026 in review"
    assert letter.went_well == [
        "You saved EUR 1,450.00, 45.3% of your income: at or above your target of 20.0%.",
        "Shopping came down to EUR 100.00 from EUR 300.00 in September.",
        "Housing and Shopping stayed within their budgets.",
    ]
    assert letter.changed == [
        "You spent EUR 1,750.00 in October, EUR 50.00 more than the EUR 1,700.00 of September (2.9% more).",
        "The biggest rise was Food & Drink: EUR 650.00 against EUR 400.00 in September, EUR 250.00 more.",
        "Your income rose to EUR 3,200.00 from EUR 3,000.00 in September.",
    ]
    assert letter.suggestion.startswith(
        "Look at Food & Drink: it rose by EUR 250.00 (62.5%) to EUR 650.00, from EUR 400.00 in September; its "
        "budget is EUR 500.00.")
    assert not letter.first


def test_every_figure_written_is_a_stored_fact_with_its_period(owner, household):
    letter = letter_compose(user=owner, month=OCTOBER, today=TODAY)
    facts = {fact["key"]: fact for fact in letter.facts_json()}

    written = numbers(letter.subject + letter.text())
    assert written
    # A change is written as its size, with a direction word.
    assert {number.replace("-", "") for number in written} <= {f["text"].replace("-", "") for f in facts.values()}
    assert facts["savings_summary.last.savings"] | {"link": ""} == {
        "key": "savings_summary.last.savings", "label": "Saved in October 2026", "value": "1450.00",
        "text": "EUR 1,450.00", "kind": "money", "currency": "EUR", "period": "2026-10", "link": ""}
    assert facts["savings_summary.before.last.income"]["label"] == "Income in September 2026"
    assert facts["savings_summary.before.last.income"]["period"] == "2026-09"
    assert facts["savings_summary.last.income"]["text"] == "EUR 3,200.00"
    assert facts["month_comparison.up.1.change"]["value"] == "250.00"
    assert facts["budget_status.budget.1.available"]["text"] == "EUR 500.00"


def test_an_open_high_risk_alert_is_the_one_suggestion(owner, household):
    alert_for(owner, charge(household, "-480.00", description="CARD 4411 ELECTRO WORLD", on=dt.date(2026, 10, 30)))

    letter = letter_compose(user=owner, month=OCTOBER, today=TODAY)

    assert letter.suggestion == (
        "Check your open high-risk alert (1) first: the latest is CARD 4411 ELECTRO WORLD on 30 Oct, EUR 480.00. "
        "If it is not yours, tell your bank.")


def test_a_goal_behind_its_date_is_the_one_suggestion(owner):
    today = owner.financial_profile.local_today()
    year_of_money(AccountFactory(owner=owner, name="Current"), today=today)
    goal(owner, "New roof", target_amount=Decimal("40000"), target_date=month_add(month_start(today), 12))
    worked_out(owner)

    letter = letter_compose(user=owner, month=month_add(month_start(today), -1), today=today)

    assert letter.suggestion.startswith("New roof is behind: making ")
    stored = {fact.key: fact for fact in letter.facts}
    for key in ("date", "needed", "monthly"):
        assert stored[f"goals_plan.goal.1.{key}"].text() in letter.suggestion


def test_a_new_user_with_nothing_on_record_gets_no_letter(owner):
    AccountFactory(owner=owner)

    assert letter_compose(user=owner, month=OCTOBER, today=TODAY) is None
    assert letter_send(user=owner, month=OCTOBER, today=TODAY) is None
    assert not MonthlyLetter.objects.exists()
    assert not Notification.objects.exists()


def test_a_first_month_gets_a_short_honest_letter(owner):
    account = AccountFactory(owner=owner)
    pay(account, "income.salary", "2000", dt.date(2026, 10, 25), "ACME")
    pay(account, "housing.rent", "-900", dt.date(2026, 10, 1), "Landlord")
    pay(account, "food_drink.groceries", "-300", dt.date(2026, 10, 5), "REWE")

    letter = letter_compose(user=owner, month=OCTOBER, today=TODAY)

    assert letter.first
    assert letter.subject == "Your first monthly letter: October 2026"
    assert letter.went_well == ["You saved EUR 800.00, 40.0% of your income: at or above your target of 20.0%."]
    assert letter.changed == [
        "This is your first letter, so there is nothing to compare with yet: in October your income was "
        "EUR 2,000.00 and you spent EUR 1,200.00.",
        "Most of it went to Housing: EUR 900.00 (75.0% of your spending).",
    ]
    assert letter.suggestion.startswith("Nothing to suggest yet: one month is too little")


def test_the_letter_is_stored_and_told_once(owner, household, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = letter_send(user=owner, month=OCTOBER, today=TODAY)
        again = letter_send(user=owner, month=OCTOBER, today=TODAY)

    assert again is None
    assert MonthlyLetter.objects.get() == stored
    assert stored.month == OCTOBER and stored.subject == "Your October 2026 in review"
    assert stored.went_well.splitlines()[0].startswith("You saved EUR 1,450.00")
    assert stored.suggestion.startswith("Look at Food & Drink")
    assert {fact["key"] for fact in stored.facts} >= {"savings_summary.last.savings", "month_comparison.total.this"}
    [note] = Notification.objects.all()
    assert (note.kind, note.title, note.link, note.in_app) == (
        NotificationKind.MONTHLY_LETTER, "Your October 2026 in review", "/advisor/letters/2026-10/", True)
    assert "One suggestion: Look at Food & Drink" in note.body
    assert [d.channel for d in note.deliveries.all()] == [Channel.IN_APP]
    assert mail.outbox == []  # email only when chosen: not among the default email kinds


def test_email_goes_out_when_the_preferences_allow(owner, household, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://money.example.org"
    prefs = preferences_get(user=owner)
    preferences_update(user=owner, in_app_kinds=prefs.in_app_kinds, email_kinds=["monthly_letter"],
                       reminder_lead_days=3, weekly_digest=False)

    with django_capture_on_commit_callbacks(execute=True):
        letter_send(user=owner, month=OCTOBER, today=TODAY)

    [message] = mail.outbox
    assert message.subject == "Your October 2026 in review"
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "EUR 1,450.00" in part
        assert "Food &amp; Drink" in part if part is html else "Food & Drink" in part
        assert "https://money.example.org/advisor/letters/2026-10/" in part
    assert "What went well:\n- You saved EUR 1,450.00" in message.body
    assert "One suggestion: Look at Food & Drink" in message.body


def test_another_users_figures_never_appear(owner, other_user, household):
    theirs = AccountFactory(owner=other_user, name="Oscar's")
    pay(theirs, "income.salary", "7777.77", dt.date(2026, 10, 25), "Globex")
    pay(theirs, "shopping.electronics", "-6543.21", dt.date(2026, 10, 3), "Electro World")
    alert_for(other_user, charge(theirs, "-999.99", description="OSCAR'S CASINO", on=dt.date(2026, 10, 30)))

    letter = letter_compose(user=owner, month=OCTOBER, today=TODAY)
    mine = letter.subject + letter.text() + str(letter.facts_json())

    for figure in ("7,777.77", "6,543.21", "999.99", "CASINO", "Electro", "Globex"):
        assert figure not in mine
    other = letter_compose(user=other_user, month=OCTOBER, today=TODAY)
    assert "EUR 1,450.00" not in other.text() and "EUR 6,543.21" in other.text()


def test_the_task_writes_nothing_twice_and_skips_an_inactive_user(owner, household):
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        monthly_letter_task.call_local(owner.pk, "2026-10")
        monthly_letter_task.call_local(owner.pk, "2026-10")
        owner.is_active = False
        owner.save()
        monthly_letter_task.call_local(owner.pk, "2026-10")

    assert [run.outcome for run in JobRun.objects.filter(name="monthly_letter").order_by("pk")] == [
        {"month": "2026-10", "written": 1}, {"month": "2026-10", "written": 0}, {}]
    assert MonthlyLetter.objects.count() == 1
