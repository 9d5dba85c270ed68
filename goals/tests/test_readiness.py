"""Investment readiness: each gate with its numbers, the score and its cap, and what comes when all pass."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from goals.planning import plan_compute
from goals.readiness import GATE_CAP, ReadinessInputs, _advice, instruments, readiness_compute
from goals.tests.test_planning import fund, goal, inputs

STEADY = tuple(Decimal(v) for v in ["2800", "2900", "2750", "2850", "2800", "2950"])
GOOD = tuple(Decimal(v) for v in ["900", "800", "950", "700", "850", "900"])


def ready_inputs(**changes) -> ReadinessInputs:
    base = ReadinessInputs(currency="EUR", essentials_month=Decimal("2000"), emergency_saved=Decimal("8000"),
                           emergency_target=Decimal("8000"), liquid_savings=Decimal("14000"), surplus_history=GOOD,
                           spending_history=STEADY, open_high_alerts=0, revolving_debt=(),
                           answers={"horizon": "over_7", "drop": "buy_more", "experience": "some"})
    return dataclasses.replace(base, **changes)


def plan(*goals, **kwargs):
    return plan_compute(inputs(*goals, **kwargs), simulations=200)


def gate(result, key):
    return next(g for g in result.gates if g.key == key)


def test_every_gate_passing_gives_an_amount_a_horizon_a_category_and_a_projection():
    result = readiness_compute(ready_inputs(), plan(fund(saved="8000", months=4)))
    assert result.ready and all(g.passed for g in result.gates)
    assert result.score > GATE_CAP
    assert result.monthly_investable == plan(fund(saved="8000", months=4)).unallocated
    assert result.lump_sum == Decimal("6000.00")  # 14,000 of savings less the 8,000 emergency fund
    assert result.horizon_years == 10 and result.category == "equity"
    suggested = next(p for p in result.projections if p.category == "equity")
    assert suggested.low < suggested.mid < suggested.high
    assert suggested.paid_in == Decimal("6000.00") + result.monthly_investable * 120
    assert "not financial advice" in result.disclaimer and "Damodaran" in result.source


def test_an_emergency_fund_under_three_months_fails_with_its_numbers():
    result = readiness_compute(ready_inputs(emergency_saved=Decimal("5000")), plan())
    emergency = gate(result, "emergency")
    assert not emergency.passed
    assert emergency.figures == ("EUR 5,000.00 saved, 2.5 months of your essential spending "
                                 "(EUR 2,000.00 a month)")
    assert result.raise_most == ("Build your emergency fund to EUR 6,000.00 (3 months of essentials): "
                                 "EUR 1,000.00 to go.")


def test_a_month_spending_more_than_came_in_fails_the_stability_gate():
    result = readiness_compute(ready_inputs(surplus_history=GOOD[:-1] + (Decimal("-120"),)), plan())
    stability = gate(result, "surplus")
    assert not stability.passed and stability.figures == "Last 3 months: EUR 700.00, EUR 850.00, EUR -120.00"


def test_spending_that_swings_fails_the_volatility_gate():
    swinging = tuple(Decimal(v) for v in ["1500", "4200", "2000", "3900", "1800", "4400"])
    result = readiness_compute(ready_inputs(spending_history=swinging), plan())
    volatility = gate(result, "volatility")
    assert not volatility.passed and volatility.figures.startswith("Your monthly spending varies by 41%")


def test_an_open_high_risk_alert_fails_its_gate():
    assert not gate(readiness_compute(ready_inputs(open_high_alerts=2), plan()), "alerts").passed


def test_a_card_balance_carried_fails_the_debt_gate():
    result = readiness_compute(ready_inputs(revolving_debt=(("Visa", Decimal("1709.41")),)), plan())
    debt = gate(result, "debt")
    assert not debt.passed and debt.figures == "Visa carries EUR 1,709.41"


def test_a_near_goal_off_track_fails_its_gate_and_a_far_one_does_not():
    near = readiness_compute(ready_inputs(), plan(goal(2, "12000", dt.date(2027, 6, 1))))
    assert not gate(near, "goals").passed and gate(near, "goals").figures == "Behind: Goal 2"
    far = readiness_compute(ready_inputs(), plan(goal(2, "90000", dt.date(2031, 6, 1), kind="long_term")))
    assert gate(far, "goals").passed


def test_a_long_term_goal_shortens_the_horizon_and_a_short_horizon_means_debt():
    result = readiness_compute(ready_inputs(), plan(fund(saved="8000", months=4),
                                                    goal(3, "9000", dt.date(2029, 3, 1), kind="long_term")))
    assert result.horizon_years == 3 and result.category == "hybrid"
    soon = readiness_compute(ready_inputs(answers={"horizon": "under_3", "drop": "buy_more", "experience": "years"}),
                             plan(fund(saved="8000", months=4)))
    assert soon.horizon_years == 2 and soon.category == "debt"
    cautious = readiness_compute(ready_inputs(answers={"horizon": "over_7", "drop": "sell", "experience": "none"}),
                                 plan(fund(saved="8000", months=4)))
    assert cautious.category == "debt"


def test_the_bundled_table_holds_each_category_with_a_rising_range():
    table = instruments()
    assert set(table["categories"]) == {"debt", "hybrid", "equity"}
    for category in table["categories"].values():
        returns = category["annual_return"]
        assert returns["low"] < returns["mid"] < returns["high"]


@settings(max_examples=80, deadline=None)
@given(saved=st.integers(0, 20_000), last=st.integers(-2_000, 2_000), alerts=st.integers(0, 3),
       debt=st.booleans(), spending=st.lists(st.integers(500, 6_000), min_size=0, max_size=12))
def test_a_failed_gate_caps_the_score(saved, last, alerts, debt, spending):
    result = readiness_compute(ready_inputs(
        emergency_saved=Decimal(saved), surplus_history=GOOD[:-1] + (Decimal(last),), open_high_alerts=alerts,
        revolving_debt=(("Visa", Decimal("300")),) if debt else (),
        spending_history=tuple(Decimal(v) for v in spending)), plan())
    assert 0 <= result.score <= 100
    if not all(g.passed for g in result.gates):
        assert result.score <= GATE_CAP and not result.ready and result.monthly_investable is None
    else:
        assert result.ready and result.category in {"debt", "hybrid", "equity"}


def test_without_answers_the_category_says_so_instead_of_reading_answers_into_silence():
    result = readiness_compute(ready_inputs(answers={}), plan(fund(saved="8000", months=4)))
    assert result.category == "debt" and result.category_reason.startswith("Until you answer the three questions")


def test_the_advice_on_goals_names_only_goals_due_within_two_years():
    result = readiness_compute(ready_inputs(), plan(goal(2, "12000", dt.date(2027, 6, 1)),
                                                    goal(3, "900000", dt.date(2031, 6, 1), kind="long_term")))
    assert not gate(result, "goals").passed
    assert _advice("goals", ready_inputs(), plan(goal(2, "12000", dt.date(2027, 6, 1)),
                                                 goal(3, "900000", dt.date(2031, 6, 1), kind="long_term"))) == (
        "Put your near goals back on track (Goal 2): save more a month or move their dates.")
