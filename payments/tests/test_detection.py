"""Subscriptions and paydays found in two years of realistic, noisy history."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from payments.detection import merchant_key, salary_detect, subscriptions_detect
from payments.models import Frequency
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory, category

TODAY = date(2026, 11, 20)
START = TODAY - timedelta(days=729)


def workday(day: date, *, earlier: bool = False) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=-1 if earlier else 1)
    return day


def months(first: date, last: date, day: int):
    """The given day of each month from first to last (a short month uses its last day)."""
    current = first.replace(day=1) + relativedelta(day=day)
    while current <= last:
        if current >= first:
            yield current
        current = current + relativedelta(months=1, day=day)


class History:
    """Collects transactions for one account and writes them in one insert."""

    def __init__(self, account, seed: int = 7):
        self.account = account
        self.rng = random.Random(seed)
        self.rows: list[Transaction] = []

    def add(self, day: date, amount, description: str, merchant: str = "", category_key: str | None = None,
            account=None) -> None:
        account = account or self.account
        self.rows.append(Transaction(
            owner=account.owner, account=account, date=day, amount=Decimal(str(amount)), currency=account.currency,
            description=description, merchant=merchant,
            category=category(category_key) if category_key else None,
            fingerprint="test:" + uuid.uuid4().hex,
        ))

    def money(self, low: float, high: float) -> Decimal:
        return Decimal(str(round(self.rng.uniform(low, high), 2)))

    def save(self) -> None:
        Transaction.objects.bulk_create(self.rows)


def netflix(h: History, *, rise_on: date = date(2026, 4, 1)) -> None:
    for day in months(START, TODAY, 12):
        h.add(day, "-15.99" if day >= rise_on else "-12.99", f"SEPA-LASTSCHRIFT NETFLIX.COM {h.rng.randint(10**7, 10**8)}")


def spotify(h: History, *, skipped: date = date(2025, 8, 3)) -> None:
    for day in months(START, TODAY, 3):
        if day == skipped:
            continue
        h.add(day + timedelta(days=h.rng.randint(0, 3)), "-10.99", f"Spotify P{h.rng.randint(10**9, 10**10)} Stockholm",
              "Spotify")


def gym(h: History) -> None:
    day = START + timedelta(days=5)
    while day <= TODAY:
        h.add(day, "-29.90", "SEPA-LASTSCHRIFT FITX DEUTSCHLAND MITGLIEDSBEITRAG", "FitX")
        day += timedelta(days=28)


def domain(h: History) -> None:
    for day in (date(2025, 3, 9), date(2026, 3, 10)):
        h.add(day, "-14.99", "PAYPAL *NAMECHEAP", "Namecheap")


def cleaning(h: History) -> None:
    day = START + timedelta(days=(4 - START.weekday()) % 7)  # Fridays
    while day <= TODAY:
        h.add(day, "-60.00", "SEPA-UEBERWEISUNG MARIA KOWALSKI REINIGUNG", "Maria Kowalski")
        day += timedelta(days=7)


def rent(h: History) -> None:
    for day in months(START, TODAY, 1):
        h.add(workday(day), "-1150.00", "DAUERAUFTRAG MIETE HAUSVERWALTUNG KRAUSE", "Hausverwaltung Krause",
              "housing.rent")


def weekly_groceries(h: History) -> None:
    day = START + timedelta(days=(5 - START.weekday()) % 7)  # Saturdays
    while day <= TODAY:
        h.add(day, -h.money(20, 120), "CARD PAYMENT REWE SAGT DANKE 4411 BERLIN", "Rewe", "food_drink.groceries")
        day += timedelta(days=7)


def frequent_groceries(h: History) -> None:
    day = START
    while day <= TODAY:
        if day.weekday() in (1, 3, 5) and h.rng.random() < 0.85:
            h.add(day, -h.money(8, 90), f"KARTENZAHLUNG EDEKA CENTER {h.rng.randint(100, 999)}", "Edeka")
        day += timedelta(days=1)


def coffee(h: History) -> None:
    day = START
    while day <= TODAY:
        if day.weekday() < 5 and h.rng.random() < 0.8:
            h.add(day, -h.money(2.9, 4.8), "SUMUP *BALZAC COFFEE", "Balzac Coffee")
        day += timedelta(days=1)


def fuel(h: History) -> None:
    day = START + timedelta(days=3)
    while day <= TODAY:
        h.add(day, -h.money(48, 82), "ARAL STATION 2231 BERLIN", "Aral")
        day += timedelta(days=h.rng.randint(9, 12))


def cancelled(h: History) -> None:
    for day in months(START, TODAY - timedelta(days=183), 20):
        h.add(day, "-9.99", "SEPA-LASTSCHRIFT DISNEY PLUS", "Disney+")


def amazon(h: History) -> None:
    day = START
    while day <= TODAY:
        h.add(day, -h.money(9, 140), f"AMZN Mktp DE*{h.rng.randint(10**5, 10**6)}X4")
        day += timedelta(days=h.rng.choice((3, 11, 19, 26, 40, 52, 70)))


def two_charges(h: History) -> None:
    h.add(TODAY - timedelta(days=40), "-7.99", "SEPA-LASTSCHRIFT ZEIT ONLINE ABO", "Zeit Online")
    h.add(TODAY - timedelta(days=10), "-7.99", "SEPA-LASTSCHRIFT ZEIT ONLINE ABO", "Zeit Online")


def salary(h: History) -> None:
    for day in months(START, TODAY, 27):
        h.add(workday(day, earlier=True), "3480.00" if day < date(2026, 1, 1) else "3620.00",
              f"LOHN/GEHALT ACME GMBH {day:%m/%Y} PERS-NR 004711", "Acme GmbH", "income.salary")


def everything(h: History) -> None:
    for build in (netflix, spotify, gym, domain, cleaning, rent, weekly_groceries, frequent_groceries, coffee, fuel,
                  cancelled, amazon, two_charges, salary):
        build(h)


@pytest.fixture
def history(account):
    h = History(account)
    everything(h)
    h.save()
    return h


def by_merchant(found) -> dict:
    return {s.merchant_key: s for s in found}


def test_merchant_key_ignores_case_digits_and_punctuation():
    assert merchant_key("NETFLIX.COM 4711") == merchant_key("Netflix.com") == "netflix com"
    assert merchant_key("1234 ***") == ""


def test_the_real_subscriptions_are_found_and_the_noise_is_not(owner, history):
    found = by_merchant(subscriptions_detect(user=owner, today=TODAY))

    assert set(found) == {"netflix com", "spotify", "fitx", "namecheap", "maria kowalski", "hausverwaltung krause"}


def test_a_price_rise_shows_the_new_price_and_the_old_one(owner, history):
    netflix = by_merchant(subscriptions_detect(user=owner, today=TODAY))["netflix com"]

    assert netflix.merchant == "netflix.com"  # the cleaner keeps a domain as written
    assert netflix.frequency == Frequency.MONTHLY
    assert netflix.amount == Decimal("15.99")
    assert netflix.previous_amount == Decimal("12.99")
    assert netflix.currency == "EUR"
    assert netflix.last_date == date(2026, 11, 12)
    assert netflix.next_date == date(2026, 12, 12)
    assert netflix.charge_count == 24


def test_jittered_spotify_with_a_skipped_month_is_still_monthly(owner, history):
    # One missed charge among 23 leaves 95% of the gaps regular: still a subscription, with no price change.
    spotify = by_merchant(subscriptions_detect(user=owner, today=TODAY))["spotify"]

    assert spotify.frequency == Frequency.MONTHLY
    assert spotify.amount == Decimal("10.99")
    assert spotify.previous_amount is None
    assert spotify.charge_count == 23
    assert date(2026, 12, 3) <= spotify.next_date <= date(2026, 12, 6)


def test_a_gym_every_four_weeks_is_not_calendar_monthly(owner, history):
    gym = by_merchant(subscriptions_detect(user=owner, today=TODAY))["fitx"]

    assert (gym.frequency, gym.interval_days, gym.interval_weeks) == (Frequency.EVERY_N_WEEKS, 28, 4)
    assert gym.next_date == gym.last_date + timedelta(days=28)
    assert gym.next_date > TODAY - timedelta(days=1)


def test_a_yearly_renewal_needs_only_two_charges(owner, history):
    domain = by_merchant(subscriptions_detect(user=owner, today=TODAY))["namecheap"]

    assert (domain.frequency, domain.charge_count, domain.amount) == (Frequency.YEARLY, 2, Decimal("14.99"))
    assert domain.next_date == date(2027, 3, 10)


def test_weekly_cleaning_and_monthly_rent(owner, history):
    found = by_merchant(subscriptions_detect(user=owner, today=TODAY))

    cleaning, rent = found["maria kowalski"], found["hausverwaltung krause"]
    assert (cleaning.frequency, cleaning.interval_days, cleaning.amount) == (Frequency.WEEKLY, 7, Decimal("60.00"))
    assert cleaning.next_date.weekday() == 4
    assert (rent.frequency, rent.amount) == (Frequency.MONTHLY, Decimal("1150.00"))
    assert rent.category_id == category("housing.rent").pk
    assert rent.account_id == history.account.pk
    assert rent.next_date == date(2026, 12, 1)


def test_confidence_is_between_zero_and_one_with_three_places(owner, history):
    for found in subscriptions_detect(user=owner, today=TODAY):
        assert Decimal("0") < found.confidence <= Decimal("1")
        assert found.confidence == found.confidence.quantize(Decimal("0.001"))


@pytest.mark.parametrize("build", [weekly_groceries, frequent_groceries, coffee, fuel, cancelled, amazon, two_charges])
def test_noise_alone_is_not_a_subscription(owner, account, build):
    h = History(account, seed=11)
    build(h)
    h.save()

    assert subscriptions_detect(user=owner, today=TODAY) == []


def test_a_second_charge_in_the_same_month_breaks_the_pattern(owner, account):
    h = History(account)
    for day in months(START, TODAY, 5):
        h.add(day, "-25.00", "SEPA-LASTSCHRIFT KIOSK")
        h.add(day + timedelta(days=h.rng.randint(8, 20)), "-25.00", "SEPA-LASTSCHRIFT KIOSK")
    h.save()

    assert subscriptions_detect(user=owner, today=TODAY) == []


def test_only_the_users_own_history_counts(owner, other_user, other_account):
    h = History(other_account)
    netflix(h)
    h.save()

    assert subscriptions_detect(user=owner, today=TODAY) == []
    assert [s.merchant_key for s in subscriptions_detect(user=other_user, today=TODAY)] == ["netflix com"]


def test_charges_in_another_currency_are_a_separate_series(owner, account):
    usd = AccountFactory(owner=owner, name="USD card", currency="USD")
    h = History(account)
    for day in months(START, TODAY, 12):
        h.add(day, "-9.00", "GITHUB SPONSORS", "GitHub")
    for day in months(START, TODAY, 20):
        h.add(day, "-4.00", "GITHUB COPILOT", "GitHub", account=usd)
    h.save()

    found = {(s.merchant_key, s.currency): s.amount for s in subscriptions_detect(user=owner, today=TODAY)}
    assert found == {("github", "EUR"): Decimal("9.00"), ("github", "USD"): Decimal("4.00")}


def test_detection_reads_the_history_in_one_query(owner, history, django_assert_num_queries):
    with django_assert_num_queries(1):
        subscriptions_detect(user=owner, today=TODAY)
    with django_assert_num_queries(1):
        salary_detect(user=owner, today=TODAY)


def test_no_history_no_subscriptions_and_no_payday(owner):
    assert subscriptions_detect(user=owner, today=TODAY) == []
    assert salary_detect(user=owner, today=TODAY) is None


def test_salary_is_the_largest_regular_income_and_payday_skips_weekends(owner, account, history):
    h = History(account, seed=3)
    for day in months(START, TODAY, 15):  # a smaller regular income: rent from a lodger
        h.add(day, "450.00", "GUTSCHRIFT UNTERMIETE JONAS", "Jonas")
    for day in months(START, TODAY, 28):  # bigger, but only money moved from savings
        h.add(day, "4000.00", "UEBERTRAG VON TAGESGELD", "Savings", "transfers.savings_transfer")
    h.add(TODAY - timedelta(days=50), "120.00", "ERSTATTUNG", "Refund")
    h.save()

    pay = salary_detect(user=owner, today=TODAY)

    assert pay.payer == "Acme GmbH"
    assert (pay.amount, pay.currency, pay.interval_days) == (Decimal("3620.00"), "EUR", 30)
    assert pay.last_date == date(2026, 10, 27)
    assert pay.next_date == date(2026, 11, 27)
    # 27 December 2026 is a Sunday: that salary arrives on Friday the 25th.
    assert salary_detect(user=owner, today=date(2026, 11, 28)).next_date == date(2026, 12, 25)


def test_fortnightly_wages_are_a_payday_too(owner, account):
    h = History(account)
    day = TODAY - timedelta(days=300)
    while day <= TODAY:
        h.add(day, "1400.00", "PAYROLL BRIGHT STAFFING", "Bright Staffing")
        day += timedelta(days=14)
    h.save()

    pay = salary_detect(user=owner, today=TODAY)

    assert pay.interval_days == 14
    assert pay.last_date < pay.next_date == pay.last_date + timedelta(days=14)
    assert pay.next_date > TODAY


def test_transfers_between_own_accounts_are_not_subscriptions(owner, account):
    h = History(account)
    for day in months(START, TODAY, 28):
        h.add(day, "-400.00", "DAUERAUFTRAG UEBERTRAG AUF TAGESGELD", "Savings transfer", "transfers.savings_transfer")
    h.save()

    assert subscriptions_detect(user=owner, today=TODAY) == []


def test_references_in_descriptions_do_not_split_a_series(owner, account):
    h = History(account)
    for n, day in enumerate(months(START, TODAY, 7)):
        h.add(day, "-5.99", f"SEPA-LASTSCHRIFT ZEIT ONLINE ABO KD-{4711 + n} REF {n * 37 + 100}")
    h.save()

    [found] = subscriptions_detect(user=owner, today=TODAY)
    assert found.merchant_key.startswith("zeit online abo")
    assert found.charge_count == 24
