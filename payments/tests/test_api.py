"""The bills API: CRUD with field errors, pause and resume, paying and skipping occurrences, upcoming with
the payday, another user's bills out of reach, and list query counts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from payments import services
from payments.models import BillOccurrence, OccurrenceStatus, RecurringPayment
from payments.tests.test_selectors import TODAY, bill, salary_history

pytestmark = pytest.mark.django_db

BILLS = "/api/v1/bills/"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime(2026, 11, 21, 12, 0, tzinfo=UTC), tick=False):
        yield


def payload(**overrides) -> dict:
    data = {"name": "Rent", "payee": "Hausverwaltung", "amount": "900.00", "currency": "EUR",
            "frequency": "monthly", "day_of_month": 31, "start_date": "2026-12-31"}
    return data | overrides


class TestCrud:
    def test_create_and_read_back(self, owner_api, owner, account):
        response = owner_api.post(BILLS, payload(account=account.pk, reminder_lead_days=3), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["next_due_date"] == "2026-12-31"
        assert body["frequency_display"] == "Monthly on the 31st"
        assert (body["amount"], body["amount_max"], body["currency"]) == ("900.00", None, "EUR")
        assert (body["reminder_lead_days"], body["is_active"], body["source"]) == (3, True, "manual")
        got = owner_api.get(f"{BILLS}{body['id']}/").json()
        assert got["account"] == account.pk and got["name"] == "Rent"

    def test_validation_errors_name_the_fields(self, owner_api):
        response = owner_api.post(BILLS, payload(amount="-5", day_of_month=32, interval=0, currency="EURO",
                                                 frequency="fortnightly", start_date="soon"), format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        assert set(response.json()["fields"]) >= {"amount", "day_of_month", "interval", "currency", "frequency",
                                                  "start_date"}
        response = owner_api.post(BILLS, payload(amount="50", amount_max="40", end_date="2026-01-01"), format="json")
        assert response.status_code == 400
        assert "at least the expected amount" in response.json()["fields"]["amount_max"][0]
        assert "not be before the start date" in response.json()["fields"]["end_date"][0]
        response = owner_api.post(BILLS, payload(payee="  "), format="json")
        assert response.status_code == 400 and "payee" in response.json()["fields"]
        assert not RecurringPayment.objects.exists()

    def test_another_users_account_or_category_is_not_found(self, owner_api, other_account, other_user):
        from transactions.models import Category

        theirs = Category.objects.create(owner=other_user, name="Secret", kind="expense")
        response = owner_api.post(BILLS, payload(account=other_account.pk, category=theirs.pk), format="json")
        assert response.status_code == 400
        assert "not found" in response.json()["fields"]["account"][0]
        assert "not found" in response.json()["fields"]["category"][0]
        assert not RecurringPayment.objects.exists()

    def test_update_partial_update_and_delete(self, owner_api, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        response = owner_api.patch(f"{BILLS}{payment.pk}/", {"amount": "950.00", "day_of_month": 3}, format="json")
        assert response.status_code == 200, response.json()
        assert (response.json()["amount"], response.json()["next_due_date"]) == ("950.00", "2026-12-03")
        response = owner_api.patch(f"{BILLS}{payment.pk}/", {"amount_max": "10.00"}, format="json")
        assert response.status_code == 400 and "amount_max" in response.json()["fields"]
        response = owner_api.put(f"{BILLS}{payment.pk}/", payload(name="Flat", frequency="every_n_weeks",
                                                                   interval=2, start_date="2026-11-27",
                                                                   day_of_month=None), format="json")
        assert response.status_code == 200, response.json()
        assert (response.json()["frequency_display"], response.json()["next_due_date"]) == ("Every 2 weeks",
                                                                                            "2026-11-27")
        assert owner_api.delete(f"{BILLS}{payment.pk}/").status_code == 204
        assert not RecurringPayment.objects.exists()

    def test_list_is_paginated_and_filters_active(self, owner_api, owner):
        bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        gym = bill(owner, name="Gym", day_of_month=5, start=date(2026, 12, 5))
        services.recurring_payment_pause(payment=gym, paused=True, today=TODAY)
        body = owner_api.get(BILLS).json()
        assert body["count"] == 2 and [b["name"] for b in body["results"]] == ["Rent", "Gym"]
        assert [b["name"] for b in owner_api.get(BILLS, {"active": "true"}).json()["results"]] == ["Rent"]
        assert [b["name"] for b in owner_api.get(BILLS, {"active": "false"}).json()["results"]] == ["Gym"]
        response = owner_api.get(BILLS, {"active": "maybe"})
        assert response.status_code == 400 and "active" in response.json()["fields"]

    def test_list_constant_queries(self, owner_api, owner, account, django_assert_max_num_queries):
        for n in range(3):
            bill(owner, name=f"Bill {n}", account=account, day_of_month=n + 1, start=date(2026, 12, 1))
        with django_assert_max_num_queries(10) as few:
            owner_api.get(BILLS)
        for n in range(3, 30):
            bill(owner, name=f"Bill {n}", account=account, day_of_month=n % 28 + 1, start=date(2026, 12, 1))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert owner_api.get(BILLS).json()["count"] == 30

    def test_anonymous_is_refused(self, api_client):
        assert api_client.get(BILLS).status_code == 401
        assert api_client.get(f"{BILLS}upcoming/").status_code == 401


class TestActions:
    def test_pause_and_resume(self, owner_api, owner):
        payment = bill(owner, name="Gym", day_of_month=1, start=date(2026, 12, 1))
        assert owner_api.post(f"{BILLS}{payment.pk}/pause/").json()["is_active"] is False
        assert owner_api.get(f"{BILLS}upcoming/").json()["results"] == []
        body = owner_api.post(f"{BILLS}{payment.pk}/resume/").json()
        assert (body["is_active"], body["next_due_date"]) == (True, "2026-12-01")

    def test_pay_advances_and_keeps_what_was_paid(self, owner_api, owner):
        payment = bill(owner, name="Power", amount="60.00", amount_max=Decimal("90.00"), day_of_month=1,
                       start=date(2026, 12, 1))
        response = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-12-01/pay/",
                                  {"amount_paid": "72.40", "paid_on": "2026-11-20"}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["status"], body["amount_paid"], body["paid_on"], body["next_due_date"]) == (
            "paid", "72.40", "2026-11-20", "2027-01-01")
        again = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-12-01/pay/", {}, format="json")
        assert again.status_code == 400 and "already paid" in again.json()["fields"]["due_date"][0]

    def test_pay_defaults_to_today_and_the_expected_amount(self, owner_api, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        body = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-12-01/pay/").json()
        assert (body["amount_paid"], body["paid_on"]) == ("900.00", "2026-11-21")

    def test_skip(self, owner_api, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        body = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-12-01/skip/").json()
        assert (body["status"], body["next_due_date"]) == ("skipped", "2027-01-01")

    def test_bad_dates(self, owner_api, owner):
        payment = bill(owner, name="Rent", day_of_month=1, start=date(2026, 12, 1))
        response = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-02-30/pay/")
        assert response.status_code == 400 and "YYYY-MM-DD" in response.json()["fields"]["due_date"][0]
        assert owner_api.post(f"{BILLS}{payment.pk}/occurrences/soon/pay/").status_code == 404
        response = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-12-02/skip/")
        assert response.status_code == 400 and "not due on 2 Dec 2026" in response.json()["fields"]["due_date"][0]
        response = owner_api.post(f"{BILLS}{payment.pk}/occurrences/2026-12-01/pay/", {"amount_paid": "-3"},
                                  format="json")
        assert response.status_code == 400 and "amount_paid" in response.json()["fields"]
        assert not BillOccurrence.objects.filter(status=OccurrenceStatus.PAID).exists()


class TestUpcoming:
    def test_shape_with_salary_payday(self, owner_api, owner, account):
        salary_history(account)
        power = bill(owner, name="Power", amount="60.00", amount_max=Decimal("90.00"), day_of_month=25,
                     start=date(2026, 11, 25))
        bill(owner, name="Rent", amount="900.00", day_of_month=1, start=date(2026, 12, 1))
        body = owner_api.get(f"{BILLS}upcoming/", {"days": 14}).json()
        assert (body["days"], body["from"], body["until"]) == (14, "2026-11-21", "2026-12-05")
        assert body["results"][0] == {"bill": power.pk, "name": "Power", "payee": "POWER", "due_date": "2026-11-25",
                                      "amount": "60.00", "amount_max": "90.00", "currency": "EUR",
                                      "status": "upcoming", "days_left": 4}
        assert body["count"] == 2 and [b["name"] for b in body["results"]] == ["Power", "Rent"]
        assert body["next_payday"]["date"] == "2026-11-27" and body["next_payday"]["source"] == "salary"
        assert body["due_before_payday"] == [{"currency": "EUR", "total": "90.00"}]

    def test_days(self, owner_api, owner):
        bill(owner, name="Insurance", day_of_month=10, start=date(2027, 1, 10))
        assert owner_api.get(f"{BILLS}upcoming/").json()["results"] == []
        assert len(owner_api.get(f"{BILLS}upcoming/", {"days": 60}).json()["results"]) == 1
        body = owner_api.get(f"{BILLS}upcoming/").json()
        assert (body["days"], body["next_payday"], body["due_before_payday"]) == (30, None, [])
        for bad in ("0", "367", "abc", "-1"):
            response = owner_api.get(f"{BILLS}upcoming/", {"days": bad})
            assert response.status_code == 400 and "days" in response.json()["fields"]


class TestIsolation:
    def test_another_users_bill_is_a_404_on_every_endpoint(self, owner_api, other_user):
        theirs = bill(other_user, name="Their rent", day_of_month=1, start=date(2026, 12, 1))
        url = f"{BILLS}{theirs.pk}/"
        assert owner_api.get(url).status_code == 404
        assert owner_api.patch(url, {"name": "Mine"}, format="json").status_code == 404
        assert owner_api.put(url, payload(), format="json").status_code == 404
        assert owner_api.delete(url).status_code == 404
        for action in ("pause/", "resume/", "occurrences/2026-12-01/pay/", "occurrences/2026-12-01/skip/"):
            assert owner_api.post(url + action).status_code == 404
        theirs.refresh_from_db()
        assert (theirs.name, theirs.is_active, theirs.next_due_date) == ("Their rent", True, date(2026, 12, 1))
        assert owner_api.get(BILLS).json()["count"] == 0
        assert owner_api.get(f"{BILLS}upcoming/").json()["results"] == []

    def test_ids_are_digits_only(self, owner_api):
        assert owner_api.get(f"{BILLS}upcoming/").status_code == 200
        assert owner_api.get(f"{BILLS}999999999999999999999/").status_code == 404
