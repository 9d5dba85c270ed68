"""Each detector flags what it should, with the sentence a person reads, and stays quiet on an ordinary year."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mlcore import services
from mlcore.anomalies import findings_for
from mlcore.anomalies.combine import level_for, risk
from mlcore.models import AnomalyVerdict
from mlcore.patterns import HistoryRow, merchant_identity, patterns_compute
from mlcore.results import Factor, RiskLevel
from mlcore.tests.anomaly_history import CATEGORY_IDS, TODAY, Entry, history, save, year_of_entries


def charge(rows: list[HistoryRow], day: dt.date, amount: str, description: str, merchant: str = "",
           category: str = "shopping", currency: str = "EUR") -> HistoryRow:
    key, name = merchant_identity(description, merchant)
    return HistoryRow(id=max(row.id for row in rows) + 1, date=day, amount=Decimal(amount), currency=currency,
                      description=description, merchant_key=key, merchant_name=name,
                      category_id=CATEGORY_IDS.get(category, 99), category_name=category.title(),
                      category_kind="expense")


def score(rows: list[HistoryRow], *new: HistoryRow, today: dt.date = TODAY, patterns=None):
    """Findings for the new charges, the patterns refreshed with them in (as the worker does after an import)."""
    everything = rows + list(new)
    patterns = patterns or patterns_compute(everything, currency="EUR", today=today)
    return {f.transaction_id: f for f in findings_for(new, patterns=patterns, history=everything, today=today)}


@pytest.fixture(scope="module")
def year() -> list[HistoryRow]:
    return history(year_of_entries())


def factor_of(finding, detector: str) -> Factor:
    return next(f for f in finding.factors if f.detector == detector)


def test_an_ordinary_month_raises_no_medium_or_high_alert(year):
    cutoff = dt.date(2026, 11, 1)
    before = [row for row in year if row.date < cutoff]
    november = [row for row in year if row.date >= cutoff]
    patterns = patterns_compute(year, currency="EUR", today=TODAY)
    findings = findings_for(november, patterns=patterns, history=before + november, today=TODAY)
    assert [f for f in findings if f.level != RiskLevel.LOW] == []


def test_a_charge_far_above_the_merchants_usual_is_flagged_with_the_multiple(year):
    big = charge(year, dt.date(2026, 11, 26), "-212.00", "REWE SAGT DANKE", "REWE", "food_drink.groceries")
    finding = score(year, big)[big.id]
    assert finding.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert factor_of(finding, "amount").sentence == "EUR 212.00 at REWE, 6.1× your usual EUR 35.00"


def test_an_ordinary_amount_at_the_same_merchant_is_not(year):
    usual = charge(year, dt.date(2026, 11, 26), "-36.00", "REWE SAGT DANKE", "REWE", "food_drink.groceries")
    assert usual.id not in score(year, usual)


def test_a_burst_of_charges_beyond_the_rhythm_is_flagged(year):
    day = dt.date(2026, 11, 24)  # a Tuesday: REWE is a Saturday shop
    burst = []
    for n, amount in enumerate(["-31.00", "-44.00", "-38.50", "-29.90"]):
        rows = year + burst
        burst.append(dataclasses.replace(charge(rows, day, amount, "REWE SAGT DANKE", "REWE",
                                                "food_drink.groceries"), id=10_000 + n))
    findings = score(year, *burst)
    last = findings[burst[-1].id]
    assert last.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert factor_of(last, "frequency").sentence == ("4 charges at REWE within one day, EUR 143.40 in all: 3.9× the "
                                                     "most you have spent there in one day")
    assert burst[0].id not in findings or all(f.detector != "frequency" for f in findings[burst[0].id].factors)


def test_charges_of_a_usual_size_that_add_up_to_far_more_than_ever_spent_there_are_flagged(year):
    # REWE has never taken more than EUR 37 in a week; three ordinary-sized charges in three days is a stolen
    # card's pattern even though no one of them is large and the shop is visited every week.
    burst = []
    for n, day in enumerate((24, 25, 26)):
        burst.append(dataclasses.replace(charge(year + burst, dt.date(2026, 11, day), "-37.00", "REWE SAGT DANKE",
                                                "REWE", "food_drink.groceries"), id=10_000 + n))
    findings = score(year, *burst)
    last = findings[burst[-1].id]
    assert last.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    sentence = factor_of(last, "frequency").sentence
    assert re.fullmatch(r"\d charges at REWE within \d days, EUR \d+\.00 in all: \d\.\d× the most you have spent "
                        r"there in \d days", sentence), sentence
    assert all(f.detector != "amount" for f in last.factors)  # no one charge is above the usual


def test_a_charge_in_a_category_never_used_is_noted(year):
    trip = charge(year, dt.date(2026, 11, 20), "-80.00", "BAHN TICKET", "Deutsche Bahn", "travel")
    finding = score(year, trip)[trip.id]
    assert factor_of(finding, "category").sentence == "EUR 80.00 in Travel, a category you have never used before"


def test_a_recurring_charge_off_its_cycle_is_flagged(year):
    odd = charge(year, dt.date(2026, 11, 29), "-12.99", "NETFLIX.COM", "Netflix", "entertainment")
    finding = score(year, odd)[odd.id]
    assert finding.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert factor_of(finding, "timing").sentence == (
        "Netflix usually charges every month; this came 14 days after the last one (15 Nov 2026)")


def test_a_date_far_in_the_future_is_flagged(year):
    later = charge(year, dt.date(2027, 3, 1), "-20.00", "CARD DM", "DM")
    finding = score(year, later)[later.id]
    assert factor_of(finding, "timing").sentence == "Dated 1 Mar 2027, 91 days in the future"


def test_the_same_charge_twice_in_two_days_is_a_duplicate_pointing_at_the_first(year):
    first = charge(year, dt.date(2026, 11, 25), "-149.00", "CARD SATURN", "Saturn")
    second = dataclasses.replace(first, id=first.id + 1, date=dt.date(2026, 11, 27))
    findings = score(year, first, second)
    finding = findings[second.id]
    assert finding.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert finding.related_ids == (first.id,)
    assert factor_of(finding, "duplicate").sentence == (
        "EUR 149.00 at Saturn twice, 2 days after the same charge on 25 Nov 2026")


def test_two_lines_of_a_known_subscription_billed_together_are_no_duplicate(year):
    rows = list(year)
    for month in range(1, 12):
        day = dt.date(2026, month, 3)
        for _line in range(2):
            rows.append(charge(rows, day, "-9.99", "SPOTIFY FAMILY", "Spotify", "entertainment"))
    first = charge(rows, dt.date(2026, 11, 3), "-9.99", "SPOTIFY FAMILY", "Spotify", "entertainment")
    rows = [row for row in rows if not (row.merchant_key == first.merchant_key and row.date == first.date)]
    rows.append(first)
    second = dataclasses.replace(first, id=first.id + 1)
    findings = score(rows, second)
    assert second.id not in findings or all(f.detector != "duplicate" for f in findings[second.id].factors)


def test_a_large_charge_at_a_new_merchant_is_flagged(year):
    new = charge(year, dt.date(2026, 11, 26), "-2400.00", "CARD GOLDSCHMIEDE KRAUS", "Goldschmiede Kraus")
    finding = score(year, new)[new.id]
    assert finding.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert factor_of(finding, "new_merchant").sentence.startswith(
        "EUR 2,400.00 at Goldschmiede Kraus, a merchant you have not paid before; ")


def test_a_small_charge_at_a_new_merchant_is_not(year):
    new = charge(year, dt.date(2026, 11, 26), "-14.00", "CARD BAECKEREI", "Bäckerei Schmidt")
    assert new.id not in score(year, new)


def test_a_charge_in_a_currency_never_used_is_noted(year):
    dollars = charge(year, dt.date(2026, 11, 26), "-45.00", "AMAZON.COM", "Amazon", currency="USD")
    finding = score(year, dollars)[dollars.id]
    assert factor_of(finding, "currency").sentence == "A charge in USD, a currency you have not paid in before"


def test_a_price_rise_of_a_subscription_is_scored_with_the_yearly_difference(year):
    rows = [row for row in year if not (row.merchant_key == "netflix" and row.date == dt.date(2026, 11, 15))]
    rise = charge(rows, dt.date(2026, 11, 15), "-15.99", "NETFLIX.COM", "Netflix", "entertainment")
    finding = score(rows, rise)[rise.id]
    assert finding.level == RiskLevel.MEDIUM
    assert factor_of(finding, "price_rise").sentence == (
        "Netflix went up from EUR 12.99 to EUR 15.99 (+23%): about EUR 36.00 more a year")


def test_an_accepted_pattern_is_not_flagged_again(year):
    big = charge(year, dt.date(2026, 11, 26), "-200.00", "REWE SAGT DANKE", "REWE", "food_drink.groceries")
    patterns = patterns_compute(year + [big], currency="EUR", today=TODAY)
    patterns = dataclasses.replace(patterns, accepted={big.merchant_key: {"amount_high": "212.00",
                                                                          "detectors": ["amount"]}})
    assert big.id not in score(year, big, patterns=patterns)
    bigger = dataclasses.replace(big, amount=Decimal("-400.00"))  # far more than what was accepted
    assert bigger.id in score(year, bigger, patterns=patterns)


@pytest.mark.parametrize(("scores", "level"), [
    ([0.9], RiskLevel.HIGH), ([0.7], RiskLevel.MEDIUM), ([0.5, 0.5], RiskLevel.MEDIUM),
    ([0.4], RiskLevel.LOW), ([0.45, 0.4, 0.4], RiskLevel.MEDIUM), ([], None),
])
def test_factors_combine_into_a_level(scores, level):
    assert level_for(risk([Factor("amount", s, "") for s in scores])) == level


def test_weak_signs_alone_never_make_a_high():
    assert level_for(risk([Factor("timing", 0.45, "")] * 5)) != RiskLevel.HIGH


# --- through the database, as the alerts worker calls it ----------------------------------------------------

def saved(account, entries):
    return save(account, entries)


def ledger_entry(day: dt.date, amount: str, description: str, merchant: str, key: str = "shopping"):
    return Entry(day, Decimal(amount), description, merchant, key)


@pytest.mark.django_db
def test_this_is_fine_stops_the_same_pattern_alerting_again(owner, account):
    saved(account, year_of_entries())
    big = saved(account, [ledger_entry(dt.date(2026, 11, 26), "-212.00", "REWE SAGT DANKE", "REWE",
                                       "food_drink.groceries")])[0]
    services.patterns_refresh(user=owner, today=TODAY)
    [finding] = services.anomalies_detect(user=owner, transaction_ids=[big.pk], today=TODAY)
    assert finding.level in (RiskLevel.MEDIUM, RiskLevel.HIGH) and finding.kind == "amount"

    services.anomaly_verdict_record(user=owner, transaction=big, verdict="fine",
                                    detectors=[f.detector for f in finding.factors])
    again = saved(account, [ledger_entry(dt.date(2026, 11, 29), "-205.00", "REWE SAGT DANKE", "REWE",
                                         "food_drink.groceries")])[0]
    services.patterns_refresh(user=owner, today=TODAY)
    findings = services.anomalies_detect(user=owner, transaction_ids=[again.pk], today=TODAY)
    assert [f for f in findings if f.level != RiskLevel.LOW] == []
    assert services.patterns_get(user=owner)[0].accepted["rewe"]["amount_high"] == "212.00"


@pytest.mark.django_db
def test_not_mine_raises_the_risk_of_similar_charges(owner, account):
    saved(account, year_of_entries())
    first, second = saved(account, [
        ledger_entry(dt.date(2026, 11, 10), "-60.00", "CARD IKEA", "IKEA"),
        ledger_entry(dt.date(2026, 11, 24), "-60.00", "CARD IKEA", "IKEA")])
    services.patterns_refresh(user=owner, today=TODAY)
    before = {f.transaction_id: f for f in services.anomalies_detect(user=owner, transaction_ids=[second.pk],
                                                                      today=TODAY)}
    services.anomaly_verdict_record(user=owner, transaction=first, verdict="not_mine", detectors=["amount"])

    [after] = services.anomalies_detect(user=owner, transaction_ids=[second.pk], today=TODAY)
    assert after.score > (before[second.pk].score if second.pk in before else 0)
    assert after.level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert factor_of(after, "not_mine").sentence == (
        "At IKEA, where you said a charge of EUR 60.00 on 2026-11-10 was not yours")


@pytest.mark.django_db
def test_detection_and_verdicts_see_only_the_users_own_transactions(owner, account, other_user, other_account):
    theirs = saved(other_account, [ledger_entry(TODAY, "-9000.00", "CARD JUWELIER", "Juwelier")])[0]
    assert services.anomalies_detect(user=owner, transaction_ids=[theirs.pk], today=TODAY) == []
    with pytest.raises(ValidationError):
        services.anomaly_verdict_record(user=owner, transaction=theirs, verdict="fine", detectors=["amount"])
    assert not AnomalyVerdict.objects.exists()


@pytest.mark.django_db
def test_detect_refreshes_missing_patterns_first(owner, account):
    saved(account, year_of_entries())
    big = saved(account, [ledger_entry(dt.date(2026, 11, 26), "-2400.00", "CARD GOLDSCHMIEDE", "Goldschmiede")])[0]
    [finding] = services.anomalies_detect(user=owner, transaction_ids=[big.pk], today=TODAY)
    assert finding.kind == "new_merchant"
    assert services.patterns_get(user=owner) is not None


def test_a_burst_left_unanswered_does_not_become_the_normal(year):
    """Six charges at the bakery in two days alert; the same again a month later alerts again while the first
    burst is not called fine (it stays out of the patterns), and not once it is part of the normal."""
    def burst(rows: list[HistoryRow], first: dt.date) -> list[HistoryRow]:
        added: list[HistoryRow] = []
        for n in range(6):
            added.append(charge(rows + added, first + dt.timedelta(days=n % 2), "-24.50", "BAECKEREI KAMPS 0815",
                                "Kamps", "food_drink.groceries"))
        return added

    first = burst(year, dt.date(2026, 10, 20))
    assert any(f.level != RiskLevel.LOW for f in score(year, *first, today=dt.date(2026, 10, 21)).values())
    again = burst(year + first, dt.date(2026, 11, 24))
    everything = year + first + again
    unconfirmed = {row.id for row in first}
    kept_out = patterns_compute([row for row in everything if row.id not in unconfirmed], currency="EUR",
                                today=TODAY)
    alerted = findings_for(again, patterns=kept_out, history=everything, today=TODAY, unconfirmed=unconfirmed)
    assert any(f.level != RiskLevel.LOW for f in alerted)
    learned = findings_for(again, patterns=patterns_compute(everything, currency="EUR", today=TODAY),
                           history=everything, today=TODAY)
    assert all(f.level == RiskLevel.LOW for f in learned)


def test_a_burst_that_goes_on_after_its_alert_keeps_alerting(year):
    """Four charges at REWE on a Tuesday alert after the first import; two more the next day, imported later,
    alert too: the alerted charges are left out of the usual, but they still count as charges in the window."""
    day = dt.date(2026, 11, 24)
    first: list[HistoryRow] = []
    for amount in ["-31.00", "-44.00", "-38.50", "-29.90"]:
        first.append(charge(year + first, day, amount, "REWE SAGT DANKE", "REWE", "food_drink.groceries"))
    alerted = {f.transaction_id for f in score(year, *first, today=day).values() if f.level != RiskLevel.LOW}
    assert alerted
    later: list[HistoryRow] = []
    for amount in ["-33.00", "-41.00"]:
        later.append(charge(year + first + later, day + dt.timedelta(days=1), amount, "REWE SAGT DANKE", "REWE",
                            "food_drink.groceries"))
    everything = year + first + later
    patterns = patterns_compute([row for row in everything if row.id not in alerted], currency="EUR", today=TODAY)
    findings = findings_for(later, patterns=patterns, history=everything, today=TODAY, unconfirmed=alerted)
    assert [f.level for f in findings] and all(f.level != RiskLevel.LOW for f in findings)
    assert all(factor_of(f, "frequency").sentence.startswith(("5 charges at REWE", "6 charges at REWE"))
               for f in findings)
