"""The worker's refresh through the database: what the plan is computed from, what it stores, and what it tells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from goals import refresh, services
from goals.models import Goal, GoalPlan, ReadinessReport
from goals.services import GoalFields
from insights.models import Forecast, ForecastKind
from notifications.models import Notification, NotificationKind
from goals.tests.history import year_of_money
from transactions.tests.factories import AccountFactory, TransactionFactory

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def ledger(owner):
    account = AccountFactory(owner=owner, name="Current")
    year_of_money(account, today=TODAY)
    return account


def fields(name="Emergency fund", kind="emergency", **changes) -> GoalFields:
    if kind == "emergency":
        changes.setdefault("emergency_months", 3)
    return GoalFields(name=name, kind=kind, **changes)


def plan_row(user, goal):
    return next(row for row in GoalPlan.objects.get(user=user).result["goals"] if row["goal_id"] == goal.pk)


@pytest.mark.django_db
def test_the_emergency_target_is_essential_spending_times_the_months_chosen(owner, ledger):
    fund = services.goal_create(user=owner, fields=fields(emergency_months=4), today=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)

    assert refresh.essentials_month(user=owner) == Decimal("1400.00")  # rent and groceries, not restaurants
    fund.refresh_from_db()
    assert fund.target_amount == Decimal("5600.00")
    stored = GoalPlan.objects.get(user=owner)
    assert stored.inputs["forecast_source"] == "history"  # no forecast stored yet: the last three months
    assert stored.result["surplus"]["forecast"] == "1400.00"
    assert plan_row(owner, fund)["monthly"] == "1400.00"


@pytest.mark.django_db
def test_saved_counts_what_was_there_contributions_and_a_share_of_linked_savings(owner, ledger):
    savings = AccountFactory(owner=owner, name="Savings", kind="savings", known_balance=Decimal("4000.00"))
    trip = services.goal_create(user=owner, fields=fields("Trip", "short_term", target_amount=Decimal("5000"),
                                                          starting_amount=Decimal("100"),
                                                          accounts=((savings.pk, 25),)), today=TODAY)
    services.contribution_add(user=owner, goal=trip, amount=Decimal("250.00"), date=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    assert plan_row(owner, trip)["saved"] == "1350.00"  # 100 + 250 + a quarter of 4,000


@pytest.mark.django_db
def test_milestones_are_sent_once_each(owner, ledger):
    services.goal_create(user=owner, fields=fields("Bike", "short_term", target_amount=Decimal("1000"),
                                                   starting_amount=Decimal("600")), today=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    refresh.goals_refresh(user=owner, reason="goal changed", today=TODAY)
    titles = sorted(Notification.objects.filter(user=owner, kind=NotificationKind.GOAL_MILESTONE)
                    .values_list("title", flat=True))
    assert titles == ["Bike: 25% saved", "Bike: 50% saved"]


@pytest.mark.django_db
def test_a_goal_that_cannot_make_its_date_is_reported_off_track_once(owner, ledger):
    car = services.goal_create(user=owner, fields=fields("Car", "short_term", target_amount=Decimal("20000"),
                                                         target_date=dt.date(2027, 5, 31)), today=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    [sent] = Notification.objects.filter(user=owner, kind=NotificationKind.GOAL_OFF_TRACK)
    assert sent.title == "Car is off track for May 2027"
    assert sent.body.startswith("Making the date takes EUR 3,333.33 a month; the plan can give EUR 1,400.00")
    assert plan_row(owner, car)["on_track"] is False


def forecast(user, *, income: str, spending: str) -> None:
    for kind, value in ((ForecastKind.DAILY_INCOME, income), (ForecastKind.DAILY_SPENDING, spending)):
        Forecast.objects.update_or_create(user=user, kind=kind, account=None, defaults={
            "method": "prophet", "currency": "EUR", "start_date": TODAY, "horizon_days": 56,
            "summary": {"next_month": {"yhat": value, "lower": value, "upper": value}}})


@pytest.mark.django_db
def test_when_expected_income_drops_the_plan_changes_and_says_why(owner, ledger):
    house = services.goal_create(user=owner, fields=fields("House", "long_term", target_amount=Decimal("60000")),
                                 today=TODAY)
    forecast(owner, income="3000.00", spending="1600.00")
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    before = plan_row(owner, house)

    forecast(owner, income="2400.00", spending="1600.00")
    assert refresh.goals_refresh(user=owner, reason="nightly", today=TODAY)["notifications"] == 1
    after = plan_row(owner, house)
    assert Decimal(after["monthly"]) == Decimal(before["monthly"]) - Decimal("600.00")
    assert after["reached_on"] > before["reached_on"]
    [sent] = Notification.objects.filter(user=owner, kind=NotificationKind.GOAL_PLAN_CHANGED)
    assert sent.title == "Your goal plan changed: your expected income fell"


@pytest.mark.django_db
def test_the_nightly_run_skips_when_nothing_moved_and_redoes_when_something_did(owner, ledger):
    trip = services.goal_create(user=owner, fields=fields("Trip", "short_term", target_amount=Decimal("3000")),
                                today=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    computed = GoalPlan.objects.get(user=owner).computed_at
    assert refresh.goals_refresh(user=owner, reason="nightly", today=TODAY) == {"skipped": 1}
    assert GoalPlan.objects.get(user=owner).computed_at == computed

    services.contribution_add(user=owner, goal=trip, amount=Decimal("500.00"), date=TODAY)
    assert "skipped" not in refresh.goals_refresh(user=owner, reason="nightly", today=TODAY)
    assert plan_row(owner, trip)["saved"] == "500.00"
    # A new month recomputes even when nothing else moved.
    outcome = refresh.goals_refresh(user=owner, reason="nightly", today=dt.date(2027, 1, 2))
    assert "skipped" not in outcome and GoalPlan.objects.get(user=owner).reason == "month start"


@pytest.mark.django_db
def test_readiness_is_stored_with_a_carried_card_balance_failing_its_gate(owner, ledger):
    card = AccountFactory(owner=owner, name="Visa", kind="credit_card")
    TransactionFactory(account=card, date=dt.date(2026, 9, 20), amount=Decimal("-800.00"), description="SHOP")
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    report = ReadinessReport.objects.get(user=owner)
    debt = next(g for g in report.result["gates"] if g["key"] == "debt")
    assert debt == {"key": "debt", "title": "No card balance carried from month to month", "passed": False,
                    "figures": "Visa carries EUR 800.00"}
    assert report.score <= 40 and not report.ready


@pytest.mark.django_db
def test_a_refresh_sees_only_the_users_own_goals_and_accounts(owner, other_user, ledger):
    other_savings = AccountFactory(owner=other_user, name="Theirs", kind="savings", known_balance=Decimal("9000"))
    services.goal_create(user=other_user, fields=fields("Their trip", "short_term", target_amount=Decimal("100"),
                                                        accounts=((other_savings.pk, 100),)), today=TODAY)
    mine = services.goal_create(user=owner, fields=fields("Trip", "short_term", target_amount=Decimal("3000")),
                                today=TODAY)
    refresh.goals_refresh(user=owner, reason="test", today=TODAY)
    assert [row["goal_id"] for row in GoalPlan.objects.get(user=owner).result["goals"]] == [mine.pk]
    with pytest.raises(ValidationError) as problem:
        services.goal_create(user=owner, fields=fields("Sneaky", "short_term", target_amount=Decimal("10"),
                                                       accounts=((other_savings.pk, 100),)), today=TODAY)
    assert "is not one of yours" in str(problem.value)
    assert not Goal.objects.filter(name="Sneaky").exists()


@pytest.mark.django_db(transaction=True)
def test_a_goal_change_has_the_worker_store_a_new_plan(committed_db, owner, ledger):
    services.goal_create(user=owner, fields=fields("Trip", "short_term", target_amount=Decimal("3000")))
    stored = GoalPlan.objects.get(user=owner)
    assert stored.reason == "goal added"
    assert [row["name"] for row in stored.result["goals"]] == ["Trip"]


@pytest.mark.django_db
def test_an_account_in_another_currency_cannot_be_linked(owner, ledger):
    dollars = AccountFactory(owner=owner, name="Dollars", kind="savings", currency="USD")
    with pytest.raises(ValidationError) as problem:
        services.goal_create(user=owner, fields=fields("Trip", "short_term", target_amount=Decimal("10"),
                                                       accounts=((dollars.pk, 100),)), today=TODAY)
    assert "Link accounts in EUR" in str(problem.value)


@pytest.mark.django_db
def test_a_date_beyond_fifty_years_is_refused_by_the_service_itself(owner):
    with pytest.raises(ValidationError) as problem:
        services.goal_create(user=owner, fields=fields("Moon", "long_term", target_amount=Decimal("10"),
                                                       target_date=dt.date(2077, 1, 1)), today=TODAY)
    assert problem.value.message_dict == {"target_date": ["Choose a date within 50 years."]}
