"""GET /api/v1/currency/convert/ with the bundled ECB reference rates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

URL = "/api/v1/currency/convert/"


def test_converts_on_a_weekend_with_the_previous_ecb_rate(owner_api):
    response = owner_api.get(URL, {"amount": "100", "from": "eur", "to": "USD", "date": "2024-03-09"})
    assert response.status_code == 200, response.content
    assert response.json() == {"amount": "100", "from": "EUR", "to": "USD", "date": "2024-03-09",
                               "rate": "1.0932000000", "rate_date": "2024-03-08", "converted": "109.32"}


def test_cross_rate_rounds_to_the_minor_unit_of_the_target(owner_api):
    body = owner_api.get(URL, {"amount": "-100.00", "from": "USD", "to": "JPY", "date": "2024-03-08"}).json()
    assert (body["converted"], body["rate_date"]) == ("-14726", "2024-03-08")


def test_same_currency_needs_no_rate(owner_api):
    body = owner_api.get(URL, {"amount": "12.5", "from": "EUR", "to": "EUR", "date": "2024-03-09"}).json()
    assert (body["amount"], body["converted"], body["rate"], body["rate_date"]) == ("12.5", "12.50", "1", None)


def test_date_defaults_to_today_in_the_users_time_zone(owner_api, owner, monkeypatch):
    owner.financial_profile.timezone = "Pacific/Auckland"
    owner.financial_profile.save()
    # Sunday 2024-03-10 20:00 UTC is already Monday 11 March in Auckland, a day with an ECB rate.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2024, 3, 10, 20, 0, tzinfo=UTC))
    body = owner_api.get(URL, {"amount": "1", "from": "USD", "to": "EUR"}).json()
    assert (body["date"], body["rate_date"]) == ("2024-03-11", "2024-03-11")


def test_unknown_currency_is_a_400_naming_it(owner_api):
    response = owner_api.get(URL, {"amount": "1", "from": "XYZ", "to": "EUR"})
    assert response.status_code == 400
    assert "Unknown currency 'XYZ'" in response.json()["fields"]["from"][0]
    response = owner_api.get(URL, {"amount": "1", "from": "EUR", "to": "bitcoin"})
    assert response.status_code == 400
    assert "Unknown currency 'BITCOIN'" in response.json()["fields"]["to"][0]


@pytest.mark.parametrize("params, bad", [
    ({"amount": "ten", "from": "EUR", "to": "USD"}, "amount"),
    ({"amount": "1e999999", "from": "EUR", "to": "USD"}, "amount"),
    ({"amount": "NaN", "from": "EUR", "to": "USD"}, "amount"),
    ({"from": "EUR", "to": "USD"}, "amount"),
    ({"amount": "1", "to": "USD"}, "from"),
    ({"amount": "1", "from": "EUR"}, "to"),
    ({"amount": "1", "from": "EUR", "to": "USD", "date": "2024-02-30"}, "date"),
    ({"amount": "1", "from": "EUR", "to": "USD", "date": "1990-01-01"}, "date"),  # before the ECB series
])
def test_bad_parameters_are_a_400_naming_the_parameter(owner_api, params, bad):
    response = owner_api.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [bad]


def test_anonymous_is_refused(api_client):
    assert api_client.get(URL, {"amount": "1", "from": "EUR", "to": "USD"}).status_code == 401


def test_the_ecb_data_covers_recent_dates(owner_api):
    body = owner_api.get(URL, {"amount": "1", "from": "GBP", "to": "EUR", "date": timezone.localdate().isoformat()}).json()
    assert body["rate_date"] is not None
