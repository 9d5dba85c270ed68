"""Notes encrypted at rest: the database holds tokens, the owner sees text, keys rotate, old rows migrate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.crypto import DecryptionError
from transactions.models import Category, Transaction, TransactionSplit
from transactions.tests.factories import TransactionFactory

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_database_holds_a_token_and_the_owner_reads_the_note(owner_api, account):
    txn = TransactionFactory(account=account, notes="Gift for Anna's wedding")
    raw = stored("transactions_transaction", "notes", txn.pk)
    assert raw.startswith("gAAAAA") and "Anna" not in raw
    assert Transaction.objects.get(pk=txn.pk).notes == "Gift for Anna's wedding"
    assert owner_api.get(f"/api/v1/transactions/{txn.pk}/").json()["notes"] == "Gift for Anna's wedding"
    empty = TransactionFactory(account=account, notes="")
    assert stored("transactions_transaction", "notes", empty.pk) == ""
    assert list(Transaction.objects.filter(notes="").values_list("pk", flat=True)) == [empty.pk]


def test_a_split_note_is_encrypted_and_its_200_characters_are_counted_on_the_text(owner_api, account):
    txn = TransactionFactory(account=account, amount=Decimal("-30.00"))
    groceries = Category.objects.get(key="food_drink.groceries")
    url = f"/api/v1/transactions/{txn.pk}/splits/"
    other = {"category": groceries.pk, "amount": "-10.00", "notes": ""}
    too_long = owner_api.put(url, [{"category": groceries.pk, "amount": "-20.00", "notes": "x" * 201}, other],
                             format="json")
    assert too_long.status_code == 400
    response = owner_api.put(url, [{"category": groceries.pk, "amount": "-20.00", "notes": "y" * 200}, other],
                             format="json")
    assert response.status_code == 200, response.json()
    split = TransactionSplit.objects.filter(transaction=txn).order_by("id").first()
    assert split.notes == "y" * 200 and "yyy" not in stored("transactions_transactionsplit", "notes", split.pk)


def test_rotation_moves_every_note_to_the_new_key_and_a_missing_key_is_a_clear_error(settings, account, capsys):
    settings.ENCRYPTION_KEYS = [OLD]
    txns = [TransactionFactory(account=account, notes=f"note {n}") for n in range(5)]
    settings.ENCRYPTION_KEYS = [NEW]
    with pytest.raises(DecryptionError, match="Cannot decrypt transactions.Transaction.notes: .* not among "
                                              "ENCRYPTION_KEYS"):
        Transaction.objects.get(pk=txns[0].pk)

    settings.ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys", batch_size=2)
    assert "transactions.Transaction.notes: 5 re-encrypted" in capsys.readouterr().out
    call_command("rotate_encryption_keys")  # a second run (or a rerun after a stop) is harmless
    settings.ENCRYPTION_KEYS = [NEW]
    assert sorted(Transaction.objects.values_list("notes", flat=True)) == [f"note {n}" for n in range(5)]


def test_rotation_with_a_key_missing_from_the_list_stops_with_the_clear_error(settings, account):
    settings.ENCRYPTION_KEYS = [OLD]
    TransactionFactory(account=account, notes="kept")
    settings.ENCRYPTION_KEYS = [NEW]
    with pytest.raises(Exception, match="not among ENCRYPTION_KEYS"):
        call_command("rotate_encryption_keys")


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_notes_written_before_it_and_reverses(owner):
    before, after = [("transactions", "0011_transaction_alert_level_checked_at")], [("transactions",
                                                                                      "0012_encrypted_text")]

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    try:
        old = migrate(before)
        account = old.get_model("transactions", "Account").objects.create(
            owner_id=owner.pk, name="Giro", kind="checking", currency="EUR")
        rows = [old.get_model("transactions", "Transaction").objects.create(
            owner_id=owner.pk, account=account, date=date(2026, 1, n), amount=Decimal("-1.00"), currency="EUR",
            description=f"ROW {n}", fingerprint=f"m{n}", notes=note) for n, note in enumerate(["plain note", ""], 1)]
        assert stored("transactions_transaction", "notes", rows[0].pk) == "plain note"

        migrate(after)
        assert stored("transactions_transaction", "notes", rows[0].pk).startswith("gAAAAA")
        assert stored("transactions_transaction", "notes", rows[1].pk) == ""
        assert Transaction.objects.get(pk=rows[0].pk).notes == "plain note"

        migrate(before)
        assert stored("transactions_transaction", "notes", rows[0].pk) == "plain note"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
