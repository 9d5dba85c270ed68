"""Server errors schemathesis found (issue 13, finding 5), each as the request a client could send."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from transactions.models import Account, AccountKind

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_an_account_created_without_a_kind_is_a_checking_account(owner):
    response = _client(owner).post("/api/v1/accounts/", {"name": "Main", "currency": "EUR"}, format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["kind"] == AccountKind.CHECKING
    assert Account.objects.get(owner=owner).kind == AccountKind.CHECKING


def test_the_savings_projection_of_the_largest_balance_answers(owner):
    client = _client(owner)
    created = client.post("/api/v1/accounts/", {"name": "Vault", "kind": "savings", "currency": "EUR",
                                                "opening_balance": "999999999999.99"}, format="json")
    assert created.status_code == 201, created.content[:300]
    response = client.get("/api/v1/insights/savings/projection/")
    assert response.status_code == 200, response.content[:300]
    assert Decimal(response.json()["savings_balance"]) == Decimal("999999999999.99")


def test_options_on_the_notification_preferences_answers(owner):
    response = _client(owner).options("/api/v1/notifications/preferences/")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["name"]


@pytest.mark.parametrize("action", ["delete", "recategorize"])
def test_a_bulk_action_with_an_id_beyond_any_row_is_a_400(owner, action):
    response = _client(owner).post(f"/api/v1/transactions/bulk/{action}/",
                                   {"ids": [2776405401233544183808], "category": None}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()["fields"]) == ["ids.0"]


def test_the_schema_allows_a_standard_categorys_dotted_key(owner):
    schema = APIClient().get("/api/schema/?format=json").json()
    key = schema["components"]["schemas"]["Category"]["properties"]["key"]
    assert "pattern" not in key, key
