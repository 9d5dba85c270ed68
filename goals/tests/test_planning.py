"""The allocation plan: what each goal gets, when it is reached, and how sure that is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from goals.planning import GoalState, PlanInputs, plan_compute, surplus_safe

MONTH = dt.date(2026, 12, 1)
HISTORY = tuple(Decimal(v) for v in "900 1200 400 1100 -200 800 1000 950 700 1300 600 1000".split())


def inputs(*goals: GoalState, income: str = "4000", spending: str = "3100", history=HISTORY,
           essentials: str = "2000") -> PlanInputs:
    return PlanInputs(currency="EUR", month=MONTH, forecast_income=Decimal(income),
                      forecast_spending=Decimal(spending), surplus_history=history,
                      essentials_month=Decimal(essentials), goals=goals)


def fund(saved: str = "0", months: int = 3, essentials: str = "2000", priority: int = 1) -> GoalState:
    return GoalState(id=1, name="Emergency fund", kind="emergency", target=Decimal(essentials) * months,
                     saved=Decimal(saved), priority=priority, essentials_month=Decimal(essentials))


def goal(id: int, target: str, date: dt.date | None = None, saved: str = "0", priority: int = 2,
         kind: str = "short_term") -> GoalState:
    return GoalState(id=id, name=f"Goal {id}", kind=kind, target=Decimal(target), saved=Decimal(saved),
                     priority=priority, target_date=date)


def test_the_safe_surplus_keeps_back_what_a_bad_month_lacks():
    surplus = surplus_safe(inputs())
    # Forecast 4000 - 3100 = 900; the median past month 925, its 20th percentile 620: 305 kept back.
    assert (surplus.forecast, surplus.typical, surplus.bad_month) == (Decimal("900.00"), Decimal("925.00"),
                                                                       Decimal("620.00"))
    assert surplus.safe == Decimal("595.00")
    assert surplus.usual == Decimal("620.00")


def test_the_emergency_fund_is_served_first_up_to_a_month_of_essentials():
    plan = plan_compute(inputs(fund(saved="1800"), goal(2, "2400", dt.date(2027, 8, 1), priority=1)))
    emergency, holiday = plan.goals
    # Of the 595: the holiday what its date needs (2,400 over December to August's 9 months), the emergency
    # fund the 200 that makes one month of essentials (2,000) and what is left over.
    assert holiday.monthly == Decimal("266.66")
    assert emergency.monthly == Decimal("328.33")
    assert plan.allocated == Decimal("594.99")  # each amount rounded down to the cent
    squeezed = plan_compute(inputs(fund(saved="1800"), goal(2, "2400", dt.date(2027, 8, 1), priority=1),
                                   income="3705"))  # 300 can be saved safely
    assert [g.monthly for g in squeezed.goals] == [Decimal("200.00"), Decimal("100.00")]


def test_a_goal_that_cannot_make_its_date_gets_the_date_it_can_make_and_what_the_date_needs():
    plan = plan_compute(inputs(goal(2, "12000", dt.date(2027, 6, 1))))
    [car] = plan.goals
    assert not car.on_track
    assert car.needed_monthly == Decimal("1714.28")  # 12,000 over December to June's 7 months, rounded down
    assert car.reached_on is not None and car.reached_on > dt.date(2027, 6, 1)
    assert car.confidence is not None and car.confidence < 0.05


def test_a_goal_with_room_to_spare_is_on_track_and_likely():
    plan = plan_compute(inputs(goal(2, "1200", dt.date(2027, 12, 1))))
    [bike] = plan.goals
    assert bike.on_track and bike.reached_on is not None and bike.reached_on <= dt.date(2027, 12, 1)
    assert bike.confidence is not None and bike.confidence > 0.9


def test_when_income_drops_the_plan_changes():
    goals = (fund(saved="6000"), goal(2, "6000", dt.date(2027, 12, 1)), goal(3, "20000", None, kind="long_term"))
    before = plan_compute(inputs(*goals))
    after = plan_compute(inputs(*goals, income="3600"))
    assert after.surplus.safe == before.surplus.safe - Decimal("400.00")
    assert after.goals[1].monthly < before.goals[1].monthly
    assert after.goals[2].reached_on > before.goals[2].reached_on


def test_saving_more_a_month_brings_every_open_goal_closer():
    goals = (fund(saved="500"), goal(2, "2400", dt.date(2027, 8, 1)), goal(3, "30000", dt.date(2032, 1, 1),
                                                                          kind="long_term"))
    base, more = plan_compute(inputs(*goals)), plan_compute(inputs(*goals), extra=Decimal("300"))
    for now, then in zip(base.goals, more.goals, strict=True):
        assert then.reached_on <= now.reached_on
        if now.target_date:  # the chance of making a date (an undated goal's is of its own, earlier, date)
            assert (then.confidence or 0) >= (now.confidence or 0)
    assert more.goals[0].reached_on < base.goals[0].reached_on


def test_moving_a_date_in_the_what_if_changes_that_goal_only_in_its_date():
    goals = (goal(2, "12000", dt.date(2027, 6, 1)),)
    moved = plan_compute(inputs(*goals), dates={2: dt.date(2029, 6, 1)})
    assert moved.goals[0].target_date == dt.date(2029, 6, 1) and moved.goals[0].on_track


def test_no_surplus_means_nothing_allocated_and_nothing_reached():
    plan = plan_compute(inputs(goal(2, "1000", dt.date(2027, 6, 1)), income="3000",
                               history=tuple(Decimal(v) for v in ("-100", "-50", "-200"))))
    assert plan.surplus.safe == 0 and plan.surplus.usual == 0
    assert plan.goals[0].monthly == 0 and plan.goals[0].reached_on is None and not plan.goals[0].on_track


def test_the_plan_survives_its_json_round_trip_unchanged():
    original = inputs(fund(saved="500"), goal(2, "2400", dt.date(2027, 8, 1)))
    again = PlanInputs.from_json(original.to_json())
    assert again == original and again.fingerprint() == original.fingerprint()
    assert plan_compute(again) == plan_compute(original)


money = st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False, allow_infinity=False)
swing = st.decimals(min_value=-3_000, max_value=5_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def plans(draw):
    count = draw(st.integers(min_value=0, max_value=5))
    goals = []
    if draw(st.booleans()):
        essentials = draw(st.decimals(min_value=1, max_value=5_000, places=2))
        goals.append(GoalState(id=1, name="Emergency fund", kind="emergency",
                               target=essentials * draw(st.integers(3, 6)), saved=draw(money),
                               priority=draw(st.integers(1, 3)), essentials_month=essentials))
    for n in range(count):
        months = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=120)))
        date = None if months is None else dt.date(2026 + (11 + months) // 12, (11 + months) % 12 + 1, 1)
        goals.append(GoalState(id=n + 2, name=f"Goal {n}", kind="short_term", target=draw(money), saved=draw(money),
                               priority=draw(st.integers(1, 3)), target_date=date))
    return PlanInputs(currency="EUR", month=MONTH, forecast_income=draw(money), forecast_spending=draw(money),
                      surplus_history=tuple(draw(st.lists(swing, max_size=24))),
                      essentials_month=Decimal("1000"), goals=tuple(goals)), draw(money)


@settings(max_examples=60, deadline=None)
@given(plans())
def test_allocations_are_never_negative_and_never_beyond_the_safe_surplus(case):
    planned, extra = case
    plan = plan_compute(planned, extra=extra, simulations=50)
    assert all(g.monthly >= 0 and g.starting_monthly >= 0 for g in plan.goals)
    assert plan.allocated <= plan.surplus.safe + extra
    assert all(g.starting_monthly <= max(plan.surplus.safe, plan.surplus.usual) + extra for g in plan.goals)
    assert plan.surplus.safe >= 0 and plan.surplus.usual >= 0
    assert all(g.monthly <= max(g.target - g.saved, Decimal(0)) for g in plan.goals)


@settings(max_examples=60, deadline=None)
@given(plans())
def test_the_emergency_fund_gets_its_first_month_before_any_other_goal_gets_anything(case):
    planned, extra = case
    plan = plan_compute(planned, extra=extra, simulations=50)
    fund_state = next((g for g in planned.goals if g.kind == "emergency"), None)
    if fund_state is None:
        return
    gap = max(min(fund_state.essentials_month, fund_state.target) - fund_state.saved, Decimal(0))
    emergency = next(g for g in plan.goals if g.kind == "emergency")
    others = sum((g.monthly for g in plan.goals if g.kind != "emergency"), Decimal(0))
    if others > 0:
        assert emergency.monthly >= gap - Decimal("0.01")


@settings(max_examples=30, deadline=None)
@given(plans())
def test_the_plan_is_the_same_when_nothing_changed(case):
    planned, extra = case
    assert plan_compute(planned, extra=extra, simulations=50) == plan_compute(planned, extra=extra, simulations=50)
