"""Deleting an account: asked for on the page or the API with the password, cancelled by signing in or a button,
then after the grace period every row and file the person owns is gone; groups keep a Former member."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from advisor.models import Conversation, Message
from audit.models import AuditAction, AuditEntry
from budgets.models import Budget
from goals.models import Goal
from groups import services as groups
from groups.models import GroupActivity, Membership
from groups.selectors import group_balances, group_summary
from groups.services import Part
from notifications.models import Notification, NotificationKind
from notifications.services import notification_create
from payments.services import recurring_payment_create
from privacy import deletion
from privacy.deletion import DELETED, KEPT
from privacy.models import DataExport, DataExportStatus, DeletionLeftover, DeletionRequest, FormerMember
from receipts.tests.conftest import image_bytes, ready_receipt
from transactions.models import Category, ImportBatch, Rule, Transaction, TransactionExport
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
AFTER_GRACE = NOW + dt.timedelta(days=7, hours=1)


@pytest.fixture(autouse=True)
def _file_dirs(settings, tmp_path):
    settings.RECEIPT_DIR = tmp_path / "receipts"
    settings.DATA_EXPORT_DIR = tmp_path / "data-exports"
    settings.EXPORT_DIR = tmp_path / "exports"


def household(user, account, *, word: str) -> list:
    """A person's ledger with a row in most parts and every kind of file; returns the files' paths."""
    groceries = Category.objects.get(key="food_drink.groceries")
    TransactionFactory(account=account, amount=Decimal("-12.40"), description=f"{word} MARKET", category=groceries)
    Category.objects.create(owner=user, name=f"{word} hobby", parent=Category.objects.get(key="entertainment"))
    Rule.objects.create(owner=user, name=f"{word} rule", match_value=word)
    Budget.objects.create(user=user, category=groceries, month=dt.date(2026, 3, 1), amount=Decimal("300.00"),
                          currency="EUR")
    Goal.objects.create(user=user, name=f"{word} holiday", kind="short_term", target_amount=Decimal("2000.00"),
                        currency="EUR")
    recurring_payment_create(user=user, name=f"{word} rent", payee="Landlord", amount=Decimal("900.00"),
                             currency="EUR", start_date=dt.date(2026, 1, 1), match=False)
    conversation = Conversation.objects.create(user=user, title=f"{word} question")
    Message.objects.create(conversation=conversation, role="user", text=f"How much on {word}?")
    notification_create(user=user, kind=NotificationKind.BILL_DUE, title=f"{word} bill")
    receipt = ready_receipt(user, on=dt.date(2026, 3, 1))
    batch = ImportBatch(owner=user, account=account, filename="bank.csv")
    batch.stored_file.save("bank.csv", ContentFile(b"date,amount\n2026-03-01,-1.00\n"))
    settings.EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    settings.DATA_EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    export = TransactionExport.objects.create(owner=user, file_name=f"{word}.csv")
    (settings.EXPORT_DIR / export.file_name).write_text("date,amount\n")
    archive = DataExport.objects.create(owner=user, status=DataExportStatus.READY, file_name=f"{word}.zip")
    (settings.DATA_EXPORT_DIR / archive.file_name).write_bytes(b"PK")
    user.avatar.save("face.png", ContentFile(image_bytes(size=(64, 64), image_format="PNG")))
    return [receipt.file.path, batch.stored_file.path, settings.EXPORT_DIR / export.file_name,
            settings.DATA_EXPORT_DIR / archive.file_name, user.avatar.path]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(user, password) -> DeletionRequest:
    with time_machine.travel(NOW, tick=False):
        return deletion.deletion_request(user=user, password=password)


def rows_naming(user_id: int) -> dict[str, int]:
    """Every row anywhere that still points at the user id, by model."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                count = model._default_manager.filter(**{field.attname: user_id}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


def test_asking_on_the_page_takes_the_password_and_emails_the_date_and_how_to_cancel(
        owner, password, django_capture_on_commit_callbacks):
    client = signed_in(owner)
    page = client.get(reverse("privacy:data")).content.decode()
    assert reverse("privacy:deletion") in page
    assert "Delete my account in 7 days" in client.get(reverse("privacy:deletion")).content.decode()

    wrong = client.post(reverse("privacy:deletion"), {"password": "not it"})
    assert wrong.status_code == 400 and "That is not your password" in wrong.content.decode()
    assert not DeletionRequest.objects.exists() and not mail.outbox

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:deletion"), {"password": password}, follow=True)
    page = response.content.decode()
    assert "Your account will be deleted on 9 March 2026" in page and "Keep my account" in page
    assert DeletionRequest.objects.get(user=owner).purge_after == NOW + dt.timedelta(days=7)
    [email] = mail.outbox
    assert email.subject == "Your account will be deleted" and email.to == [owner.email]
    assert "9 March 2026" in email.body and "sign in before then" in email.body
    assert "/accounts/data/delete/" in email.body
    assert AuditEntry.objects.filter(action=AuditAction.DELETION_REQUEST, actor=owner).count() == 1

    again = client.post(reverse("privacy:deletion"), {"password": password}, follow=True)
    assert "Your account will be deleted on 9 March 2026" in again.content.decode()
    assert DeletionRequest.objects.count() == 1


def test_signing_in_on_a_page_keeps_the_account_and_says_so(owner, password, django_capture_on_commit_callbacks):
    ask(owner, password)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/accounts/login/", {"username": owner.email, "password": password},
                           follow=True).content.decode()
    assert "You signed in, so your account will not be deleted" in page
    assert not DeletionRequest.objects.exists()
    [email] = mail.outbox
    assert email.subject == "Your account will not be deleted" and "You signed in" in email.body
    cancel = AuditEntry.objects.get(action=AuditAction.DELETION_CANCEL)
    assert cancel.changes == {"reason": "signed_in"}


def test_signing_in_through_the_api_keeps_the_account(owner, password, api_client):
    ask(owner, password)
    tokens = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": password}, format="json")
    assert tokens.status_code == 200
    assert not DeletionRequest.objects.exists()
    assert Notification.objects.filter(user=owner, kind=NotificationKind.ACCOUNT_DELETION_CANCELLED).exists()


def test_the_button_cancels_and_the_account_stays_after_the_grace_period(owner, password, account):
    TransactionFactory(account=account, amount=Decimal("-5.00"))
    client = signed_in(owner)
    ask(owner, password)
    page = client.post(reverse("privacy:deletion-cancel"), follow=True).content.decode()
    assert "Your account will not be deleted" in page and "Delete my account in 7 days" in page
    with time_machine.travel(AFTER_GRACE, tick=False):
        deletion.deletions_run()
    assert User.objects.filter(pk=owner.pk).exists() and Transaction.objects.filter(owner=owner).exists()


def test_after_the_grace_period_every_row_and_file_goes_and_nobody_elses(
        owner, password, account, other_user, other_account, settings):
    mine = household(owner, account, word="Mine")
    theirs = household(other_user, other_account, word="Theirs")
    signed_in(owner)
    assert Session.objects.count() == 1
    ask(owner, password)
    owner_id = owner.pk

    with time_machine.travel(NOW + dt.timedelta(days=6), tick=False):
        deletion.deletions_run()
    assert User.objects.filter(pk=owner_id).exists()  # still in the grace period
    assert all(Path(path).exists() for path in mine)

    with time_machine.travel(AFTER_GRACE, tick=False):
        outcome = deletion.deletions_run()

    assert outcome["accounts"] == 1 and outcome["files"] == 5
    assert not User.objects.filter(pk=owner_id).exists()
    assert rows_naming(owner_id) == {}
    assert not Session.objects.exists()
    assert [path for path in mine if Path(path).exists()] == []
    # The other person lost nothing.
    assert [path for path in theirs if not Path(path).exists()] == []
    assert Transaction.objects.filter(owner=other_user).count() == 1
    assert Category.objects.filter(owner=other_user).count() == 1
    assert Conversation.objects.filter(user=other_user).count() == 1
    assert Notification.objects.filter(user=other_user).count() == 1

    purge = AuditEntry.objects.get(action=AuditAction.ACCOUNT_PURGE)
    assert purge.target_id == str(owner_id) and purge.actor is None
    # The request's entry stays, its actor emptied, its label the address it was.
    request_entry = AuditEntry.objects.get(action=AuditAction.DELETION_REQUEST)
    assert request_entry.actor is None and request_entry.actor_label == "owner@example.com"
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "intact" in out.getvalue().lower() or "checked" in out.getvalue().lower()

    # A rerun finds nothing to do.
    with time_machine.travel(AFTER_GRACE + dt.timedelta(hours=1), tick=False):
        assert deletion.deletions_run() == {"leftover_files": 0, "accounts": 0, "rows": 0, "files": 0}


def test_in_groups_the_past_stays_with_a_former_member_and_every_balance_is_unchanged(owner, password, other_user):
    bea = UserFactory(email="bea@example.com", display_name="Bea")
    flat = groups.group_create(user=owner, name="Flat", currency="EUR")
    Membership.objects.create(group=flat, user=other_user)
    Membership.objects.create(group=flat, user=bea)
    groups.expense_create(group=flat, user=owner, description="Rent", amount=Decimal("900.00"),
                          on=dt.date(2026, 2, 1), payers=[Part(owner.pk)],
                          shares=[Part(owner.pk), Part(other_user.pk), Part(bea.pk)])
    groups.expense_create(group=flat, user=other_user, description="Internet", amount=Decimal("40.01"),
                          on=dt.date(2026, 2, 2), payers=[Part(other_user.pk)],
                          shares=[Part(owner.pk), Part(other_user.pk), Part(bea.pk)])
    groups.settlement_create(group=flat, user=bea, payer_id=bea.pk, payee_id=owner.pk, amount=Decimal("100.00"))
    solo = groups.group_create(user=owner, name="Just me", currency="EUR")
    before = group_balances(group=flat)
    ask(owner, password)

    with time_machine.travel(AFTER_GRACE, tick=False):
        deletion.deletions_run()

    after = group_balances(group=flat)
    stand_in = FormerMember.objects.get().user
    assert after[other_user.pk] == before[other_user.pk] and after[bea.pk] == before[bea.pk]
    assert after[stand_in.pk] == before[owner.pk] and sum(after.values()) == 0
    assert stand_in.get_short_name() == "Former member" and not stand_in.is_active
    assert not stand_in.has_usable_password()
    assert not flat.__class__.objects.filter(pk=solo.pk).exists()  # nobody else was in it
    # The others see the expenses and what the Former member is owed, and someone owns the group now.
    summary = group_summary(group=flat)
    names = {row["user"].get_short_name(): row["cents"] for row in summary["balances"]}
    assert names["Former member"] == before[owner.pk]
    page = signed_in(other_user).get(reverse("groups:detail", args=[flat.pk])).content.decode()
    assert "Former member" in page and "Olivia" not in page and "owner@example.com" not in page
    assert Membership.objects.get(group=flat, user=other_user).role == "owner"
    assert not any("Olivia" in summary_ for summary_ in GroupActivity.objects.values_list("summary", flat=True))


def test_a_purge_killed_midway_leaves_everything_and_one_killed_after_its_commit_leaves_no_file(
        owner, password, account, monkeypatch):
    files = household(owner, account, word="Mine")
    ask(owner, password)

    def killed(**kwargs):
        raise RuntimeError("worker killed")

    # Killed inside the transaction (at the audit entry, its last write): nothing was deleted.
    monkeypatch.setattr(deletion, "audit_record", killed)
    with time_machine.travel(AFTER_GRACE, tick=False), pytest.raises(RuntimeError):
        deletion.deletions_run()
    assert User.objects.filter(pk=owner.pk).exists() and Transaction.objects.filter(owner=owner).exists()
    assert all(Path(path).exists() for path in files)
    monkeypatch.undo()

    # Killed after the commit, before the files went: they are written down, and the next run removes them.
    monkeypatch.setattr(deletion, "leftovers_remove", killed)
    with time_machine.travel(AFTER_GRACE, tick=False), pytest.raises(RuntimeError):
        deletion.account_purge(user_id=owner.pk)
    monkeypatch.undo()
    assert not User.objects.filter(pk=owner.pk).exists()
    assert DeletionLeftover.objects.count() == 5
    with time_machine.travel(AFTER_GRACE, tick=False):
        assert deletion.deletions_run()["leftover_files"] == 5
    assert [path for path in files if Path(path).exists()] == []
    assert not DeletionLeftover.objects.exists()


def test_the_api_asks_shows_and_cancels_only_for_the_signed_in_person(owner, owner_api, other_api, password,
                                                                       api_client):
    assert owner_api.get("/api/v1/me/deletion/").json() == {
        "scheduled": False, "requested_at": None, "purge_after": None, "grace_days": 7}
    wrong = owner_api.post("/api/v1/me/deletion/", {"password": "nope"}, format="json")
    assert wrong.status_code == 400
    assert set(wrong.json()) == {"message", "code", "fields", "extra"} and "password" in wrong.json()["fields"]
    missing = owner_api.post("/api/v1/me/deletion/", {}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["fields"]

    asked = owner_api.post("/api/v1/me/deletion/", {"password": password}, format="json")
    assert asked.status_code == 201 and asked.json()["scheduled"] is True
    assert dt.datetime.fromisoformat(asked.json()["purge_after"]) > timezone.now() + dt.timedelta(days=6)
    again = owner_api.post("/api/v1/me/deletion/", {"password": password}, format="json")
    assert again.status_code == 400 and "already set to be deleted" in again.json()["message"]

    # Another person sees and cancels only their own.
    assert other_api.get("/api/v1/me/deletion/").json()["scheduled"] is False
    assert other_api.delete("/api/v1/me/deletion/").status_code == 200
    assert DeletionRequest.objects.filter(user=owner).exists()
    assert api_client.get("/api/v1/me/deletion/").status_code == 401

    kept = owner_api.delete("/api/v1/me/deletion/")
    assert kept.status_code == 200 and kept.json()["scheduled"] is False
    assert not DeletionRequest.objects.exists()


def test_staff_see_pending_deletions_and_delete_now_after_confirming(client, owner, password, account, staff_user,
                                                                     other_user):
    ask(owner, password)
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    listing = client.get(reverse("admin:privacy_deletionrequest_changelist")).content.decode()
    assert "owner@example.com" in listing
    pending = DeletionRequest.objects.get(user=owner)
    confirm = client.post(reverse("admin:privacy_deletionrequest_changelist"),
                          {"action": "delete_now", "_selected_action": [pending.pk]})
    assert confirm.status_code == 200 and "cannot be undone" in confirm.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()  # not before confirming

    done = client.post(reverse("admin:privacy_deletionrequest_changelist"),
                       {"action": "delete_now", "_selected_action": [pending.pk], "confirm": "yes"}, follow=True)
    assert "Deleted 1 account" in done.content.decode()
    assert not User.objects.filter(pk=owner.pk).exists() and User.objects.filter(pk=other_user.pk).exists()
    purge = AuditEntry.objects.get(action=AuditAction.ACCOUNT_PURGE)
    assert purge.actor == staff_user and purge.changes["by"] == "staff"


def test_every_model_that_refers_to_a_person_is_deleted_or_kept_with_a_reason():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    project = {config.label for config in apps.get_app_configs()
               if not config.name.startswith(("django.", "rest_framework", "django_"))}
    project |= {"admin", "token_blacklist"}
    covered = set(DELETED) | set(KEPT)
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in project or model._meta.label in covered:
            continue
        if model is user_model or any(isinstance(field, models.ForeignKey) and field.related_model is user_model
                                      for field in model._meta.get_fields()):
            missing.append(model._meta.label)
    assert missing == []
    assert not set(DELETED) & set(KEPT)
