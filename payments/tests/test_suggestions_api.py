"""The subscription suggestions API: list and filter, confirm into a bill, dismiss, undo; 404 for other users'."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from payments.models import Frequency, RecurringPayment, SubscriptionSuggestion, SuggestionStatus
from payments.suggestions import subscription_suggestions_refresh
from payments.tests.test_detection import TODAY, History, everything
from transactions.tests.factories import AccountFactory, category

LIST = "/api/v1/bills/suggestions/"


def url(suggestion, verb: str = "") -> str:
    return f"{LIST}{suggestion.pk}/{verb + '/' if verb else ''}"


@pytest.fixture
def suggested(owner, account):
    h = History(account)
    everything(h)
    h.save()
    subscription_suggestions_refresh(user=owner, today=TODAY)
    return {s.merchant_key: s for s in SubscriptionSuggestion.objects.filter(user=owner)}


def test_list_shows_the_users_suggestions_with_their_details(owner_api, suggested, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = owner_api.get(LIST)

    assert response.status_code == 200
    rows = {row["merchant_key"]: row for row in response.json()["results"]}
    assert set(rows) == set(suggested)
    netflix = rows["netflix com"]
    assert (netflix["amount"], netflix["previous_amount"], netflix["price_rose"], netflix["currency"]) == (
        "15.99", "12.99", True, "EUR")
    assert (netflix["frequency"], netflix["frequency_text"], netflix["charge_count"]) == ("monthly", "monthly", 24)
    assert (netflix["next_date"], netflix["status"]) == ("2026-12-12", "pending")
    assert rows["fitx"]["frequency_text"] == "every 4 weeks"


def test_list_query_count_is_constant(owner, owner_api, account, suggested, django_assert_max_num_queries):
    SubscriptionSuggestion.objects.bulk_create([SubscriptionSuggestion(
        user=owner, merchant_key=f"shop {n}", merchant=f"Shop {n}", frequency=Frequency.MONTHLY, interval_days=30,
        amount=Decimal("5.00"), currency="EUR", account=account, category=category("subscriptions"),
        first_date=TODAY - timedelta(days=90), last_date=TODAY, next_date=TODAY + timedelta(days=30),
        charge_count=4, confidence=Decimal("0.5")) for n in range(30)])

    with django_assert_max_num_queries(4):
        response = owner_api.get(LIST)

    assert response.json()["count"] == 36


def test_list_filters_by_status(owner, owner_api, suggested):
    owner_api.post(url(suggested["spotify"], "dismiss"))

    dismissed = owner_api.get(LIST, {"status": "dismissed"}).json()["results"]
    waiting = owner_api.get(LIST, {"status": "pending"}).json()["results"]

    assert [row["merchant_key"] for row in dismissed] == ["spotify"]
    assert len(waiting) == 5


def test_an_unknown_status_is_a_clear_400(owner_api, suggested):
    response = owner_api.get(LIST, {"status": "maybe"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "pending, confirmed, dismissed" in response.json()["fields"]["status"][0]


def test_confirm_creates_the_bill_and_returns_its_id(owner, owner_api, suggested):
    joint = AccountFactory(owner=owner, name="Joint", currency="EUR")
    netflix = suggested["netflix com"]

    response = owner_api.post(url(netflix, "confirm"), {"name": "Netflix", "account": joint.pk,
                                                       "category": category("entertainment.streaming_services").pk},
                              format="json")

    assert response.status_code == 201
    payment = RecurringPayment.objects.get(pk=response.json()["recurring_payment"], user=owner)
    assert (payment.name, payment.amount, payment.account, payment.frequency, payment.next_due_date) == (
        "Netflix", Decimal("15.99"), joint, Frequency.MONTHLY, date(2026, 12, 12))
    assert payment.category == category("entertainment.streaming_services")
    assert response.json()["suggestion"]["status"] == "confirmed"
    assert response.json()["next_due_date"] == "2026-12-12"


def test_confirm_without_a_body_uses_the_detected_details(owner, owner_api, suggested):
    response = owner_api.post(url(suggested["hausverwaltung krause"], "confirm"))

    assert response.status_code == 201
    payment = RecurringPayment.objects.get(user=owner)
    assert (payment.name, payment.amount, payment.day_of_month) == ("Hausverwaltung Krause", Decimal("1150.00"), 1)
    assert payment.category == category("housing.rent")


@pytest.mark.parametrize("body", [
    {"account": 999999},
    {"category": "x"},
    {"name": "n" * 101},
    ["not", "an", "object"],
])
def test_confirm_with_bad_input_is_a_400_and_changes_nothing(owner, owner_api, suggested, body):
    response = owner_api.post(url(suggested["netflix com"], "confirm"), body, format="json")

    assert response.status_code == 400
    assert not RecurringPayment.objects.filter(user=owner).exists()
    assert SubscriptionSuggestion.objects.get(pk=suggested["netflix com"].pk).status == "pending"


def test_confirm_with_another_users_account_is_refused(owner_api, other_account, suggested):
    response = owner_api.post(url(suggested["netflix com"], "confirm"), {"account": other_account.pk},
                              format="json")

    assert response.status_code == 400
    assert "account" in response.json()["fields"]


def test_deciding_twice_is_a_400_with_a_message(owner, owner_api, suggested):
    netflix = suggested["netflix com"]
    assert owner_api.post(url(netflix, "dismiss")).status_code == 200

    again = owner_api.post(url(netflix, "dismiss"))
    confirm = owner_api.post(url(netflix, "confirm"))

    assert again.status_code == confirm.status_code == 400
    assert confirm.json() == {"message": "netflix.com was already dismissed.", "code": "invalid", "fields": {},
                              "extra": {}}
    assert not RecurringPayment.objects.filter(user=owner).exists()


def test_dismiss_then_restore(owner_api, suggested):
    gym = suggested["fitx"]

    dismissed = owner_api.post(url(gym, "dismiss"))
    restored = owner_api.post(url(gym, "restore"))
    again = owner_api.post(url(gym, "restore"))

    assert dismissed.json()["status"] == "dismissed" and dismissed.json()["decided_at"]
    assert restored.json()["status"] == "pending" and restored.json()["decided_at"] is None
    assert again.status_code == 400


def test_refresh_runs_detection_now(owner_api, account):
    h = History(account)
    everything(h)
    h.save()

    response = owner_api.post(f"{LIST}refresh/")

    assert response.status_code == 200
    assert response.json()["found"] >= 1
    assert response.json()["created"] == owner_api.get(LIST).json()["count"]


@pytest.mark.parametrize("verb", ["", "confirm", "dismiss", "restore"])
def test_another_users_suggestion_is_a_404(other_api, suggested, verb):
    netflix = suggested["netflix com"]

    response = other_api.get(url(netflix)) if not verb else other_api.post(url(netflix, verb))

    assert response.status_code == 404
    assert SubscriptionSuggestion.objects.get(pk=netflix.pk).status == SuggestionStatus.PENDING


def test_other_users_see_none_of_them(other_api, suggested):
    assert other_api.get(LIST).json()["count"] == 0


def test_oversized_ids_are_a_404(owner_api):
    assert owner_api.post(f"{LIST}{'9' * 30}/confirm/").status_code == 404


def test_needs_authentication(api_client):
    assert api_client.get(LIST).status_code == 401
