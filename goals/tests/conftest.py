"""A household whose plan is easy to work out by hand: a year of the same month (salary 3,000, rent 1,000,
groceries 4 × 100, restaurants 200), so it can safely save 1,400 a month and its essentials are 1,400 a month
(rent and groceries). Dates follow the real today: the pages and services use the person's today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.months import month_start
from goals import refresh, services
from goals.services import GoalFields
from goals.tests.history import year_of_money
from transactions.tests.factories import AccountFactory

SAFE = Decimal("1400.00")


@pytest.fixture
def today(owner) -> dt.date:
    return owner.financial_profile.local_today()


@pytest.fixture
def month(today) -> dt.date:
    return month_start(today)


@pytest.fixture
def ledger(owner, today):
    account = AccountFactory(owner=owner, name="Current")
    year_of_money(account, today=today)
    return account


@pytest.fixture
def savings(owner):
    return AccountFactory(owner=owner, name="Rainy day savings", kind="savings", known_balance=Decimal("5000.00"))


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def goal(user, name: str, kind: str = "short_term", **changes):
    if kind == "emergency":
        changes.setdefault("emergency_months", 3)
    return services.goal_create(user=user, fields=GoalFields(name=name, kind=kind, **changes))


def worked_out(user) -> None:
    """What the worker does after a change (the outbox runs it after commit; a test's transaction never
    commits)."""
    refresh.goals_refresh(user=user, reason="goal changed")
