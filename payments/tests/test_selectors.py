"""What the bills selectors show: due dates as the user sees them (short months, last day, fortnightly),
overdue first, paused bills left out, the next payday and what is due before it, and the month grid."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from payments import selectors, services
from payments.models import BillOccurrence, Frequency, OccurrenceStatus
from transactions.tests.factories import TransactionFactory

TODAY = date(2026, 11, 21)  # a Saturday


def bill(user, *, name="Rent", amount="900.00", frequency=Frequency.MONTHLY, start=date(2026, 1, 1), today=TODAY,
         **extra):
    return services.recurring_payment_create(
        user=user, name=name, payee=extra.pop("payee", name.upper()), amount=Decimal(amount), currency="EUR",
        frequency=frequency, start_date=start, today=today, **extra)


def dues(items) -> list[tuple[str, date, str]]:
    return [(item.payment.name, item.due_date, item.status) for item in items]


def salary_history(account, *, until=TODAY, months=12):
    """Monthly +2500 "ACME GMBH SALARY" on the 28th."""
    day = date(until.year, until.month, 28)
    if day > until:
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=28)
    for _ in range(months):
        TransactionFactory(account=account, date=day, amount=Decimal("2500.00"), description="ACME GMBH SALARY")
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=28)


@pytest.mark.django_db
class TestSchedulesAsSeen:
    def test_monthly_on_the_31st_falls_on_the_last_day_of_short_months(self, owner):
        bill(owner, name="Rent", start=date(2027, 2, 1), day_of_month=31, today=date(2027, 2, 1))
        got = selectors.upcoming_bills(user=owner, today=date(2027, 2, 1), days=60)
        assert [item.due_date for item in got] == [date(2027, 2, 28), date(2027, 3, 31)]

    def test_leap_february_has_the_29th(self, owner):
        bill(owner, name="Rent", start=date(2028, 2, 1), day_of_month=31, today=date(2028, 2, 1))
        got = selectors.upcoming_bills(user=owner, today=date(2028, 2, 1), days=30)
        assert [item.due_date for item in got] == [date(2028, 2, 29)]

    def test_last_day_of_the_month(self, owner):
        bill(owner, name="Card", frequency=Frequency.MONTHLY_LAST_DAY, start=date(2026, 11, 1))
        got = selectors.upcoming_bills(user=owner, today=TODAY, days=100)
        assert [item.due_date for item in got] == [date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31),
                                                   date(2027, 2, 28)]

    def test_every_two_weeks(self, owner):
        bill(owner, name="Cleaner", frequency=Frequency.EVERY_N_WEEKS, interval=2, start=date(2026, 11, 27))
        got = selectors.upcoming_bills(user=owner, today=TODAY, days=30)
        assert [item.due_date for item in got] == [date(2026, 11, 27), date(2026, 12, 11)]
        assert [item.days_left for item in got] == [6, 20]

    def test_frequency_in_words(self, owner):
        assert selectors.frequency_text(bill(owner, day_of_month=31)) == "Monthly on the 31st"
        assert selectors.frequency_text(bill(owner, name="B", frequency=Frequency.EVERY_N_WEEKS, interval=2)) \
            == "Every 2 weeks"
        assert selectors.frequency_text(bill(owner, name="C", frequency=Frequency.MONTHLY_LAST_DAY)) \
            == "Monthly on the last day"
        assert selectors.frequency_text(bill(owner, name="D", day_of_month=2)) == "Monthly on the 2nd"
        assert selectors.frequency_text(bill(owner, name="E", frequency=Frequency.YEARLY, start=date(2024, 2, 29))) \
            == "Yearly on 29 February"


@pytest.mark.django_db
class TestUpcoming:
    def test_overdue_first_then_by_date_with_a_range_and_paid(self, owner):
        rent = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        power = bill(owner, name="Power", amount="60.00", amount_max=Decimal("90.00"), day_of_month=25,
                     start=date(2026, 1, 25), today=date(2026, 1, 20))
        # Power's October bill was missed: the nightly run marks it overdue.
        services.bills_mark_overdue(user=owner, today=date(2026, 11, 1), payments=[power])
        power.refresh_from_db()
        BillOccurrence.objects.filter(recurring_payment=power, due_date__lt=date(2026, 10, 25)).update(
            status=OccurrenceStatus.PAID)
        got = selectors.upcoming_bills(user=owner, today=TODAY, days=30)
        assert dues(got) == [("Power", date(2026, 10, 25), "overdue"), ("Power", date(2026, 11, 25), "upcoming"),
                             ("Rent", date(2026, 12, 1), "upcoming")]
        assert (got[1].amount, got[1].amount_max) == (Decimal("60.00"), Decimal("90.00"))
        assert got[0].days_left == -27
        # Paying November early: it stays in the list as paid, and the bill moves on.
        services.occurrence_pay(payment=power, due_date=date(2026, 11, 25), paid_on=TODAY)
        got = selectors.upcoming_bills(user=owner, today=TODAY, days=30)
        assert ("Power", date(2026, 11, 25), "paid") in dues(got)
        rent.refresh_from_db()
        assert rent.next_due_date == date(2026, 12, 1)

    def test_days_window(self, owner):
        bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        assert selectors.upcoming_bills(user=owner, today=TODAY, days=7) == []
        assert len(selectors.upcoming_bills(user=owner, today=TODAY, days=60)) == 2

    def test_paused_bills_and_skipped_occurrences_are_left_out(self, owner):
        gym = bill(owner, name="Gym", day_of_month=1, start=date(2026, 12, 1))
        phone = bill(owner, name="Phone", day_of_month=5, start=date(2026, 12, 5))
        services.recurring_payment_pause(payment=gym, paused=True, today=TODAY)
        services.occurrence_skip(payment=phone, due_date=date(2026, 12, 5))
        assert dues(selectors.upcoming_bills(user=owner, today=TODAY, days=60)) == [
            ("Phone", date(2027, 1, 5), "upcoming")]

    def test_only_the_users_bills(self, owner, other_user):
        bill(other_user, name="Their rent", day_of_month=1, start=date(2026, 12, 1))
        assert selectors.upcoming_bills(user=owner, today=TODAY, days=30) == []
        theirs = selectors.recurring_payment_list(user=other_user).get()
        with pytest.raises(Http404):
            selectors.recurring_payment_get(user=owner, pk=theirs.pk)

    def test_constant_queries(self, owner, django_assert_max_num_queries):
        for n in range(30):
            bill(owner, name=f"Bill {n}", day_of_month=n % 28 + 1, start=date(2026, 1, 1))
        with django_assert_max_num_queries(2):
            got = selectors.upcoming_bills(user=owner, today=TODAY, days=30)
        assert {item.payment.name for item in got} == {f"Bill {n}" for n in range(30)}


@pytest.mark.django_db
class TestPayday:
    def test_detected_salary_and_totals_before_it(self, owner, account):
        salary_history(account)
        bill(owner, name="Rent", amount="900.00", day_of_month=1, start=date(2026, 12, 1))
        bill(owner, name="Power", amount="60.00", amount_max=Decimal("90.00"), day_of_month=25,
             start=date(2026, 11, 25))
        bill(owner, name="Gym", amount="30.00", day_of_month=27, start=date(2026, 11, 27))
        bill(owner, name="Phone", amount="20.00", day_of_month=28, start=date(2026, 11, 28))  # on payday: after
        payday = selectors.next_payday(user=owner, today=TODAY)
        assert payday.source == "salary"
        assert payday.date == date(2026, 11, 27)  # the 28th is a Saturday: paid on the Friday before
        assert "ACME" in payday.label.upper() and payday.label.startswith("Fri 27 Nov")
        due = selectors.due_before_payday(user=owner, today=TODAY)
        # Power at its upper bound; the gym on payday itself and the phone after it are not counted.
        assert due["totals"] == [("EUR", Decimal("90.00"))]

    def test_profile_income_assumes_the_first(self, owner):
        owner.financial_profile.monthly_net_income = Decimal("3000.00")
        owner.financial_profile.save()
        bill(owner, name="Power", amount="60.00", day_of_month=25, start=date(2026, 11, 25))
        payday = selectors.next_payday(user=owner, today=TODAY)
        assert (payday.date, payday.source) == (date(2026, 12, 1), "profile")
        assert "1st" in payday.label
        assert selectors.due_before_payday(user=owner, today=TODAY)["totals"] == [("EUR", Decimal("60.00"))]

    def test_unknown(self, owner):
        assert selectors.next_payday(user=owner, today=TODAY) is None
        assert selectors.due_before_payday(user=owner, today=TODAY)["payday"] is None


@pytest.mark.django_db
class TestMonthCalendar:
    def test_grid_monday_to_sunday_with_bills_on_their_days(self, owner):
        bill(owner, name="Rent", day_of_month=31, start=date(2026, 1, 31), today=date(2026, 1, 20))
        weeks = selectors.month_calendar(user=owner, year=2028, month=2, today=TODAY)
        assert all(len(week) == 7 for week in weeks)
        assert weeks[0][0].date == date(2028, 1, 31) and weeks[0][0].date.weekday() == 0
        with_bills = {day.date: [b.payment.name for b in day.bills] for week in weeks for day in week if day.bills}
        # The grid's first day is Jan 31 (the previous month's bill) and Feb has its 29th in 2028.
        assert with_bills == {date(2028, 1, 31): ["Rent"], date(2028, 2, 29): ["Rent"]}
        assert selectors.month_totals(weeks=weeks) == [("EUR", Decimal("900.00"))]

    def test_today_and_paid(self, owner):
        rent = bill(owner, name="Rent", day_of_month=5, start=date(2026, 11, 5), today=date(2026, 11, 1))
        services.occurrence_pay(payment=rent, due_date=date(2026, 11, 5), paid_on=date(2026, 11, 4))
        weeks = selectors.month_calendar(user=owner, year=2026, month=11, today=TODAY)
        days = {day.date: day for week in weeks for day in week}
        assert days[TODAY].is_today and not days[date(2026, 11, 20)].is_today
        assert [b.status for b in days[date(2026, 11, 5)].bills] == ["paid"]
        assert [b.status for b in days[date(2026, 12, 5)].bills] == ["upcoming"]
