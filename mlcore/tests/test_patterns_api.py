"""GET /api/v1/patterns/: the caller's stored patterns as one object; a 404 before the first computation."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.specs.openapi.checks import response_schema_conformance

from mlcore import patterns as patterns_module
from mlcore.models import SpendingPattern
from mlcore.patterns import patterns_store
from mlcore.tests.patterns_data import many_merchants, merchant, patterns
from tests.test_api_schemathesis import wsgi_app  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

URL = "/api/v1/patterns/"
COMPUTED = dt.datetime(2026, 3, 2, 2, 15, tzinfo=dt.UTC)


@pytest.fixture
def never_computes(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request computed patterns")

    monkeypatch.setattr(patterns_module, "patterns_compute", refuse)
    monkeypatch.setattr(patterns_module, "patterns_refresh", refuse)
    monkeypatch.setattr(patterns_module, "history_rows", refuse)


def test_signed_out_is_a_401_in_the_error_shape(api_client):
    response = api_client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == {"message", "code", "fields", "extra"}


def test_before_the_first_computation_a_404_says_why_and_nothing_is_computed(owner_api, never_computes):
    response = owner_api.get(URL)
    assert response.status_code == 404
    assert response.json() == {
        "message": "Your patterns appear once Finsight has looked at your history; that happens each night and after "
                   "every import.",
        "code": "patterns_not_ready", "fields": {}, "extra": {}}
    assert not SpendingPattern.objects.exists()


def test_the_stored_patterns_as_one_object(owner_api, owner, never_computes):
    patterns_store(user=owner, patterns=patterns(), computed_at=COMPUTED)
    response = owner_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"computed_at", "currency", "history", "overview", "income", "categories", "merchants",
                         "seasonality", "currencies"}
    assert body["computed_at"].startswith("2026-03-02T")
    assert body["currency"] == "EUR"
    assert body["history"] == {"start": "2025-03-01", "end": "2026-02-27", "months": 12.0, "transactions": 412}
    assert body["overview"] == {
        "monthly_mean": "1697.00", "monthly_spread": "120.00", "usual_low": "1577.00", "usual_high": "1817.00",
        "summary": "You usually spend about EUR 1,697.00 a month; in most months it is EUR 1,577.00 to 1,817.00."}
    assert body["income"]["summary"] == ("Your income from ACME GmbH arrives around the 25th, every month; the "
                                         "amount varies by 2%.")
    assert body["income"]["usual_day"] == 25 and body["income"]["steadiness"] == "Steady"
    assert [c["name"] for c in body["categories"]] == [
        "Housing > Rent", "Food & Drink > Groceries", "Entertainment > Streaming Services", "Income > Salary"]
    groceries = body["categories"][1]
    assert groceries["monthly_mean"] == "412.50" and groceries["usual_low"] == "360.00"
    assert groceries["share"] == pytest.approx(0.2431) and groceries["kind"] == "expense"
    assert len(groceries["monthly"]) == 12 and groceries["monthly"][0] == {"month": "2025-03", "total": "380.00"}
    # every merchant, the salary's payer too, most charges first as stored
    assert [m["key"] for m in body["merchants"]] == ["rewe", "mueller hausverwaltung", "netflix", "acme"]
    rewe = body["merchants"][0]
    assert rewe["amount_median"] == "35.00" and rewe["amount_mad"] == "4.50"
    assert rewe["weekdays"] == [1, 1, 2, 1, 3, 14, 2] and rewe["usual_weekdays"] == ["Saturday"]
    assert rewe["category_name"] == "Food & Drink > Groceries" and rewe["recurring"] is False
    assert rewe["summary"] == "REWE: usually EUR 35.00, give or take EUR 4.50, about 4 times a month, mostly on " \
                              "Saturdays."
    assert body["merchants"][1]["days_of_month"] == [1] and body["merchants"][1]["recurring"] is True
    assert body["seasonality"]["indices"][11] == pytest.approx(1.24)
    assert body["currencies"] == [{"currency": "EUR", "charges": 400}, {"currency": "USD", "charges": 12}]


def test_without_two_years_seasonality_is_null(owner_api, owner):
    patterns_store(user=owner, patterns=patterns(seasonality=None))
    assert owner_api.get(URL).json()["seasonality"] is None


def test_another_users_patterns_are_never_answered(owner, other_api):
    patterns_store(user=owner, patterns=patterns(merchants=(merchant("secret", "Secret Jeweller"),)))
    response = other_api.get(URL)
    assert response.status_code == 404
    assert "Secret Jeweller" not in response.content.decode()
    assert response.json()["code"] == "patterns_not_ready"


@pytest.mark.parametrize("merchants", [1, 300])
def test_a_constant_number_of_queries_however_many_merchants(owner_api, owner, merchants,
                                                            django_assert_num_queries):
    patterns_store(user=owner, patterns=patterns(merchants=many_merchants(merchants)))
    # the token's user (with its sign-in), then the stored patterns
    with django_assert_num_queries(2):
        response = owner_api.get(URL)
    assert len(response.json()["merchants"]) == merchants


def test_the_schema_documents_the_object_and_the_404(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/patterns/"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "404"}
    assert "patterns_not_ready" in operation["responses"]["404"]["description"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {
        "computed_at", "currency", "history", "overview", "income", "categories", "merchants", "seasonality",
        "currencies"}


def test_the_answer_matches_its_own_schema(owner, wsgi_app):  # noqa: F811 - the fixture imported above
    patterns_store(user=owner, patterns=patterns(merchants=(*patterns().merchants,
                                                            merchant("cash", "Cash", category_id=None))))
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operation = schema["/api/v1/patterns/"]["GET"]
    case = operation.Case()
    token = str(RefreshToken.for_user(owner).access_token)
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    case.validate_response(response, checks=[response_schema_conformance])
