"""Paying bills: a payment that arrives settles the occurrence and moves the bill on; a missed one is overdue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from payments import services
from payments.models import BillOccurrence, Frequency, OccurrenceStatus, RecurringPayment
from transactions.services import transaction_create
from transactions.tests.factories import AccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)


def rent(user, account=None, **overrides) -> RecurringPayment:
    fields = dict(user=user, name="Rent", payee="Hausverwaltung Meier", amount=Decimal("950.00"), currency="EUR",
                  frequency=Frequency.MONTHLY, day_of_month=1, start_date=dt.date(2026, 1, 1), account=account,
                  today=dt.date(2026, 10, 20))
    fields.update(overrides)
    return services.recurring_payment_create(**fields)


def pay(user, account, on, amount, description="HAUSVERWALTUNG MEIER MIETE 11/2026"):
    return TransactionFactory(owner=user, account=account, date=on, amount=Decimal(amount), currency="EUR",
                              description=description, merchant="")


def test_a_matching_payment_marks_the_occurrence_paid_and_advances_the_due_date(owner, account):
    bill = rent(owner, account)
    assert bill.next_due_date == dt.date(2026, 11, 1)
    txn = pay(owner, account, dt.date(2026, 10, 30), "-950.00")

    outcome = services.bills_match(user=owner, today=TODAY)

    occurrence = BillOccurrence.objects.get(recurring_payment=bill, due_date=dt.date(2026, 11, 1))
    assert (occurrence.status, occurrence.transaction, occurrence.amount_paid) == (OccurrenceStatus.PAID, txn,
                                                                                   Decimal("950.00"))
    assert outcome.paid == [occurrence]
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2026, 12, 1)
    # Running it again changes nothing and the same payment never settles December too.
    assert services.bills_match(user=owner, today=dt.date(2026, 12, 3)).paid == []
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2026, 12, 1)


@pytest.mark.parametrize(("on", "amount", "description", "matches"), [
    (dt.date(2026, 11, 3), "-960.00", "Hausverwaltung Meier", True),      # 1% more, 2 days late
    (dt.date(2026, 10, 27), "-950.00", "hausverwaltung  MEIER", True),    # 5 days early, odd spacing
    (dt.date(2026, 10, 26), "-950.00", "Hausverwaltung Meier", False),    # 6 days early: outside the window
    (dt.date(2026, 11, 2), "-1100.00", "Hausverwaltung Meier", False),    # 16% more: not this bill
    (dt.date(2026, 11, 2), "950.00", "Hausverwaltung Meier", False),      # money in, a refund
    (dt.date(2026, 11, 2), "-950.00", "Landlord Schmidt", False),         # another payee
])
def test_tolerance_on_amount_date_and_payee(owner, account, on, amount, description, matches):
    bill = rent(owner, account)
    pay(owner, account, on, amount, description)
    services.bills_match(user=owner, today=dt.date(2026, 11, 4))
    bill.refresh_from_db()
    assert (bill.next_due_date == dt.date(2026, 12, 1)) is matches


def test_a_range_bill_matches_anything_inside_the_range(owner, account):
    power = rent(owner, account, name="Electricity", payee="Stadtwerke", amount=Decimal("60"),
                 amount_max=Decimal("140"), day_of_month=15)
    pay(owner, account, dt.date(2026, 11, 14), "-131.40", "STADTWERKE MUENCHEN ABSCHLAG")
    services.bills_match(user=owner, today=TODAY)
    power.refresh_from_db()
    assert power.next_due_date == dt.date(2026, 12, 15)


def test_a_bill_tied_to_an_account_ignores_payments_from_other_accounts(owner, account):
    savings = AccountFactory(owner=owner, name="Savings")
    bill = rent(owner, account)
    pay(owner, savings, dt.date(2026, 11, 1), "-950.00")
    services.bills_match(user=owner, today=dt.date(2026, 11, 3))
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2026, 11, 1)


def test_a_missed_bill_becomes_overdue_and_a_late_payment_still_settles_it(owner, account):
    bill = rent(owner, account)
    outcome = services.bills_match(user=owner, today=dt.date(2026, 11, 7))
    assert [(o.due_date, o.status) for o in outcome.overdue] == [(dt.date(2026, 11, 1), OccurrenceStatus.OVERDUE)]
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2026, 12, 1)   # December is still reminded

    pay(owner, account, dt.date(2026, 11, 12), "-950.00")
    services.bills_match(user=owner, today=dt.date(2026, 11, 13))
    november = BillOccurrence.objects.get(recurring_payment=bill, due_date=dt.date(2026, 11, 1))
    assert (november.status, november.paid_on) == (OccurrenceStatus.PAID, dt.date(2026, 11, 12))
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2026, 12, 1)


def test_each_payment_settles_one_occurrence_of_a_weekly_bill(owner, account):
    cleaning = rent(owner, account, name="Cleaning", payee="Anna Cleaning", amount=Decimal("45"),
                    frequency=Frequency.WEEKLY, start_date=dt.date(2026, 11, 2), day_of_month=None,
                    today=dt.date(2026, 11, 2))
    pay(owner, account, dt.date(2026, 11, 2), "-45.00", "ANNA CLEANING")
    pay(owner, account, dt.date(2026, 11, 9), "-45.00", "ANNA CLEANING")
    services.bills_match(user=owner, today=dt.date(2026, 11, 10))
    statuses = dict(BillOccurrence.objects.filter(recurring_payment=cleaning).values_list("due_date", "status"))
    assert statuses == {dt.date(2026, 11, 2): "paid", dt.date(2026, 11, 9): "paid"}
    cleaning.refresh_from_db()
    assert cleaning.next_due_date == dt.date(2026, 11, 16)


def test_typing_in_a_payment_settles_the_bill(owner, account, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        bill = rent(owner, account, today=None)
        assert bill.next_due_date == dt.date(2026, 12, 1)
        with django_capture_on_commit_callbacks(execute=True):
            transaction_create(user=owner, account=account, on=dt.date(2026, 11, 30), amount=Decimal("-950.00"),
                               description="Hausverwaltung Meier Miete")
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2027, 1, 1)
    assert BillOccurrence.objects.get(recurring_payment=bill).status == OccurrenceStatus.PAID


def test_paused_bills_are_not_matched_and_resume_from_today(owner, account):
    bill = rent(owner, account)
    services.recurring_payment_pause(payment=bill, paused=True, today=dt.date(2026, 10, 25))
    pay(owner, account, dt.date(2026, 11, 1), "-950.00")
    services.bills_match(user=owner, today=dt.date(2026, 12, 20))
    assert not BillOccurrence.objects.filter(recurring_payment=bill).exists()
    services.recurring_payment_pause(payment=bill, paused=False, today=dt.date(2027, 2, 10))
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2027, 3, 1)


def test_other_users_transactions_never_pay_my_bill(owner, other_user, account, other_account):
    bill = rent(owner, account)
    pay(other_user, other_account, dt.date(2026, 11, 1), "-950.00")
    services.bills_match(user=owner, today=dt.date(2026, 11, 3))
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2026, 11, 1)


def test_paying_by_hand_and_skipping(owner, account):
    bill = rent(owner, account)
    services.occurrence_pay(payment=bill, due_date=dt.date(2026, 11, 1), paid_on=dt.date(2026, 11, 1))
    services.occurrence_skip(payment=bill, due_date=dt.date(2026, 12, 1))
    bill.refresh_from_db()
    assert bill.next_due_date == dt.date(2027, 1, 1)
    with pytest.raises(services.ValidationError, match="not due on"):
        services.occurrence_pay(payment=bill, due_date=dt.date(2027, 1, 2), paid_on=dt.date(2027, 1, 2))
    with pytest.raises(services.ValidationError, match="already paid"):
        services.occurrence_pay(payment=bill, due_date=dt.date(2026, 11, 1), paid_on=dt.date(2026, 11, 1))


def test_bad_input_is_refused_and_nothing_is_saved(owner, other_account):
    with pytest.raises(services.ValidationError) as error:
        rent(owner, other_account, amount=Decimal("-5"), amount_max=Decimal("-10"), payee=" ")
    assert set(error.value.message_dict) == {"amount", "amount_max", "payee", "account"}
    assert not RecurringPayment.objects.exists()
