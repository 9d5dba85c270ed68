"""manage.py seed_demo: a realistic, deterministic demo ledger through the importer's insert path."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from transactions import selectors, services
from transactions.management.commands.seed_demo import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    demo_rows,
)
from transactions.models import Tag, Transaction
from transactions.tests.factories import category

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _ledger(user) -> list[tuple]:
    return list(Transaction.objects.filter(owner=user).order_by("date", "account__name", "description", "amount")
                .values_list("account__name", "date", "amount", "description", "merchant", "category__key"))


def test_same_seed_same_rows_other_seed_other_rows():
    rows = demo_rows(seed=42, months=24, today=TODAY)
    assert rows == demo_rows(seed=42, months=24, today=TODAY)
    assert rows != demo_rows(seed=43, months=24, today=TODAY)
    assert min(r.date for r in rows) >= date(2024, 11, 22)
    assert max(r.date for r in rows) <= TODAY


def test_two_years_of_realistic_history():
    rows = demo_rows(seed=42, months=24, today=TODAY)
    by_category = Counter(r.category for r in rows)
    assert by_category["income.salary"] == 24
    assert by_category["housing.rent"] == 24
    assert by_category["housing.utilities"] >= 24
    assert by_category["housing.internet_phone"] == 48
    weeks = (TODAY - date(2024, 11, 22)).days / 7
    assert 2 <= by_category["food_drink.groceries"] / weeks <= 3
    for key in ["food_drink.restaurants", "food_drink.coffee_shops", "entertainment.streaming_services",
                "health_wellness.gym_fitness", "transportation.gas_fuel", "transportation.public_transit",
                "travel.flights", "travel.hotels", "shopping.electronics", "shopping.home_goods",
                "transfers.savings_transfer", "transfers.credit_card_payment", "fees_charges.bank_fees"]:
        assert by_category[key] > 0, key
    refunds = [r for r in rows if r.category == "income.refunds"]
    assert refunds and all(r.amount > 0 for r in refunds)
    # Subscriptions on fixed days, one with a price rise.
    netflix = [r for r in rows if r.merchant == "Netflix"]
    assert {r.date.day for r in netflix} == {12}
    assert sorted({r.amount for r in netflix}) == [Decimal("-17.99"), Decimal("-13.99")]
    descriptions = {r.description for r in rows}
    assert "CARD PAYMENT REWE SAGT DANKE 1234 BERLIN" in descriptions
    assert "SEPA-LASTSCHRIFT NETFLIX.COM" in descriptions
    assert any(d.startswith("AMZN Mktp DE*") for d in descriptions)
    assert {r.account for r in rows} == {"checking", "savings", "card"}
    assert by_category[None] > 0  # a few left for review


def test_creates_the_demo_user_with_a_ledger_and_prints_the_login(fixed_today):
    output = _seed("--months", "24")
    assert f"email {DEMO_EMAIL}  password {DEMO_PASSWORD}" in output
    user = User.objects.get(email=DEMO_EMAIL)
    assert user.check_password(DEMO_PASSWORD)
    assert user.financial_profile.preferred_currency == "EUR"
    expected = demo_rows(seed=42, months=24, today=TODAY)
    assert Transaction.objects.filter(owner=user).count() == len(expected)
    assert f"({len(expected)} transactions in 3 accounts, 2024-11-22 to 2026-11-21)" in output
    accounts = {a.name: a for a in selectors.account_list(user=user)}
    assert {a.kind for a in accounts.values()} == {"checking", "savings", "credit_card"}
    assert all(a.opening_date == date(2024, 11, 22) for a in accounts.values())
    assert accounts["Main checking"].balance > 0
    assert accounts["Savings"].balance > Decimal("6000")
    # Through the importer's insert path: content fingerprints, import-set categories, EUR conversion.
    rewe = Transaction.objects.filter(owner=user, merchant="REWE").first()
    assert rewe.source == "csv" and rewe.fingerprint.startswith("row:")
    assert (rewe.category, rewe.category_source, rewe.needs_review) == (category("food_drink.groceries"), "import",
                                                                        False)
    assert rewe.amount_converted == rewe.amount


def test_a_rerun_resets_the_ledger_to_the_same_rows(fixed_today):
    _seed("--months", "6", "--seed", "3")
    user = User.objects.get(email=DEMO_EMAIL)
    first = _ledger(user)
    # The demo user plays around: a new category, a tag, a hidden category, a changed password.
    account = user.ledger_accounts.first()
    services.category_create(user=user, name="Mine")
    services.transaction_create(user=user, account=account, on=TODAY, amount=Decimal("-1"), description="X",
                                tags=["played"])
    services.category_set_hidden(user=user, category=category("food_drink.bars"), hidden=True)
    user.set_password("something else entirely")
    user.save()

    _seed("--months", "6", "--seed", "3")
    user.refresh_from_db()
    assert _ledger(user) == first
    assert not user.categories.exists() and not Tag.objects.filter(owner=user).exists()
    assert not user.hidden_categories.exists()
    assert user.check_password(DEMO_PASSWORD)
    assert user.ledger_accounts.count() == 3


def test_other_email_and_seed(fixed_today, owner):
    _seed("--email", "try@example.com", "--months", "2", "--seed", "9")
    demo = User.objects.get(email="try@example.com")
    assert Transaction.objects.filter(owner=demo).count() == len(demo_rows(seed=9, months=2, today=TODAY))
    assert not Transaction.objects.filter(owner=owner).exists()


def test_a_staff_account_is_never_reset(staff_user, fixed_today):
    with pytest.raises(CommandError, match="staff account"):
        _seed("--email", staff_user.email, "--months", "1")
    staff_user.refresh_from_db()
    assert not staff_user.check_password(DEMO_PASSWORD)


def test_months_out_of_range_is_refused():
    with pytest.raises(CommandError, match="--months"):
        _seed("--months", "0")


def test_history_ends_today_whatever_the_day(fixed_today):
    for today in (date(2027, 3, 1), date(2028, 2, 29)):
        rows = demo_rows(seed=42, months=24, today=today)
        assert max(r.date for r in rows) <= today
        assert min(r.date for r in rows) >= today - timedelta(days=731)
        assert max(r.date for r in rows) >= today - timedelta(days=3)
