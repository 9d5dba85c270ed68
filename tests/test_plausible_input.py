"""Dates and numbers a person types are checked by one rule and refused in their language: the importer's
plausible dates (1950 to five years ahead) on forms and the API alike, and no "Ensure that there are no more
than 14 digits in total"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from groups import services as groups
from groups.models import Membership
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LAST_YEAR_ALLOWED = dt.date.today().year + 5  # noqa: DTZ011 - the rule's own horizon, whatever the zone
OUT_OF_RANGE = f"Enter a date between 1 Jan 1950 and 31 Dec {LAST_YEAR_ALLOWED}."


@pytest.mark.parametrize("day", ["1900-01-01", "1949-12-31", f"{LAST_YEAR_ALLOWED + 1}-01-01", "2099-06-30"])
def test_an_implausible_date_is_refused_on_the_api_and_nothing_is_saved(owner_api, owner, account, day):
    response = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": day, "amount": "-5.00",
                                                        "description": "COFFEE"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"date": [OUT_OF_RANGE]}
    assert not owner.transactions.exists()


def test_the_edges_of_the_range_are_accepted(owner_api, account):
    for day in ("1950-01-01", f"{LAST_YEAR_ALLOWED}-12-31"):
        response = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": day, "amount": "-5.00",
                                                            "description": "COFFEE"}, format="json")
        assert response.status_code == 201, response.json()


def test_the_transaction_form_says_the_same(client, owner, account):
    client.force_login(owner)
    response = client.post("/transactions/new/", {"account": account.pk, "date": "2099-01-01", "amount": "-5.00",
                                                   "description": "COFFEE"})
    assert OUT_OF_RANGE in response.content.decode()
    assert not owner.transactions.exists()


def test_editing_a_transaction_to_an_implausible_date_is_refused(owner_api, owner, account):
    txn = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-01", "amount": "-5.00",
                                                   "description": "COFFEE"}, format="json").json()
    response = owner_api.patch(f"/api/v1/transactions/{txn['id']}/", {"date": "1900-03-01"}, format="json")
    assert response.json()["fields"] == {"date": [OUT_OF_RANGE]}
    assert str(owner.transactions.get().date) == "2026-03-01"


def test_a_bill_starting_in_1900_is_refused(owner_api):
    response = owner_api.post("/api/v1/bills/", {"name": "Rent", "payee": "Landlord", "amount": "900.00",
                                                 "currency": "EUR", "frequency": "monthly",
                                                 "start_date": "1900-01-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["start_date"] == [OUT_OF_RANGE]


def test_a_group_expense_dated_2099_is_refused(owner):
    friend = UserFactory()
    group = groups.group_create(user=owner, name="Trip", currency="EUR")
    Membership.objects.create(group=group, user=friend)
    with pytest.raises(Exception) as error:
        groups.expense_create(group=group, user=owner, description="Dinner", amount=Decimal("30"),
                              on=dt.date(2099, 1, 1), payers=[groups.Part(owner.pk)],
                              shares=[groups.Part(owner.pk), groups.Part(friend.pk)])
    assert error.value.message_dict == {"date": [OUT_OF_RANGE]}


def test_number_messages_speak_to_the_person(owner_api, account):
    too_long = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-01",
                                                        "amount": "-12345678901234567", "description": "X"},
                              format="json").json()
    cents = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-01",
                                                     "amount": "-1.005", "description": "X"}, format="json").json()
    not_a_number = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-01",
                                                            "amount": "lots", "description": "X"},
                                  format="json").json()
    bad_date = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "31/03/2026",
                                                        "amount": "-1", "description": "X"}, format="json").json()
    assert too_long["fields"]["amount"] == ["That number is too long: use at most 14 digits."]
    assert cents["fields"]["amount"] == ["Use at most 2 decimal places (cents)."]
    assert not_a_number["fields"]["amount"] == ["Enter a number, such as 12.50."]
    assert bad_date["fields"]["date"] == ["Enter a date as YYYY-MM-DD, such as 2026-03-31."]
    assert "Ensure" not in str([too_long, cents, not_a_number, bad_date])


def test_the_budget_form_says_it_in_the_same_words(client, owner):
    client.force_login(owner)
    response = client.post("/budgets/add/?month=2026-03", {"category": "", "amount": "12345678901234567"})
    page = response.content.decode()
    assert "Ensure that there are" not in page
    assert "too long" in page or "too large" in page
