"""The alerts API: list (envelope, filters), detail, feedback; signed out, another user's alert, a bad verdict."""

from __future__ import annotations

import pytest

from alerts.models import Alert
from alerts.tests.conftest import AMOUNT_SENTENCE, alert_for, charge
from mlcore.services import Factor, RiskLevel
from transactions.models import Transaction

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"message", "code", "fields", "extra"}


def test_list_in_the_envelope_newest_first_with_reasons_and_transaction(owner_api, owner, account):
    first = alert_for(owner, charge(account, description="FIRST"))
    second = alert_for(owner, charge(account, description="SECOND"), level=RiskLevel.LOW, score=0.25)
    body = owner_api.get("/api/v1/alerts/").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    assert [item["id"] for item in body["results"]] == [second.pk, first.pk]
    item = body["results"][1]
    assert item["level"] == "high" and item["status"] == "open" and item["kind"] == "amount"
    assert item["score"] == 0.91
    assert item["factors"][0] == {"detector": "amount", "score": 0.9, "sentence": AMOUNT_SENTENCE}
    assert item["transaction"] == {"id": first.transaction_id, "date": "2026-11-18", "amount": "-400.00",
                                   "currency": "EUR", "description": "FIRST"}


def test_list_filters_and_a_bad_filter_is_a_400(owner_api, owner, account):
    alert_for(owner, charge(account))
    alert_for(owner, charge(account), level=RiskLevel.MEDIUM)
    assert owner_api.get("/api/v1/alerts/?level=medium").json()["count"] == 1
    assert owner_api.get("/api/v1/alerts/?status=open&level=high").json()["count"] == 1
    assert owner_api.get("/api/v1/alerts/?status=fine").json()["count"] == 0
    response = owner_api.get("/api/v1/alerts/?level=urgent")
    assert response.status_code == 400 and set(response.json()) == ERROR_KEYS
    assert response.json()["fields"] == {"level": ["Choose one of: high, medium, low."]}


def test_detail(owner_api, owner, account):
    alert = alert_for(owner, charge(account))
    body = owner_api.get(f"/api/v1/alerts/{alert.pk}/").json()
    assert body["id"] == alert.pk and body["related_transaction_ids"] == []


def test_feedback_fine_and_not_mine(owner_api, owner, account, verdicts):
    alert = alert_for(owner, charge(account))
    body = owner_api.post(f"/api/v1/alerts/{alert.pk}/feedback/", {"verdict": "not_mine"}, format="json").json()
    assert body["alert"]["status"] == "not_mine" and "block the card" in body["message"] and body["duplicates"] == []
    assert verdicts[0]["verdict"] == "not_mine"


def test_feedback_duplicate_then_delete_one(owner_api, owner, account, verdicts):
    first, second = charge(account, "-9.99"), charge(account, "-9.99")
    alert = alert_for(owner, second, related=[first], factors=(Factor("duplicate", 0.9, "Charged twice"),))
    body = owner_api.post(f"/api/v1/alerts/{alert.pk}/feedback/", {"verdict": "duplicate"}, format="json").json()
    assert {item["id"] for item in body["duplicates"]} == {first.pk, second.pk}
    body = owner_api.post(f"/api/v1/alerts/{alert.pk}/feedback/",
                          {"verdict": "duplicate", "delete_transaction": second.pk}, format="json").json()
    assert "Deleted" in body["message"] and body["alert"]["transaction"]["id"] is None
    assert body["alert"]["transaction"]["amount"] == "-9.99"
    assert list(Transaction.objects.values_list("pk", flat=True)) == [first.pk]


def test_feedback_refuses_a_bad_verdict_and_a_charge_outside_the_pair(owner_api, owner, account, other_account,
                                                                     verdicts):
    alert = alert_for(owner, charge(account))
    response = owner_api.post(f"/api/v1/alerts/{alert.pk}/feedback/", {"verdict": "maybe"}, format="json")
    assert response.status_code == 400 and set(response.json()) == ERROR_KEYS and "verdict" in response.json()["fields"]
    theirs = charge(other_account)
    response = owner_api.post(f"/api/v1/alerts/{alert.pk}/feedback/",
                              {"verdict": "duplicate", "delete_transaction": theirs.pk}, format="json")
    assert response.status_code == 400 and "delete_transaction" in response.json()["fields"]
    assert Transaction.objects.filter(pk=theirs.pk).exists() and Alert.objects.get().status == "open"


def test_signed_out_is_401_in_the_one_shape(api_client, owner, account):
    alert = alert_for(owner, charge(account))
    for response in (api_client.get("/api/v1/alerts/"), api_client.get(f"/api/v1/alerts/{alert.pk}/"),
                     api_client.post(f"/api/v1/alerts/{alert.pk}/feedback/", {"verdict": "fine"}, format="json")):
        assert response.status_code == 401 and set(response.json()) == ERROR_KEYS


def test_another_users_alert_is_404_on_detail_and_feedback_and_not_listed(other_api, owner, account, verdicts):
    alert = alert_for(owner, charge(account))
    assert other_api.get("/api/v1/alerts/").json()["count"] == 0
    for response in (other_api.get(f"/api/v1/alerts/{alert.pk}/"),
                     other_api.post(f"/api/v1/alerts/{alert.pk}/feedback/", {"verdict": "fine"}, format="json")):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Alert.objects.get().status == "open" and verdicts == []
