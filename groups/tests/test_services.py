"""Group services: expenses in another currency, the activity log, linking a ledger transaction, members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from groups import services
from groups.models import ActivityVerb, GroupActivity, Membership, SplitMode
from groups.selectors import activity_list, group_balances
from groups.services import Part
from transactions.currency import convert
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db

MARCH_15 = dt.date(2024, 3, 15)  # a Friday with an ECB fixing


@pytest.fixture
def flat(owner):
    group = services.group_create(user=owner, name="Flat", currency="EUR")
    bea = UserFactory(display_name="Bea")
    cai = UserFactory(display_name="Cai")
    Membership.objects.bulk_create([Membership(group=group, user=bea), Membership(group=group, user=cai)])
    return group, owner, bea, cai


def _add(group, user, **kwargs):
    defaults = {"description": "Groceries", "amount": Decimal("100.00"), "on": dt.date(2026, 3, 2),
                "payers": [Part(user.pk)], "shares": [Part(user.pk)]}
    return services.expense_create(group=group, user=user, **(defaults | kwargs))


def _cents(rows, attribute):
    return {row.user_id: getattr(row, attribute) for row in rows}


# --- multi-currency ----------------------------------------------------------------------------------------

def test_a_usd_expense_in_a_eur_group_is_converted_at_the_ecb_rate_of_its_date(flat):
    group, olivia, bea, cai = flat
    rate = convert(Decimal(1), "USD", "EUR", MARCH_15).rate

    expense = _add(group, olivia, currency="usd", on=MARCH_15, amount=Decimal("100.00"),
                   payers=[Part(olivia.pk, "60"), Part(bea.pk, "40")],
                   shares=[Part(olivia.pk), Part(bea.pk), Part(cai.pk)])

    assert expense.fx_rate == rate
    assert (expense.original_amount, expense.original_currency) == (Decimal("100.00"), "USD")
    assert expense.total == Decimal("91.81")  # 100 USD x 0.9181...
    paid = _cents(expense.payers.all(), "paid_cents")
    assert paid == {olivia.pk: 5509, bea.pk: 3672}  # 60:40 of 91.81, the odd cent to the larger remainder
    owed = _cents(expense.shares.all(), "owed_cents")
    assert sorted(owed.values()) == [3060, 3060, 3061]
    assert sum(paid.values()) == sum(owed.values()) == expense.total_cents


def test_exact_parts_typed_in_dollars_are_prorated_to_the_euro_total(flat):
    group, olivia, bea, cai = flat

    expense = _add(group, olivia, currency="USD", on=MARCH_15, split_mode=SplitMode.EXACT,
                   shares=[Part(olivia.pk, "50"), Part(bea.pk, "30"), Part(cai.pk, "20")])

    owed = _cents(expense.shares.all(), "owed_cents")
    assert owed == {olivia.pk: 4591, bea.pk: 2754, cai.pk: 1836}
    assert sum(owed.values()) == expense.total_cents == 9181


def test_dollar_parts_that_do_not_add_up_to_the_dollar_amount_are_refused(flat):
    group, olivia, bea, _ = flat

    with pytest.raises(ValidationError) as error:
        _add(group, olivia, currency="USD", on=MARCH_15, split_mode=SplitMode.EXACT,
             shares=[Part(olivia.pk, "50"), Part(bea.pk, "30")])
    assert error.value.message_dict == {"shares": ["The parts add up to 80.00, not the total of 100.00."]}


def test_a_currency_without_a_rate_for_the_date_is_refused_with_a_message(flat):
    group, olivia, _, _ = flat

    with pytest.raises(ValidationError) as error:
        _add(group, olivia, currency="USD", on=dt.date(1990, 1, 2))
    assert error.value.message_dict == {"currency": ["No exchange rate from USD to EUR for 2 Jan 1990."]}


def test_an_expense_in_the_group_currency_keeps_rate_one(flat):
    group, olivia, bea, _ = flat

    expense = _add(group, olivia, amount=Decimal("12.34"), shares=[Part(olivia.pk), Part(bea.pk)])

    assert (expense.total_cents, expense.fx_rate, expense.original_currency) == (1234, Decimal(1), "EUR")
    assert group_balances(group=group) == {olivia.pk: 617, bea.pk: -617}


# --- activity ----------------------------------------------------------------------------------------------

def test_adding_editing_deleting_and_settling_each_leave_a_line_in_the_activity(flat):
    group, olivia, bea, _ = flat
    expense = _add(group, olivia, payers=[Part(olivia.pk, "50"), Part(bea.pk, "50")],
                   shares=[Part(olivia.pk), Part(bea.pk)])
    services.expense_update(expense=expense, user=bea, description="Groceries", amount=Decimal("120.00"),
                            currency=None, on=expense.date, payers=[Part(olivia.pk)],
                            shares=[Part(olivia.pk), Part(bea.pk)], split_mode=SplitMode.EQUAL)
    services.settlement_create(group=group, user=bea, payer_id=bea.pk, payee_id=olivia.pk, amount="60.00")
    services.expense_delete(expense=expense, user=olivia)

    lines = [(a.verb, a.summary) for a in activity_list(group=group)]
    assert lines == [
        (ActivityVerb.EXPENSE_DELETED, "Olivia Owner deleted “Groceries” of 2 Mar 2026 (EUR 120.00)"),
        (ActivityVerb.SETTLED, "Bea paid Olivia Owner EUR 60.00"),
        (ActivityVerb.EXPENSE_EDITED, "Bea edited “Groceries” (EUR 100.00 → EUR 120.00)"),
        (ActivityVerb.EXPENSE_ADDED, "Olivia Owner added “Groceries” (EUR 100.00)"),
        (ActivityVerb.CREATED, "Olivia Owner created the group"),
    ]


def test_the_activity_line_outlives_the_expense(flat):
    group, olivia, _, _ = flat
    expense = _add(group, olivia)
    services.expense_delete(expense=expense, user=olivia)

    added = GroupActivity.objects.get(group=group, verb=ActivityVerb.EXPENSE_ADDED)
    assert added.expense is None
    assert added.summary == "Olivia Owner added “Groceries” (EUR 100.00)"


# --- linking a ledger transaction --------------------------------------------------------------------------

def test_a_payer_links_their_own_transaction_and_an_edit_keeps_it(flat, account):
    group, olivia, bea, _ = flat
    txn = TransactionFactory(account=account, amount=Decimal("-100.00"))

    expense = _add(group, olivia, shares=[Part(olivia.pk), Part(bea.pk)], transaction_id=txn.pk)
    assert expense.payers.get(user=olivia).transaction == txn

    services.expense_update(expense=expense, user=olivia, description="Big shop", amount=Decimal("100.00"),
                            currency=None, on=expense.date, payers=[Part(olivia.pk)],
                            shares=[Part(olivia.pk), Part(bea.pk)], split_mode=SplitMode.EQUAL)
    assert expense.payers.get(user=olivia).transaction == txn


def test_someone_elses_transaction_cannot_be_linked(flat, other_account):
    group, olivia, _, _ = flat
    theirs = TransactionFactory(account=other_account)

    with pytest.raises(ValidationError) as error:
        _add(group, olivia, transaction_id=theirs.pk)
    assert error.value.message_dict == {"transaction": ["Link one of your own transactions."]}


def test_only_a_payer_links_a_transaction(flat, account):
    group, olivia, bea, _ = flat
    txn = TransactionFactory(account=account)

    with pytest.raises(ValidationError) as error:
        _add(group, olivia, payers=[Part(bea.pk)], transaction_id=txn.pk)
    assert error.value.message_dict == {"transaction": ["Only a payer can link their own transaction."]}


# --- members and invites -----------------------------------------------------------------------------------

def test_a_member_with_a_balance_cannot_leave_or_be_removed(flat):
    group, olivia, bea, _ = flat
    _add(group, olivia, shares=[Part(olivia.pk), Part(bea.pk)])

    with pytest.raises(ValidationError, match=r"once you are settled up; you owe EUR 50\.00"):
        services.member_leave(group=group, user=bea)
    with pytest.raises(ValidationError, match=r"Bea still owes EUR 50\.00; settle up first"):
        services.member_remove(group=group, owner=olivia, member=bea)

    services.settlement_create(group=group, user=bea, payer_id=bea.pk, payee_id=olivia.pk, amount="50")
    services.member_leave(group=group, user=bea)
    assert not group.memberships.filter(user=bea, left_at__isnull=True).exists()


def test_only_the_owner_removes_members_or_invites(flat):
    group, olivia, bea, cai = flat

    with pytest.raises(PermissionDenied, match="Only the group's owner"):
        services.member_remove(group=group, owner=bea, member=cai)
    with pytest.raises(PermissionDenied):
        services.invite_create(group=group, inviter=bea, email="dan@example.com")


def test_an_invite_emails_someone_without_an_account_after_commit(flat, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    group, olivia, _, _ = flat

    with django_capture_on_commit_callbacks(execute=True):
        invite = services.invite_create(group=group, inviter=olivia, email="Dan@Example.com")

    assert invite.email == "dan@example.com"
    assert [m.to for m in mailoutbox] == [["dan@example.com"]]
    assert invite.token in mailoutbox[0].body
    dan = UserFactory(email="dan@example.com", display_name="Dan")
    services.invite_accept(invite=invite, user=dan)
    assert group.memberships.filter(user=dan, left_at__isnull=True).exists()
    with pytest.raises(ValidationError, match="already accepted"):
        services.invite_decline(invite=invite, user=dan)


# --- who may change what -----------------------------------------------------------------------------------

def test_an_expense_is_changed_only_by_whoever_added_it_its_payers_or_the_owner(flat):
    group, olivia, bea, cai = flat
    expense = _add(group, bea, payers=[Part(bea.pk, "70"), Part(cai.pk, "30")], shares=[Part(bea.pk), Part(cai.pk)])
    dinner = _add(group, bea, description="Dinner", shares=[Part(bea.pk), Part(cai.pk)])
    change = {"description": "Groceries", "amount": Decimal("80.00"), "currency": None, "on": expense.date,
              "payers": [Part(bea.pk)], "shares": [Part(bea.pk), Part(cai.pk)], "split_mode": SplitMode.EQUAL}

    with pytest.raises(PermissionDenied, match="Only the person who added this expense, the people who paid it or "
                                               "the group's owner can change or delete it."):
        services.expense_update(expense=dinner, user=cai, **change)  # cai only shares the dinner
    with pytest.raises(PermissionDenied):
        services.expense_delete(expense=dinner, user=cai)
    dinner.refresh_from_db()
    assert (dinner.description, dinner.total_cents) == ("Dinner", 10000)

    services.expense_update(expense=expense, user=cai, **change)  # a payer
    services.expense_update(expense=expense, user=bea, **change | {"amount": Decimal("90.00")})  # who added it
    services.expense_delete(expense=dinner, user=olivia)  # the owner, who neither added nor shares it
    assert [e.description for e in group.expenses.all()] == ["Groceries"]
    assert group_balances(group=group) == {bea.pk: 4500, cai.pk: -4500}


def test_a_payment_is_deleted_only_by_whoever_recorded_it_its_payer_or_the_owner(flat):
    group, olivia, bea, cai = flat
    _add(group, bea, shares=[Part(bea.pk), Part(cai.pk)])
    payment = services.settlement_create(group=group, user=cai, payer_id=cai.pk, payee_id=bea.pk, amount="50",
                                         on=dt.date(2026, 3, 3))

    with pytest.raises(PermissionDenied, match="Only the person who recorded this payment, the one who paid it or "
                                               "the group's owner can delete it."):
        services.settlement_delete(settlement=payment, user=bea)  # the payee would be owed 50 more
    assert group_balances(group=group)[bea.pk] == 0

    services.settlement_delete(settlement=payment, user=olivia)
    assert group_balances(group=group)[bea.pk] == 5000
    latest = activity_list(group=group).first()
    assert (latest.verb, latest.actor, latest.summary) == (
        ActivityVerb.SETTLEMENT_DELETED, olivia, "Olivia Owner deleted the payment of EUR 50.00 from Cai to Bea "
                                                 "of 3 Mar 2026")


# --- invitations -------------------------------------------------------------------------------------------

def test_only_the_invited_address_answers_an_invitation(flat):
    group, olivia, _, _ = flat
    invite = services.invite_create(group=group, inviter=olivia, email="Jane@Example.com")
    holder = UserFactory(email="mallory@example.com")

    for answer in (services.invite_accept, services.invite_decline):
        with pytest.raises(PermissionDenied, match=r"This invitation was sent to j\*\*\*@example.com"):
            answer(invite=invite, user=holder)
    invite.refresh_from_db()
    assert invite.status == "pending"
    assert not group.memberships.filter(user=holder).exists()

    jane = UserFactory(email="jane@example.com")
    services.invite_accept(invite=invite, user=jane)
    assert group.memberships.filter(user=jane, left_at__isnull=True).exists()


def test_an_invitation_expires_after_the_configured_days_and_the_owner_sends_a_new_one(flat, settings,
                                                                                      time_machine):
    group, olivia, _, _ = flat
    settings.GROUP_INVITE_DAYS = 3
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False)
    old = services.invite_create(group=group, inviter=olivia, email="jane@example.com")
    jane = UserFactory(email="jane@example.com")
    assert old.expires_at == dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC)

    time_machine.move_to(dt.datetime(2026, 3, 4, 9, 1, tzinfo=dt.UTC), tick=False)
    with pytest.raises(ValidationError, match="This invitation expired on 4 Mar 2026. Ask the group's owner to "
                                              "send a new one."):
        services.invite_accept(invite=old, user=jane)

    new = services.invite_create(group=group, inviter=olivia, email="jane@example.com")
    old.refresh_from_db()
    assert (old.status, new.status) == ("expired", "pending") and new.token != old.token
    with pytest.raises(ValidationError, match="expired"):
        services.invite_accept(invite=old, user=jane)
    services.invite_accept(invite=new, user=jane)
    assert group.memberships.filter(user=jane, left_at__isnull=True).exists()


def test_withdrawing_an_invitation_is_in_the_activity(flat):
    group, olivia, _, _ = flat
    invite = services.invite_create(group=group, inviter=olivia, email="jane@example.com")
    services.invite_revoke(invite=invite, owner=olivia)
    latest = activity_list(group=group).first()
    assert (latest.verb, latest.summary) == (ActivityVerb.INVITE_REVOKED,
                                             "Olivia Owner withdrew the invitation to jane@example.com")
