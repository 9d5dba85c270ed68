"""Importing an export into a fresh account reproduces the ledger exactly; a bad archive writes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import FinancialProfile, User
from accounts.tests.factories import UserFactory
from advisor.models import Conversation, Message
from audit.models import AuditEntry
from budgets.services import budget_set
from goals.models import Contribution, Goal, GoalAccount
from goals.services import GoalFields, contribution_add, goal_create
from groups.models import Group, Membership
from payments.models import BillOccurrence, RecurringPayment
from payments.services import occurrence_pay, recurring_payment_create
from privacy import restore
from privacy.restore import RestoreRefused, archive_import
from privacy.takeout import EXPORTED
from receipts.models import Receipt
from receipts.tests.conftest import ready_receipt
from transactions.models import Account, Category, Rule, Tag, Transaction, TransactionSplit
from transactions.rules import rule_create
from transactions.services import category_create, category_set_hidden, transaction_create, transaction_split_set
from transactions.tests.factories import AccountFactory, category

TODAY = dt.date(2026, 11, 20)


def rich_ledger(user: User) -> None:
    """Two accounts in two currencies, own categories two levels deep under a standard one, tags, notes, a split,
    rules, budgets, a paid bill, goals with a linked account and contributions, a receipt, an advisor chat."""
    checking = AccountFactory(owner=user, name="Girokonto", currency="EUR", opening_balance=Decimal("1523.17"),
                              opening_date=dt.date(2026, 1, 1))
    savings = AccountFactory(owner=user, name="Savings", currency="EUR", kind="savings",
                             opening_balance=Decimal("9000.00"), opening_date=dt.date(2026, 1, 1))
    travel = AccountFactory(owner=user, name="Travel card", currency="USD", kind="credit_card",
                            opening_balance=Decimal("-120.45"), opening_date=dt.date(2026, 3, 1))
    hobby = category_create(user=user, name="Pastimes")
    climbing = category_create(user=user, name="Climbing", parent=hobby)
    category_create(user=user, name="Board games", parent=category("entertainment"))
    own_top = category_create(user=user, name="Side business", kind="income")
    groceries = category("food_drink.groceries")
    category_set_hidden(user=user, category=category("housing"), hidden=True)
    transaction_create(user=user, account=checking, on=dt.date(2026, 10, 3), amount=Decimal("-54.30"),
                       description="REWE SAGT DANKE 1234", merchant="Rewe", category=groceries,
                       notes="for the party", tags=["party", "food"])
    transaction_create(user=user, account=checking, on=dt.date(2026, 10, 5), amount=Decimal("-89.00"),
                       description="BOULDERHALLE BERLIN", merchant="Boulderhalle", category=climbing, tags=["sport"])
    transaction_create(user=user, account=checking, on=dt.date(2026, 10, 9), amount=Decimal("1200.00"),
                       description="INVOICE 17", category=own_top)
    split = transaction_create(user=user, account=checking, on=dt.date(2026, 10, 12), amount=Decimal("-100.00"),
                               description="KAUFLAND 99", merchant="Kaufland")
    transaction_split_set(user=user, txn=split, parts=[(groceries, Decimal("-70.01"), "week's food"),
                                                      (hobby, Decimal("-29.99"))])
    transaction_create(user=user, account=savings, on=dt.date(2026, 10, 15), amount=Decimal("250.00"),
                       description="TRANSFER IN")
    transaction_create(user=user, account=travel, on=dt.date(2026, 10, 16), amount=Decimal("-33.10"),
                       description="NYC DELI", currency="USD")
    rule_create(user=user, data={"name": "Climbing gym", "match_field": "description", "match_operator": "contains",
                                 "match_value": "BOULDER", "sign": "out", "amount_min": Decimal("10.00"),
                                 "account": checking, "set_category": climbing, "add_tags": ["sport"],
                                 "set_merchant": "Boulderhalle", "stop_processing": True})
    rule_create(user=user, data={"name": "Rewe", "match_value": "REWE", "set_category": groceries})
    budget_set(user=user, category=groceries, month=dt.date(2026, 10, 1), amount=Decimal("400.00"), rollover=True)
    budget_set(user=user, category=hobby, month=dt.date(2026, 10, 1), amount=Decimal("120.50"))
    budget_set(user=user, category=None, month=dt.date(2026, 11, 1), amount=Decimal("2000.00"))
    rent = recurring_payment_create(user=user, name="Rent", payee="Hausverwaltung", amount=Decimal("950.00"),
                                    currency="EUR", start_date=dt.date(2026, 9, 1), day_of_month=1,
                                    account=checking, category=category("housing"), notes="Warm rent",
                                    today=dt.date(2026, 9, 1), match=False)
    paid = transaction_create(user=user, account=checking, on=dt.date(2026, 10, 1), amount=Decimal("-950.00"),
                              description="MIETE OKTOBER")
    occurrence_pay(payment=rent, due_date=dt.date(2026, 10, 1), paid_on=dt.date(2026, 10, 1), transaction_obj=paid)
    recurring_payment_create(user=user, name="Gym", payee="Boulderhalle", amount=Decimal("49.00"),
                             amount_max=Decimal("55.00"), currency="EUR", frequency="weekly", interval=4,
                             start_date=dt.date(2026, 9, 7), category=climbing, today=dt.date(2026, 9, 7),
                             match=False)
    trip = goal_create(user=user, today=TODAY, fields=GoalFields(
        name="Japan trip", kind="short_term", target_amount=Decimal("4000.00"), target_date=dt.date(2027, 6, 1),
        priority=1, starting_amount=Decimal("300.00"), accounts=((savings.pk, 50),)))
    goal_create(user=user, today=TODAY, fields=GoalFields(name="Buffer", kind="emergency", emergency_months=4))
    contribution_add(user=user, goal=trip, amount=Decimal("150.00"), date=dt.date(2026, 10, 20), note="bonus")
    contribution_add(user=user, goal=trip, amount=Decimal("-20.00"), date=dt.date(2026, 11, 2))
    ready_receipt(user, on=dt.date(2026, 10, 3), items=[("Milk", "1.19", groceries), ("Chalk", "8.00", climbing)])
    conversation = Conversation.objects.create(user=user, title="Groceries")
    Message.objects.create(conversation=conversation, role="user", text="How much on groceries?")
    Message.objects.create(conversation=conversation, role="advisor", text="124.31 EUR in October.",
                           facts=[{"figure": "124.31"}])


def category_path(category: Category | None) -> str | None:
    if category is None:
        return None
    names = []
    while category is not None:
        names.append(category.name + ("" if category.owner_id is None else " (own)"))
        category = category.parent
    return " > ".join(reversed(names))


def ledger_dump(user: User) -> dict:
    """Everything a person sees of their ledger, without pks or the owner: two equal dumps are the same ledger."""
    account = {a.pk: a.name for a in Account.objects.filter(owner=user)}
    return {
        "accounts": sorted((a.name, a.kind, a.currency, a.known_balance, a.known_balance_date)
                           for a in Account.objects.filter(owner=user)),
        "categories": sorted((category_path(c), c.kind) for c in Category.objects.filter(owner=user)),
        "hidden": sorted(category_path(c) for c in user.hidden_categories.all()),
        "tags": sorted(Tag.objects.filter(owner=user).values_list("name", flat=True)),
        "transactions": sorted(
            (t.date, t.amount, t.currency, account[t.account_id], t.description, t.merchant, category_path(t.category),
             t.category_source, t.notes, t.source, t.needs_review, tuple(sorted(tag.name for tag in t.tags.all())),
             tuple((category_path(s.category), s.amount, s.notes) for s in t.splits.order_by("amount")))
            for t in Transaction.objects.filter(owner=user)),
        "rules": [(r.name, r.position, r.is_active, r.stop_processing, r.match_field, r.match_operator,
                   r.match_value, r.amount_min, r.amount_max, r.sign, account.get(r.account_id),
                   category_path(r.set_category), r.add_tags, r.set_merchant)
                  for r in Rule.objects.filter(owner=user).order_by("position")],
        "budgets": sorted((category_path(b.category) or "", b.month, b.amount, b.currency, b.rollover, b.rolled_over)
                          for b in user.budgets.all()),
        "bills": sorted((p.name, p.payee, p.amount, p.amount_max, p.currency, account.get(p.account_id),
                         category_path(p.category), p.frequency, p.interval, p.day_of_month, p.start_date,
                         p.next_due_date, p.is_active, p.notes) for p in RecurringPayment.objects.filter(user=user)),
        "occurrences": sorted((o.recurring_payment.name, o.due_date, o.status, o.amount_paid, o.paid_on,
                               o.transaction.description if o.transaction else None)
                              for o in BillOccurrence.objects.filter(user=user)),
        "goals": sorted((g.name, g.kind, g.target_amount, g.currency, g.target_date, g.priority, g.emergency_months,
                         g.starting_amount) for g in Goal.objects.filter(user=user)),
        "goal_accounts": sorted((link.goal.name, account[link.account_id], link.share)
                                for link in GoalAccount.objects.filter(goal__user=user)),
        "contributions": sorted((c.goal.name, c.date, c.amount, c.note)
                                for c in Contribution.objects.filter(goal__user=user)),
        "receipts": [(r.status, r.fields, [(i["description"], category_path(Category.objects.filter(
            pk=i["category_id"]).first())) for i in r.items], r.file.open().read() if r.file else None)
            for r in Receipt.objects.filter(user=user).order_by("pk")],
        "advisor": [(c.title, [(m.role, m.text, m.facts) for m in c.messages.order_by("pk")])
                    for c in Conversation.objects.filter(user=user)],
        "profile": FinancialProfile.objects.filter(user=user).values_list("preferred_currency", "timezone",
                                                                          "savings_rate_target").get(),
    }


def test_importing_an_export_into_a_new_account_reproduces_the_ledger_exactly(alice, export_of):
    rich_ledger(alice)
    group = Group.objects.create(name="Flat", created_by=alice)
    Membership.objects.create(group=group, user=alice)
    archive = export_of(alice)
    bob = UserFactory(email="bob@example.com")

    result = archive_import(user=bob, path=archive)

    assert ledger_dump(bob) == ledger_dump(alice)
    assert result.counts["transactions.Transaction"] == 7 and result.counts["files"] == 1
    # New rows, not Alice's: her ledger is untouched and nothing of Bob's points at hers.
    assert not Transaction.objects.filter(owner=bob, account__owner=alice).exists()
    assert set(Transaction.objects.filter(owner=bob).values_list("category__owner", flat=True)) <= {None, bob.pk}
    assert not TransactionSplit.objects.filter(transaction__owner=bob, category__owner=alice).exists()
    assert Transaction.objects.filter(owner=alice).count() == 7
    # Notes are encrypted again at rest, not stored as the archive's plaintext.
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM transactions_transaction WHERE owner_id = %s AND notes <> ''", [bob.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all("party" not in value for value in stored)
    assert AuditEntry.objects.filter(actor=bob, changes__step="imported").count() == 1
    assert any("Groups are not imported" in note for note in result.notes)
    assert result.skipped["groups.Group"] == 1 and not Group.objects.filter(memberships__user=bob).exists()


def test_the_command_creates_the_account_without_a_password_and_imports(alice, export_of, capsys):
    rich_ledger(alice)
    archive = export_of(alice)

    call_command("import_data_export", str(archive), "--email", "New@Example.com")

    carol = User.objects.get(email="new@example.com")
    assert not carol.has_usable_password()
    assert ledger_dump(carol) == ledger_dump(alice)
    out = capsys.readouterr().out
    assert "7 transactions" in out and "changepassword new@example.com" in out


def test_an_account_with_data_is_refused_and_keeps_what_it_had(alice, export_of):
    rich_ledger(alice)
    archive = export_of(alice)
    bob = UserFactory(email="bob@example.com")
    AccountFactory(owner=bob, name="Bob's own")

    with pytest.raises(RestoreRefused, match="already has data"):
        archive_import(user=bob, path=archive)
    assert list(Account.objects.filter(owner=bob).values_list("name", flat=True)) == ["Bob's own"]

    with pytest.raises(CommandError, match="already has data"):
        call_command("import_data_export", str(archive), "--email", "bob@example.com")


def rewrite(source: Path, target: Path, changes: dict[str, bytes | None],
            extra: dict[str, bytes] | None = None) -> Path:
    """A copy of an archive with some members replaced (None: left out) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            if member.filename in changes:
                if changes[member.filename] is not None:
                    new.writestr(member.filename, changes[member.filename])
            else:
                new.writestr(member.filename, old.read(member.filename))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def nothing_written(user: User) -> bool:
    return (not Account.objects.filter(owner=user).exists() and not Category.objects.filter(owner=user).exists()
            and not Transaction.objects.filter(owner=user).exists() and not Receipt.objects.filter(user=user).exists()
            and not AuditEntry.objects.filter(actor=user, changes__step="imported").exists())


def test_a_row_referring_to_an_unknown_category_names_the_file_row_and_field(alice, export_of, tmp_path, settings):
    rich_ledger(alice)
    archive = export_of(alice)
    with zipfile.ZipFile(archive) as zipped:
        rows = json.loads(zipped.read("data/transactions.Transaction.json"))
    rows[2]["fields"]["category"] = 987654
    broken = rewrite(archive, tmp_path / "broken.zip", {"data/transactions.Transaction.json": json.dumps(rows).encode()})
    bob = UserFactory(email="bob@example.com")
    files_before = set(Path(settings.RECEIPT_DIR).rglob("*"))

    with pytest.raises(RestoreRefused) as refused:
        archive_import(user=bob, path=broken)

    assert refused.value.messages == [
        "data/transactions.Transaction.json, row 3, field “category”: refers to transactions.Category 987654, "
        "which is not in the archive."]
    assert nothing_written(bob)
    assert set(Path(settings.RECEIPT_DIR).rglob("*")) == files_before  # the receipt's file went with the rest


def test_a_bad_value_names_the_file_row_and_field(alice, export_of, tmp_path):
    rich_ledger(alice)
    archive = export_of(alice)
    with zipfile.ZipFile(archive) as zipped:
        rows = json.loads(zipped.read("data/budgets.Budget.json"))
    rows[1]["fields"]["amount"] = "lots"
    broken = rewrite(archive, tmp_path / "broken.zip", {"data/budgets.Budget.json": json.dumps(rows).encode()})
    bob = UserFactory(email="bob@example.com")

    with pytest.raises(RestoreRefused, match=r"data/budgets.Budget.json, row 2, field “amount”: .*decimal number"):
        archive_import(user=bob, path=broken)
    assert nothing_written(bob)


def test_broken_json_names_the_file_and_where(alice, export_of, tmp_path):
    rich_ledger(alice)
    archive = export_of(alice)
    with zipfile.ZipFile(archive) as zipped:
        text = zipped.read("data/transactions.Tag.json").decode()
    cut = text.rindex("}")
    broken = rewrite(archive, tmp_path / "broken.zip",
                     {"data/transactions.Tag.json": (text[:cut] + ",, }]").encode()})
    bob = UserFactory(email="bob@example.com")

    with pytest.raises(RestoreRefused, match=r"data/transactions.Tag.json is not valid JSON at character \d+ "
                                             r"\(row 3\)"):
        archive_import(user=bob, path=broken)
    assert nothing_written(bob)


def test_not_a_zip_an_unsafe_path_an_oversized_member_and_an_old_format_are_refused(alice, export_of, tmp_path,
                                                                                      monkeypatch):
    rich_ledger(alice)
    archive = export_of(alice)
    bob = UserFactory(email="bob@example.com")

    with pytest.raises(RestoreRefused, match="not a zip archive"):
        archive_import(user=bob, path=io.BytesIO(b"%PDF-1.7 not a zip"))
    with pytest.raises(RestoreRefused, match="unsafe path"):
        archive_import(user=bob, path=rewrite(archive, tmp_path / "a.zip", {}, {"../../etc/passwd": b"x"}))
    bomb = rewrite(archive, tmp_path / "b.zip", {}, {"receipts/999.jpg": b"\0" * (3 * 1024 * 1024)})
    with pytest.raises(RestoreRefused, match=r"receipts/999.jpg unpacks to more than 200 times"):
        archive_import(user=bob, path=bomb)
    monkeypatch.setattr(restore, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(RestoreRefused, match=r"README.txt is [\d,]+ bytes unpacked; the largest file accepted is 1,000 bytes"):
        archive_import(user=bob, path=archive)
    monkeypatch.undo()
    with zipfile.ZipFile(archive) as zipped:
        schema = json.loads(zipped.read("schema.json"))
    del schema["format_version"]
    old = rewrite(archive, tmp_path / "c.zip", {"schema.json": json.dumps(schema).encode()})
    with pytest.raises(RestoreRefused, match="no format_version"):
        archive_import(user=bob, path=old)
    assert nothing_written(bob)


def test_a_long_row_is_refused_without_reading_the_whole_file(alice, export_of, tmp_path, monkeypatch):
    rich_ledger(alice)
    archive = export_of(alice)
    monkeypatch.setattr(restore, "MAX_ROW_CHARS", 200)
    monkeypatch.setattr(restore, "READ_CHARS", 64)
    bob = UserFactory(email="bob@example.com")

    with pytest.raises(RestoreRefused, match=r"data/transactions.Account.json, row 1: longer than 200 characters"):
        archive_import(user=bob, path=archive)


def test_every_exported_model_is_restored_or_says_why_not():
    exported = {part.label for part in EXPORTED}
    assert exported == set(restore.RESTORED) | set(restore.NOT_RESTORED)
    assert all(reason for reason in restore.NOT_RESTORED.values())


def test_a_refused_archive_leaves_no_account_behind_when_the_command_created_it(tmp_path, db):
    not_a_zip = tmp_path / "holiday.zip"
    not_a_zip.write_bytes(b"GIF89a not an archive")

    with pytest.raises(CommandError, match="not a zip archive"):
        call_command("import_data_export", str(not_a_zip), "--email", "fresh@example.com")
    assert not User.objects.filter(email="fresh@example.com").exists()
