"""Row-level security on PostgreSQL (core.rls): raw SQL as the app role for one person finds none of another's rows
in any table of people's rows; requests and per-user tasks see their person's rows, cross-user jobs and the admin
everyone's; every table of people's rows has its policy. The policies and the app role are created inside each
test's transaction, so they go with its rollback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.test import RequestFactory
from huey.api import PeriodicTask, TaskWrapper
from huey.contrib.djhuey import db_task
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from advisor.models import Conversation, Message
from audit.chain import audit_chain_verify
from audit.models import AuditAction, AuditEntry
from audit.selectors import security_log
from audit.services import audit_record
from budgets.models import Budget
from config import schedule
from core import rls
from core.middleware import RowSecurityMiddleware
from goals.models import Contribution, Goal
from groups import services as groups
from groups.models import Membership
from groups.services import Part
from insights.tasks import forecast_refresh_task
from notifications.models import Notification, NotificationKind
from notifications.services import notification_create
from payments.services import recurring_payment_create
from transactions.models import Category, Rule, Tag, Transaction, TransactionSplit
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row-level security is PostgreSQL's; this run uses SQLite (set DATABASE_URL)"),
]


@pytest.fixture
def policies(settings) -> list[str]:
    settings.DATABASE_ROW_SECURITY = True
    return rls.row_security_sync(connection)


@contextmanager
def as_app(*, user_id: int | None = None, bypass: bool = False) -> Iterator[None]:
    """The connection as the web server's: the app role, one person's rows (or everyone's, or nobody's), and
    nobody's again between requests (the test suite's own process is otherwise the operator's, see conftest.py)."""
    operator, rls._operator_process = rls._operator_process, False
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {settings.DATABASE_ROW_SECURITY_ROLE}")
    try:
        with rls.row_security_as(user_id=user_id, bypass=bypass):
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        rls._operator_process = operator


def rows(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT ctid::text FROM "{table}"')
        return {ctid for (ctid,) in cursor.fetchall()}


def household(user, *, word: str):
    """A person's ledger with a row in most tables, and a group with a friend of theirs."""
    account = AccountFactory(owner=user, currency="EUR")
    tag = Tag.objects.create(owner=user, name=f"{word}-tag")
    hobby = Category.objects.create(owner=user, name=f"{word} hobby")
    # A shared category of the taxonomy (a test with real commits before this one may have emptied it).
    groceries, _ = Category.objects.get_or_create(owner=None, name="Groceries (row security)")
    txn = TransactionFactory(account=account, amount=Decimal("-12.40"), description=f"{word} MARKET", category=hobby)
    txn.tags.add(tag)
    TransactionSplit.objects.create(transaction=txn, category=groceries, amount=Decimal("-12.40"))
    hobby.hidden_by.add(user)
    Rule.objects.create(owner=user, name=f"{word} rule", match_value=word)
    Budget.objects.create(user=user, category=groceries, month=dt.date(2026, 3, 1), amount=Decimal("300.00"),
                          currency="EUR")
    goal = Goal.objects.create(user=user, name=f"{word} holiday", kind="short_term",
                               target_amount=Decimal("2000.00"), currency="EUR")
    Contribution.objects.create(goal=goal, amount=Decimal("50.00"), date=dt.date(2026, 3, 1))
    recurring_payment_create(user=user, name=f"{word} rent", payee="Landlord", amount=Decimal("900.00"),
                             currency="EUR", start_date=dt.date(2026, 1, 1), match=False)
    conversation = Conversation.objects.create(user=user, title=f"{word} question")
    Message.objects.create(conversation=conversation, role="user", text=f"How much on {word}?")
    notification_create(user=user, kind=NotificationKind.BILL_DUE, title=f"{word} bill")
    friend = UserFactory(email=f"{word.lower()}-friend@example.com")
    flat = groups.group_create(user=user, name=f"{word} flat", currency="EUR")
    Membership.objects.create(group=flat, user=friend)
    groups.expense_create(group=flat, user=friend, description=f"{word} internet", amount=Decimal("40.00"),
                          on=dt.date(2026, 2, 2), payers=[Part(friend.pk)], shares=[Part(user.pk), Part(friend.pk)])
    groups.settlement_create(group=flat, user=user, payer_id=user.pk, payee_id=friend.pk, amount=Decimal("20.00"))
    return txn


@pytest.fixture
def two_people(policies):
    anna, ben = UserFactory(email="anna@example.com"), UserFactory(email="ben@example.com")
    household(anna, word="Anna")
    household(ben, word="Ben")
    return anna, ben


def test_every_table_of_peoples_rows_has_its_policy(policies):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    direct = {m._meta.db_table for m in apps.get_models(include_auto_created=True)
              if m is not user_model and any(isinstance(f, models.ForeignKey) and f.related_model is user_model
                                             for f in m._meta.concrete_fields)}
    chained = {m._meta.db_table for m in (TransactionSplit, Message, Contribution, Transaction.tags.through)}
    chained |= {"groups_expenseshare", "groups_expensepayer", "notifications_delivery"}
    assert direct | chained <= set(policies), f"no policy on {sorted((direct | chained) - set(policies))}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
                       "WHERE p.polname = %s AND c.relrowsecurity", [rls.POLICY])
        enforced = {name for (name,) in cursor.fetchall()}
    assert set(policies) <= enforced, f"policy missing or row security off on {sorted(set(policies) - enforced)}"


def test_raw_sql_as_the_app_finds_none_of_another_persons_rows_in_any_table(two_people, policies):
    anna, ben = two_people
    with as_app(user_id=anna.pk):
        annas = {table: rows(table) for table in policies}
    with as_app(user_id=ben.pk):
        bens = {table: rows(table) for table in policies}
    with as_app():
        nobodys = {table: rows(table) for table in policies}
    with as_app(bypass=True):
        everyones = {table: rows(table) for table in policies}
    shared_rows = {table: found for table, found in nobodys.items() if found}
    assert set(shared_rows) == {"transactions_category"}  # the taxonomy; nothing else without a person
    for table in policies:
        leaked = (annas[table] & bens[table]) - nobodys[table]
        assert not leaked, f"{table}: {len(leaked)} rows seen by both"
        assert annas[table] | bens[table] <= everyones[table] == rows(table)
    filled = [table for table in policies if annas[table] - nobodys[table] and bens[table] - nobodys[table]]
    # The households fill the ledger, budgets, goals, bills, advisor, notifications and groups (with chains).
    assert len(filled) >= 20, sorted(filled)
    for table in ("transactions_transactionsplit", "transactions_transaction_tags", "advisor_message",
                  "groups_expenseshare", "goals_contribution", "transactions_category_hidden_by"):
        assert table in filled


def test_a_member_sees_the_groups_rows_and_an_outsider_none(two_people):
    anna, _ = two_people
    friend = Membership.objects.exclude(user=anna).get(group__name="Anna flat").user
    with as_app(user_id=friend.pk):
        assert rows("groups_groupexpense") and rows("groups_expenseshare") and rows("groups_settlement")
        assert not rows("transactions_transaction")  # the group, not Anna's ledger
    outsider = UserFactory()
    with as_app(user_id=outsider.pk):
        assert not rows("groups_group") and not rows("groups_expenseshare") and not rows("groups_membership")


def test_another_persons_rows_can_be_neither_changed_nor_written(two_people):
    anna, ben = two_people
    bens = Transaction.objects.get(owner=ben)
    with as_app(user_id=anna.pk):
        assert Transaction.objects.filter(pk=bens.pk).update(description="mine now") == 0
        assert Transaction.objects.filter(pk=bens.pk).delete()[0] == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Tag.objects.create(owner=ben, name="planted")
    assert Transaction.objects.get(pk=bens.pk).description == "Ben MARKET"


def test_a_page_request_sees_only_its_persons_rows_and_the_connection_then_nothing(two_people):
    anna, _ = two_people
    seen = {}

    def view(request):
        seen["rows"] = set(Transaction.objects.values_list("owner_id", flat=True))
        return None

    request = RequestFactory().get("/transactions/")
    request.user = anna
    with as_app():
        RowSecurityMiddleware(view)(request)
        rls.request_finished_reset(sender=None)
        assert seen["rows"] == {anna.pk}
        assert not Transaction.objects.exists()


class OwnersSeen(APIView):
    def get(self, request):
        return Response(sorted(set(Transaction.objects.values_list("owner_id", flat=True))))


def test_an_api_request_with_a_bearer_token_sees_only_its_persons_rows(two_people, api_client):
    anna, _ = two_people
    bearer = f"Bearer {RefreshToken.for_user(anna).access_token}"
    request = RequestFactory().get("/api/v1/owners-seen/", HTTP_AUTHORIZATION=bearer)
    request.user = AnonymousUser()  # what the session middleware finds for a bearer token
    with as_app():
        # Before DRF reads the token the request is anonymous (see-everything); the token narrows it to Anna.
        seen = RowSecurityMiddleware(OwnersSeen.as_view())(request)
        rls.request_finished_reset(sender=None)
        api_client.credentials(HTTP_AUTHORIZATION=bearer)
        response = api_client.get("/api/v1/transactions/")
        after = Transaction.objects.count()
    assert seen.data == [anna.pk]
    assert response.status_code == 200
    assert [row["description"] for row in response.json()["results"]] == ["Anna MARKET"]
    assert after == 0  # back to nobody's rows once the request finished


@db_task()
def owners_seen(user_id: int) -> list[int]:
    return sorted(set(Transaction.objects.values_list("owner_id", flat=True)))


@db_task()
def owners_seen_by_a_cross_user_job() -> list[int]:
    return sorted(set(Transaction.objects.values_list("owner_id", flat=True)))


def test_a_task_for_one_person_sees_their_rows_and_a_cross_user_job_everyones(two_people):
    anna, ben = two_people
    with as_app():
        assert owners_seen(anna.pk)() == [anna.pk]
        assert owners_seen_by_a_cross_user_job()() == sorted([anna.pk, ben.pk])
        assert not Transaction.objects.exists()  # and the connection is back to nothing after each


def test_the_real_per_user_tasks_are_recognised_and_the_schedules_jobs_are_cross_user():
    assert rls.task_user_id(forecast_refresh_task.s(42)) == 42
    periodic = [value for value in vars(schedule).values()
                if isinstance(value, TaskWrapper) and issubclass(value.task_class, PeriodicTask)]
    assert len(periodic) > 5 and all(rls.task_user_id(job.s()) is None for job in periodic)


def test_the_admin_lists_everyones_rows(two_people, admin_client):
    with as_app():
        page = admin_client.get("/admin/transactions/transaction/")
    assert page.status_code == 200
    assert "Anna MARKET" in page.content.decode() and "Ben MARKET" in page.content.decode()


def test_a_persons_request_notifies_another_member_and_keeps_one_audit_chain(two_people):
    anna, _ = two_people
    friend = Membership.objects.exclude(user=anna).get(group__name="Anna flat").user
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with as_app(user_id=anna.pk):
        # Writes for other people that a person's request makes on purpose: the friend's notification, and audit
        # entries (one chain over everyone's) about the friend and, with no actor, about Anna.
        notification_create(user=friend, kind=NotificationKind.BILL_DUE, title="Anna added the internet bill")
        audit_record(action=AuditAction.SIGN_IN_FAILED, target=anna)
        audit_record(action=AuditAction.PASSWORD_CHANGE, actor=anna, target=friend)
        mine = {entry.action for entry in security_log(user=anna).filter(id__gt=before)}
        assert not Notification.objects.filter(user=friend).exists()  # written as the friend's, not Anna's to read
    with as_app(user_id=friend.pk):
        assert Notification.objects.get(title="Anna added the internet bill").user == friend
        friends = {entry.action for entry in security_log(user=friend).filter(id__gt=before)}
    assert mine == {AuditAction.SIGN_IN_FAILED, AuditAction.PASSWORD_CHANGE}  # done by her, or about her
    assert friends == {AuditAction.PASSWORD_CHANGE}  # about him; Anna's failed sign-in is not his to read
    assert audit_chain_verify().intact and AuditEntry.objects.count() >= 2


def test_the_suites_own_code_sees_everything_and_its_requests_only_their_person(two_people, api_client):
    anna, ben = two_people
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(anna).access_token}")
    page = api_client.get("/api/v1/transactions/").json()
    assert [row["description"] for row in page["results"]] == ["Anna MARKET"]
    assert set(Transaction.objects.values_list("owner_id", flat=True)) == {anna.pk, ben.pk}
