"""The bills pages as a signed-in user sees them: the list, add/edit/pause/delete, upcoming with what is due
before payday, marking paid or skipping, the month calendar; other people's bills stay out of sight."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from payments import services
from payments.models import BillOccurrence, Frequency, OccurrenceStatus, RecurringPayment
from payments.tests.test_selectors import TODAY, bill, salary_history
from transactions.tests.factories import AccountFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime(2026, 11, 21, 12, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def upcoming_names(client, days: int = 30) -> list[str]:
    """The bills listed on the upcoming page (not the flash messages above them)."""
    context = client.get(reverse("payments:upcoming"), {"days": days}).context
    return [bill.payment.name for bill in context["overdue"]] + [
        bill.payment.name for _due, bills in context["groups"] for bill in bills]


def form_data(**overrides) -> dict:
    data = {"name": "Rent", "payee": "Hausverwaltung", "amount": "900.00", "amount_max": "", "currency": "EUR",
            "account": "", "category": "", "frequency": "monthly", "interval": "1", "day_of_month": "",
            "start_date": "2026-12-01", "end_date": "", "reminder_lead_days": "", "is_active": "on", "notes": ""}
    return data | overrides


class TestList:
    def test_shows_bills_in_words(self, owner_client, owner, account):
        bill(owner, name="Rent", amount="900.00", day_of_month=31, start=date(2026, 12, 31), account=account,
             category=category("housing.rent") if _has("housing.rent") else None)
        bill(owner, name="Power", amount="60.00", amount_max=Decimal("90.00"), frequency=Frequency.MONTHLY_LAST_DAY,
             start=date(2026, 11, 30))
        cleaner = bill(owner, name="Cleaner", amount="80.00", frequency=Frequency.EVERY_N_WEEKS, interval=2,
                       start=date(2026, 11, 27))
        services.recurring_payment_pause(payment=cleaner, paused=True, today=TODAY)
        page = owner_client.get(reverse("payments:bills")).content.decode()
        assert "Monthly on the 31st" in page and "Monthly on the last day" in page and "Every 2 weeks" in page
        assert "EUR 900.00" in page and "EUR 60.00 to 90.00" in page
        assert "Main checking" in page
        assert "Thu 31 Dec 2026" in page
        assert "Paused" in page and "Resume" in page
        assert 'href="/bills/suggestions/"' in page

    def test_login_required(self, client):
        response = client.get(reverse("payments:bills"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_constant_queries(self, owner_client, owner, account, django_assert_max_num_queries):
        for n in range(3):
            bill(owner, name=f"Bill {n}", account=account, day_of_month=n + 1, start=date(2026, 12, 1))
        with django_assert_max_num_queries(12) as few:
            owner_client.get(reverse("payments:bills"))
        for n in range(3, 30):
            bill(owner, name=f"Bill {n}", account=account, day_of_month=n % 28 + 1, start=date(2026, 12, 1))
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = owner_client.get(reverse("payments:bills")).content.decode()
        assert page.count('id="bill-') == 30


def _has(key: str) -> bool:
    from transactions.models import Category

    return Category.objects.filter(key=key).exists()


class TestCreateEditDelete:
    def test_create(self, owner_client, owner, account):
        response = owner_client.post(reverse("payments:bill_create"), form_data(account=str(account.pk)))
        payment = RecurringPayment.objects.get(user=owner)
        assert response.status_code == 302 and response["Location"].endswith(f"#bill-{payment.pk}")
        assert (payment.name, payment.amount, payment.day_of_month, payment.next_due_date) == (
            "Rent", Decimal("900.00"), 1, date(2026, 12, 1))
        assert payment.account == account

    def test_form_defaults_to_preferred_currency(self, owner_client, owner):
        owner.financial_profile.preferred_currency = "CHF"
        owner.financial_profile.save()
        page = owner_client.get(reverse("payments:bill_create")).content.decode()
        assert '<option value="CHF" selected>' in page

    def test_errors_on_the_fields_and_nothing_saved(self, owner_client, owner):
        response = owner_client.post(reverse("payments:bill_create"), form_data(
            amount="50.00", amount_max="40.00", end_date="2026-01-01"))
        assert response.status_code == 200
        form = response.context["form"]
        assert "at least the expected amount" in form.errors["amount_max"][0]
        assert "not be before the start date" in form.errors["end_date"][0]
        assert not RecurringPayment.objects.exists()

    def test_bad_input_is_a_message_not_a_500(self, owner_client):
        response = owner_client.post(reverse("payments:bill_create"), form_data(
            amount="lots", frequency="fortnightly", start_date="31/02/2026", day_of_month="40", interval="-1"))
        assert response.status_code == 200
        assert set(response.context["form"].errors) >= {"amount", "frequency", "start_date", "day_of_month"}
        assert not RecurringPayment.objects.exists()

    def test_another_users_account_is_refused(self, owner_client, other_account):
        response = owner_client.post(reverse("payments:bill_create"), form_data(account=str(other_account.pk)))
        assert response.status_code == 200 and "account" in response.context["form"].errors
        assert not RecurringPayment.objects.exists()

    def test_every_n_weeks_needs_the_interval_and_ignores_the_day(self, owner_client, owner):
        response = owner_client.post(reverse("payments:bill_create"), form_data(
            frequency="every_n_weeks", interval="", day_of_month="15"))
        assert "interval" in response.context["form"].errors
        owner_client.post(reverse("payments:bill_create"), form_data(
            frequency="every_n_weeks", interval="2", day_of_month="15", start_date="2026-11-27"))
        payment = RecurringPayment.objects.get(user=owner)
        assert (payment.interval, payment.day_of_month, payment.next_due_date) == (2, None, date(2026, 11, 27))

    def test_edit(self, owner_client, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        page = owner_client.get(reverse("payments:bill_edit", args=[payment.pk])).content.decode()
        assert 'value="Rent"' in page
        response = owner_client.post(reverse("payments:bill_edit", args=[payment.pk]),
                                     form_data(name="Flat rent", amount="950.00", day_of_month="3"))
        assert response.status_code == 302
        payment.refresh_from_db()
        assert (payment.name, payment.amount, payment.next_due_date) == ("Flat rent", Decimal("950.00"),
                                                                        date(2026, 12, 3))

    def test_edit_error_changes_nothing(self, owner_client, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        response = owner_client.post(reverse("payments:bill_edit", args=[payment.pk]),
                                     form_data(name="Other", payee="   "))
        assert response.status_code == 200 and "payee" in response.context["form"].errors
        payment.refresh_from_db()
        assert payment.name == "Rent"

    def test_delete_confirms_then_deletes(self, owner_client, owner):
        payment = bill(owner)
        page = owner_client.get(reverse("payments:bill_delete", args=[payment.pk])).content.decode()
        assert "Delete the bill “Rent”?" in page
        assert RecurringPayment.objects.exists()
        owner_client.post(reverse("payments:bill_delete", args=[payment.pk]))
        assert not RecurringPayment.objects.exists()

    def test_pause_hides_from_upcoming_and_resume_brings_it_back(self, owner_client, owner):
        payment = bill(owner, name="Gym", day_of_month=1, start=date(2026, 12, 1))
        owner_client.post(reverse("payments:bill_pause", args=[payment.pk]))
        payment.refresh_from_db()
        assert not payment.is_active
        assert upcoming_names(owner_client) == []
        owner_client.post(reverse("payments:bill_pause", args=[payment.pk]))
        payment.refresh_from_db()
        assert payment.is_active
        assert upcoming_names(owner_client) == ["Gym"]


class TestUpcomingPage:
    def test_grouped_by_date_with_overdue_first(self, owner_client, owner):
        power = bill(owner, name="Power", amount="60.00", day_of_month=25, start=date(2026, 10, 25),
                     today=date(2026, 10, 20))
        services.bills_mark_overdue(user=owner, today=date(2026, 11, 1), payments=[power])
        bill(owner, name="Rent", amount="900.00", day_of_month=1, start=date(2026, 12, 1))
        page = owner_client.get(reverse("payments:upcoming")).content.decode()
        assert page.index("Overdue since 25 Oct") < page.index("Wednesday 25 November") < page.index(
            "Tuesday 1 December")
        assert "Rent" in page

    def test_days_tabs_and_bad_values(self, owner_client, owner):
        bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        bill(owner, name="Insurance", day_of_month=10, start=date(2027, 1, 10))
        assert "Insurance" not in owner_client.get(reverse("payments:upcoming") + "?days=30").content.decode()
        assert "Insurance" in owner_client.get(reverse("payments:upcoming") + "?days=60").content.decode()
        assert "Rent" not in owner_client.get(reverse("payments:upcoming") + "?days=7").content.decode()
        for bad in ("abc", "-5", "31", "999999999999999999999", ""):
            response = owner_client.get(reverse("payments:upcoming"), {"days": bad})
            assert response.status_code == 200 and response.context["days"] == 30

    def test_due_before_payday_from_the_salary(self, owner_client, owner, account):
        salary_history(account)
        bill(owner, name="Power", amount="60.00", amount_max=Decimal("90.00"), day_of_month=25,
             start=date(2026, 11, 25))
        bill(owner, name="Internet", amount="40.00", day_of_month=26, start=date(2026, 11, 26))
        bill(owner, name="Rent", amount="900.00", day_of_month=1, start=date(2026, 12, 1))
        page = owner_client.get(reverse("payments:upcoming")).content.decode()
        assert "Due before your next payday (Fri 27 Nov, from" in page
        assert "EUR 130.00" in page

    def test_payday_unknown(self, owner_client):
        page = owner_client.get(reverse("payments:upcoming")).content.decode()
        assert "Set your monthly income in your" in page and "import your salary" in page

    def test_mark_paid_advances_the_next_due_date(self, owner_client, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        response = owner_client.post(reverse("payments:occurrence_pay", args=[payment.pk, "2026-12-01"]),
                                     {"next": "/bills/upcoming/?days=60"})
        assert response.status_code == 302 and response["Location"] == "/bills/upcoming/?days=60"
        payment.refresh_from_db()
        assert payment.next_due_date == date(2027, 1, 1)
        occurrence = BillOccurrence.objects.get(recurring_payment=payment)
        assert (occurrence.status, occurrence.paid_on, occurrence.amount_paid) == (
            OccurrenceStatus.PAID, TODAY, Decimal("900.00"))
        page = owner_client.get(reverse("payments:upcoming")).content.decode()
        assert "Paid" in page

    def test_skip(self, owner_client, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        owner_client.post(reverse("payments:occurrence_skip", args=[payment.pk, "2026-12-01"]))
        payment.refresh_from_db()
        assert payment.next_due_date == date(2027, 1, 1)
        assert upcoming_names(owner_client) == []

    def test_bad_dates_never_500(self, owner_client, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        for bad in ("2026-02-30", "20261201", "tomorrow", "9999-99-99"):
            response = owner_client.post(f"/bills/{payment.pk}/occurrences/{bad}/pay/")
            assert response.status_code == 404
        # A real date the bill is not due on: a message, nothing changes.
        response = owner_client.post(reverse("payments:occurrence_pay", args=[payment.pk, "2026-12-02"]),
                                     follow=True)
        assert "Rent is not due on 2 Dec 2026." in response.content.decode()
        assert not BillOccurrence.objects.exists()

    def test_constant_queries(self, owner_client, owner, account, django_assert_max_num_queries):
        salary_history(account)
        for n in range(3):
            bill(owner, name=f"Bill {n}", account=account, day_of_month=n + 1, start=date(2026, 12, 1))
        with django_assert_max_num_queries(20) as few:
            owner_client.get(reverse("payments:upcoming"))
        for n in range(3, 30):
            bill(owner, name=f"Bill {n}", account=account, day_of_month=n % 28 + 1, start=date(2026, 12, 1))
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = owner_client.get(reverse("payments:upcoming")).content.decode()
        assert "Bill 29" in page


class TestCalendarPage:
    def test_month_grid(self, owner_client, owner):
        rent = bill(owner, name="Rent", amount="900.00", day_of_month=31, start=date(2026, 10, 31),
                    today=date(2026, 10, 20))
        services.occurrence_pay(payment=rent, due_date=date(2026, 10, 31), paid_on=date(2026, 10, 30))
        bill(owner, name="Gym", amount="30.00", frequency=Frequency.EVERY_N_WEEKS, interval=2,
             start=date(2026, 11, 6), today=date(2026, 11, 1))
        response = owner_client.get(reverse("payments:calendar"), {"month": "2026-11"})
        page = response.content.decode()
        weeks = response.context["weeks"]
        assert weeks[0][0].date == date(2026, 10, 26) and weeks[-1][-1].date == date(2026, 12, 6)
        assert "Bills in November 2026" in page
        assert 'data-day="2026-11-21" aria-current="date"' in page
        days = {day.date: [(b.payment.name, b.status) for b in day.bills] for week in weeks for day in week}
        assert days[date(2026, 10, 31)] == [("Rent", "paid")]
        assert days[date(2026, 11, 30)] == [("Rent", "upcoming")]
        assert days[date(2026, 11, 20)] == [("Gym", "upcoming")]
        # November: rent once, the gym on the 6th and 20th (the 6th was missed: overdue).
        assert "EUR 960.00" in page
        assert '?month=2026-10' in page and '?month=2026-12' in page

    def test_february_on_the_31st(self, owner_client, owner):
        bill(owner, name="Rent", day_of_month=31, start=date(2026, 12, 31))
        for month, last in (("2027-02", date(2027, 2, 28)), ("2028-02", date(2028, 2, 29))):
            weeks = owner_client.get(reverse("payments:calendar"), {"month": month}).context["weeks"]
            rent_days = [day.date for week in weeks for day in week if day.in_month and day.bills]
            assert rent_days == [last]

    def test_bad_month_is_the_current_month(self, owner_client):
        for bad in ("2026-13", "nope", "0000-01", "99999-01", "2026-00", ""):
            response = owner_client.get(reverse("payments:calendar"), {"month": bad})
            assert response.status_code == 200 and response.context["first"] == date(2026, 11, 1)

    def test_constant_queries(self, owner_client, owner, django_assert_max_num_queries):
        for n in range(3):
            bill(owner, name=f"Bill {n}", day_of_month=n + 1, start=date(2026, 11, 1))
        with django_assert_max_num_queries(12) as few:
            owner_client.get(reverse("payments:calendar"))
        for n in range(3, 30):
            bill(owner, name=f"Bill {n}", day_of_month=n % 28 + 1, start=date(2026, 11, 1))
        with django_assert_max_num_queries(len(few.captured_queries)):
            owner_client.get(reverse("payments:calendar"))


class TestIsolation:
    def test_another_users_bill_is_a_404_everywhere(self, owner_client, other_user):
        theirs = bill(other_user, name="Their rent", day_of_month=1, start=date(2026, 12, 1))
        for name in ("payments:bill_edit", "payments:bill_delete"):
            assert owner_client.get(reverse(name, args=[theirs.pk])).status_code == 404
        for name in ("payments:bill_edit", "payments:bill_delete", "payments:bill_pause"):
            assert owner_client.post(reverse(name, args=[theirs.pk]), form_data()).status_code == 404
        for name in ("payments:occurrence_pay", "payments:occurrence_skip"):
            assert owner_client.post(reverse(name, args=[theirs.pk, "2026-12-01"])).status_code == 404
        theirs.refresh_from_db()
        assert (theirs.name, theirs.is_active, theirs.next_due_date) == ("Their rent", True, date(2026, 12, 1))
        assert not BillOccurrence.objects.exists()
        for name in ("payments:bills", "payments:upcoming", "payments:calendar"):
            page = owner_client.get(reverse(name)).content.decode()
            assert "Their rent" not in page

    def test_another_users_account_elsewhere_is_not_offered(self, owner_client, other_user):
        AccountFactory(owner=other_user, name="Oscar's secret account")
        assert "Oscar's secret account" not in owner_client.get(reverse("payments:bill_create")).content.decode()


class TestAdmin:
    def test_admins_see_bills_occurrences_and_suggestions(self, client, owner):
        from accounts.models import Role
        from accounts.services import role_grant
        from accounts.tests.factories import UserFactory

        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        services.occurrence_pay(payment=payment, due_date=date(2026, 12, 1), paid_on=TODAY)
        client.force_login(role_grant(user=UserFactory(email="admin@example.com"), role=Role.ADMIN))
        page = client.get("/admin/payments/recurringpayment/", {"q": "owner@example.com"}).content.decode()
        assert "Rent" in page
        assert client.get(f"/admin/payments/recurringpayment/{payment.pk}/change/").status_code == 200
        assert client.get("/admin/payments/billoccurrence/", {"status__exact": "paid"}).status_code == 200
        assert client.get("/admin/payments/subscriptionsuggestion/", {"status__exact": "pending"}).status_code == 200

    def test_not_for_users(self, owner_client):
        assert owner_client.get("/admin/payments/recurringpayment/").status_code == 302
