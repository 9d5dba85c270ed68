"""Migration 0007: every account's balance is the same before and after (an opening balance on day D becomes the
known balance at the end of D - 1), and the migration reverses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("transactions", "0006_rules")]
AFTER = [("transactions", "0007_account_known_balance")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_balances_are_the_same_after_the_migration_and_it_reverses(owner):
    from transactions import selectors
    from transactions.models import Account

    try:
        old = migrate(BEFORE)
        OldAccount, OldTransaction = old.get_model("transactions", "Account"), old.get_model("transactions",
                                                                                             "Transaction")
        account = OldAccount.objects.create(owner_id=owner.pk, name="Giro", kind="checking", currency="EUR",
                                            opening_balance=Decimal("1000.00"), opening_date=date(2026, 1, 1))
        for n, (day, amount) in enumerate([(date(2025, 12, 31), "-99.00"), (date(2026, 1, 1), "-0.40"),
                                           (date(2026, 2, 1), "-250.00")]):
            OldTransaction.objects.create(owner_id=owner.pk, account=account, date=day, amount=Decimal(amount),
                                          currency="EUR", description=f"ROW {n}", fingerprint=f"t{n}")
        # Before: the opening balance plus the transactions since the opening date.
        before = Decimal("1000.00") - Decimal("0.40") - Decimal("250.00")

        migrate(AFTER)
        migrated = Account.objects.get(pk=account.pk)
        assert (migrated.known_balance, migrated.known_balance_date) == (Decimal("1000.00"), date(2025, 12, 31))
        assert selectors.account_get(user=owner, pk=account.pk).balance == before

        back = migrate(BEFORE)
        reverted = back.get_model("transactions", "Account").objects.get(pk=account.pk)
        assert (reverted.opening_balance, reverted.opening_date) == (Decimal("1000.00"), date(2026, 1, 1))
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
