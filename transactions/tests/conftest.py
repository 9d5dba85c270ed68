from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from transactions.tests.factories import AccountFactory


@pytest.fixture
def account(owner):
    return AccountFactory(owner=owner, name="Main checking", currency="EUR", opening_balance=Decimal("1000.00"),
                          opening_date=date(2026, 1, 1))


@pytest.fixture
def other_account(other_user):
    return AccountFactory(owner=other_user, name="Oscar's checking", currency="EUR")
