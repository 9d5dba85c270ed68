"""The goals API: goals (CRUD, the rules' messages, the envelope, the query count), contributions, the stored
plan and the what-if, readiness and the questionnaire, before and after the worker's refresh (the real
goals_refresh, called directly); signed out, another user's objects, answers that match their own schema, and
JSON only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.months import month_add
from goals import readiness
from goals.models import Contribution, Goal, GoalAccount, GoalPlan, ReadinessReport, RiskProfile
from goals.tests.conftest import SAFE, goal, worked_out
from tests.test_api_schemathesis import wsgi_app  # noqa: F401 - the fixture
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"message", "code", "fields", "extra"}
ENVELOPE_KEYS = {"count", "next", "previous", "results"}
GOAL_KEYS = {"id", "name", "kind", "target_amount", "currency", "target_date", "priority", "emergency_months",
             "starting_amount", "saved", "progress", "linked_accounts", "plan", "plan_computed_at"}
PLAN_ROW_KEYS = {"goal_id", "name", "kind", "target", "saved", "monthly", "starting_monthly", "reached_on",
                 "months_to_goal", "target_date", "on_track", "needed_monthly", "confidence", "progress"}
ANSWERS = {"horizon": "over_7", "drop": "wait", "experience": "some"}


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    return body


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:1000])
    return response.json()


def trip_body(**changes) -> dict:
    return {"name": "Lisbon trip", "kind": "short_term", "target_amount": "2800.00", **changes}


@pytest.fixture
def trip_date(month) -> dt.date:
    return month_add(month, 3) + dt.timedelta(days=9)


# ---- signed out, JSON only -------------------------------------------------------------------------------------

ENDPOINTS = [("get", "/api/v1/goals/"), ("post", "/api/v1/goals/"), ("get", "/api/v1/goals/{goal}/"),
             ("put", "/api/v1/goals/{goal}/"), ("patch", "/api/v1/goals/{goal}/"),
             ("delete", "/api/v1/goals/{goal}/"), ("get", "/api/v1/goals/{goal}/contributions/"),
             ("post", "/api/v1/goals/{goal}/contributions/"),
             ("delete", "/api/v1/goals/{goal}/contributions/{contribution}/"), ("get", "/api/v1/goals/plan/"),
             ("post", "/api/v1/goals/what-if/"), ("get", "/api/v1/readiness/"),
             ("get", "/api/v1/readiness/questionnaire/"), ("put", "/api/v1/readiness/questionnaire/")]


@pytest.fixture
def mine(owner):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    contribution = Contribution.objects.create(goal=trip, amount=Decimal("50.00"), date=dt.date(2026, 1, 2))
    return {"goal": trip.pk, "contribution": contribution.pk}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_signed_out_every_endpoint_is_a_401_in_the_error_shape(api_client, mine, method, path):
    body = error(getattr(api_client, method)(path.format(**mine), {}, format="json"), 401)
    assert body["code"] == "not_authenticated"
    assert Goal.objects.count() == 1 and Contribution.objects.count() == 1


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_nothing_answers_html_even_to_a_browser(owner_api, mine, method, path):
    response = getattr(owner_api, method)(path.format(**mine), HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response["Content-Type"].startswith("application/json"), (method, path)
    assert b"<html" not in response.content.lower()


# ---- goals -----------------------------------------------------------------------------------------------------

def test_create_a_goal_answers_it_with_what_it_has_saved_and_no_plan_yet(owner_api, owner, trip_date):
    body = ok(owner_api.post("/api/v1/goals/", trip_body(target_date=trip_date.isoformat(), priority=1,
                                                         starting_amount="700.00"), format="json"), 201)
    assert set(body) == GOAL_KEYS
    saved = Goal.objects.get(user=owner)
    assert body == {
        "id": saved.pk, "name": "Lisbon trip", "kind": "short_term", "target_amount": "2800.00", "currency": "EUR",
        "target_date": trip_date.isoformat(), "priority": 1, "emergency_months": None, "starting_amount": "700.00",
        "saved": "700.00", "progress": 0.25, "linked_accounts": [], "plan": None, "plan_computed_at": None}
    assert not GoalPlan.objects.exists()  # the worker works the plan out, not the request


def test_a_goal_counts_its_share_of_linked_accounts_and_its_contributions(owner_api, owner, savings):
    body = ok(owner_api.post("/api/v1/goals/", trip_body(accounts=[{"account": savings.pk, "share": 40}]),
                             format="json"), 201)
    assert body["linked_accounts"] == [{"account": savings.pk, "account_name": "Rainy day savings", "share": 40}]
    assert body["saved"] == "2000.00" and body["progress"] == pytest.approx(2000 / 2800)
    ok(owner_api.post(f"/api/v1/goals/{body['id']}/contributions/", {"amount": "100.00"}, format="json"), 201)
    again = ok(owner_api.get(f"/api/v1/goals/{body['id']}/"))
    assert again["saved"] == "2100.00"


def test_a_share_defaults_to_the_whole_balance(owner_api, savings):
    body = ok(owner_api.post("/api/v1/goals/", trip_body(accounts=[{"account": savings.pk}]), format="json"), 201)
    assert body["linked_accounts"][0]["share"] == 100 and body["saved"] == "5000.00" and body["progress"] == 1.0


def test_a_date_two_years_away_makes_a_long_term_goal(owner_api, today):
    body = ok(owner_api.post("/api/v1/goals/", trip_body(target_date=month_add(today, 30).isoformat()),
                             format="json"), 201)
    assert body["kind"] == "long_term"


def test_an_emergency_funds_target_is_worked_out_not_given(owner_api, owner, ledger, savings):
    body = ok(owner_api.post("/api/v1/goals/", {"name": "Rainy days", "kind": "emergency", "emergency_months": 3,
                                                "target_amount": "99.00",
                                                "accounts": [{"account": savings.pk, "share": 50}]},
                             format="json"), 201)
    assert body["target_amount"] == "0.00" and body["emergency_months"] == 3
    assert body["saved"] == "2500.00" and body["progress"] is None  # no target until the worker works it out
    worked_out(owner)
    body = ok(owner_api.get(f"/api/v1/goals/{body['id']}/"))
    # three months of rent and groceries (1,400 a month)
    assert body["target_amount"] == "4200.00" and body["progress"] == pytest.approx(2500 / 4200)
    assert body["plan"]["target"] == "4200.00" and body["plan"]["kind"] == "emergency"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"kind": "emergency", "emergency_months": 7}, "emergency_months",
     "An emergency fund holds 3 to 6 months of essential spending."),
    ({"kind": "emergency"}, "emergency_months", "An emergency fund holds 3 to 6 months of essential spending."),
    ({"target_date": "2020-01-01"}, "target_date", "The date must be in the future."),
    ({"target_date": "2099-01-01"}, "target_date", "Choose a date within 50 years."),
    ({"target_amount": "-5.00"}, "target_amount", "Set how much the goal needs (more than 0)."),
    ({"target_amount": None}, "target_amount", "Set how much the goal needs (more than 0)."),
    ({"name": "  "}, "name", "Give the goal a name."),
    ({"priority": 4}, "priority", "Priority is 1 (high), 2 (medium) or 3 (low)."),
    ({"starting_amount": "-1.00"}, "starting_amount", "What you have already saved cannot be negative."),
    ({"kind": "someday"}, "kind", '"someday" is not a valid choice.'),
    ({"target_amount": "lots"}, "target_amount", "Enter a number, such as 12.50."),
    ({"target_amount": "1000000000000.00"}, "target_amount", "That number is too long: use at most 14 digits."),
    ({"target_date": "soon"}, "target_date", "Enter a date as YYYY-MM-DD, such as 2026-03-31."),
])
def test_a_goal_against_the_rules_is_a_400_naming_the_field(owner_api, changes, field, message):
    body = error(owner_api.post("/api/v1/goals/", trip_body(**changes), format="json"), 400)
    assert body["code"] == "invalid" and body["fields"] == {field: [message]}
    assert body["message"] == f"{field}: {message}"
    assert not Goal.objects.exists()


def test_linked_accounts_must_be_yours_each_once_with_a_share_of_1_to_100(owner_api, savings, other_account):
    for accounts, message in [([{"account": other_account.pk}], f"Account {other_account.pk} is not one of yours."),
                              ([{"account": savings.pk, "share": 0}], "A linked account's share is 1 to 100 percent."),
                              ([{"account": savings.pk}, {"account": savings.pk, "share": 10}],
                               "Link each account once.")]:
        body = error(owner_api.post("/api/v1/goals/", trip_body(accounts=accounts), format="json"), 400)
        assert body["fields"] == {"accounts": [message]}
    body = error(owner_api.post("/api/v1/goals/", trip_body(accounts=[{"share": 10}]), format="json"), 400)
    assert body["fields"] == {"accounts.0.account": ["This field is required."]}
    assert not Goal.objects.exists() and not GoalAccount.objects.exists()


def test_a_goal_counts_accounts_in_your_currency_only(owner_api, owner, savings):
    dollars = AccountFactory(owner=owner, name="Dollar savings", kind="savings", currency="USD")
    body = error(owner_api.post("/api/v1/goals/", trip_body(accounts=[{"account": savings.pk}, {"account": dollars.pk}]),
                                format="json"), 400)
    assert body["fields"] == {"accounts": ["Link accounts in EUR: this goal counts in EUR."]}
    assert not Goal.objects.exists()


def test_a_name_used_already_and_a_second_emergency_fund_are_refused(owner_api, owner):
    goal(owner, "Lisbon trip", target_amount=Decimal("100"))
    goal(owner, "Fund", "emergency")
    body = error(owner_api.post("/api/v1/goals/", trip_body(name="lisbon TRIP"), format="json"), 400)
    assert body["fields"] == {"name": ["You already have a goal with this name."]}
    body = error(owner_api.post("/api/v1/goals/", {"name": "Second", "kind": "emergency", "emergency_months": 4},
                                format="json"), 400)
    assert body["fields"] == {"kind": ["You already have an emergency fund."]}
    assert Goal.objects.count() == 2


def test_an_empty_body_names_what_is_required(owner_api):
    body = error(owner_api.post("/api/v1/goals/", {}, format="json"), 400)
    assert set(body["fields"]) == {"name", "kind"}


def test_a_form_body_is_refused_the_api_takes_json(owner_api):
    body = error(owner_api.post("/api/v1/goals/", trip_body()), 415)
    assert body["code"] == "unsupported_media_type"


def test_the_list_is_the_envelope_most_important_first_and_only_yours(owner_api, owner, other_user, trip_date):
    later = goal(owner, "Sofa", target_amount=Decimal("900"), priority=3)
    first = goal(owner, "Trip", target_amount=Decimal("2800"), priority=1, target_date=trip_date)
    goal(other_user, "Oscar's boat", target_amount=Decimal("50000"))
    body = ok(owner_api.get("/api/v1/goals/"))
    assert set(body) == ENVELOPE_KEYS and body["count"] == 2 and body["next"] is None
    assert [item["id"] for item in body["results"]] == [first.pk, later.pk]
    assert all(set(item) == GOAL_KEYS for item in body["results"])
    page = ok(owner_api.get("/api/v1/goals/?page_size=1&page=2"))
    assert [item["name"] for item in page["results"]] == ["Sofa"] and page["previous"] is not None
    assert error(owner_api.get("/api/v1/goals/?page=3"), 404)["code"] == "not_found"


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/goals/").status_code == 200
    return len(queries)


def test_the_list_reads_in_a_constant_number_of_queries(owner_api, owner, ledger, savings):
    first = goal(owner, "Goal 0", target_amount=Decimal("100"), accounts=((savings.pk, 10),))
    Contribution.objects.create(goal=first, amount=Decimal("5.00"), date=dt.date(2026, 1, 1))
    worked_out(owner)
    one = _list_queries(owner_api)
    checking = AccountFactory(owner=owner, name="Checking")
    for n in range(1, 8):
        more = goal(owner, f"Goal {n}", target_amount=Decimal("100"), accounts=((savings.pk, 10), (checking.pk, 5)))
        Contribution.objects.create(goal=more, amount=Decimal("5.00"), date=dt.date(2026, 1, 1))
    worked_out(owner)
    assert _list_queries(owner_api) == one
    # the token's user (with its sign-in), the count, the goals, their linked accounts, the balances, the plan
    assert one == 6


def test_retrieve_and_another_users_goal_is_a_404(owner_api, other_api, owner):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    assert ok(owner_api.get(f"/api/v1/goals/{trip.pk}/"))["name"] == "Trip"
    for method in ("get", "put", "patch", "delete"):
        body = error(getattr(other_api, method)(f"/api/v1/goals/{trip.pk}/", trip_body(name="Mine now"),
                                                format="json"), 404)
        assert body["code"] == "not_found" and "Trip" not in body["message"]
    assert Goal.objects.get().name == "Trip"
    assert error(owner_api.get("/api/v1/goals/999999999999/"), 404)["code"] == "not_found"


def test_put_replaces_the_goal_and_patch_changes_only_what_is_sent(owner_api, owner, savings, trip_date):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"), priority=1, target_date=trip_date,
                accounts=((savings.pk, 20),))
    body = ok(owner_api.patch(f"/api/v1/goals/{trip.pk}/", {"target_amount": "1500.00"}, format="json"))
    assert body["target_amount"] == "1500.00" and body["name"] == "Trip" and body["priority"] == 1
    assert body["target_date"] == trip_date.isoformat() and body["linked_accounts"][0]["share"] == 20
    body = ok(owner_api.patch(f"/api/v1/goals/{trip.pk}/", {"accounts": [{"account": savings.pk, "share": 60}],
                                                            "target_date": None}, format="json"))
    assert body["linked_accounts"][0]["share"] == 60 and body["target_date"] is None and body["saved"] == "3000.00"
    body = ok(owner_api.patch(f"/api/v1/goals/{trip.pk}/", {"accounts": [{"account": savings.pk}]}, format="json"))
    assert body["linked_accounts"][0]["share"] == 100  # a share not sent is the whole balance, on a PATCH too
    body = ok(owner_api.put(f"/api/v1/goals/{trip.pk}/", {"name": "Porto trip", "kind": "short_term",
                                                          "target_amount": "800.00"}, format="json"))
    # what PUT leaves out takes its default: medium priority, no date, nothing linked
    assert (body["name"], body["priority"], body["target_date"], body["linked_accounts"]) == (
        "Porto trip", 2, None, [])
    body = error(owner_api.patch(f"/api/v1/goals/{trip.pk}/", {"accounts": [{"share": 10}]}, format="json"), 400)
    assert body["fields"] == {"accounts.0.account": ["This field is required."]}
    body = error(owner_api.patch(f"/api/v1/goals/{trip.pk}/", {"target_date": "2001-01-01"}, format="json"), 400)
    assert body["fields"] == {"target_date": ["The date must be in the future."]}
    assert Goal.objects.get().target_date is None


def test_put_with_an_empty_body_names_what_is_required(owner_api, owner):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    body = error(owner_api.put(f"/api/v1/goals/{trip.pk}/", {}, format="json"), 400)
    assert set(body["fields"]) == {"name", "kind"}


def test_patch_an_emergency_funds_months(owner_api, owner):
    fund = goal(owner, "Fund", "emergency")
    body = ok(owner_api.patch(f"/api/v1/goals/{fund.pk}/", {"emergency_months": 6}, format="json"))
    assert body["emergency_months"] == 6 and body["kind"] == "emergency"
    body = error(owner_api.patch(f"/api/v1/goals/{fund.pk}/", {"emergency_months": 7}, format="json"), 400)
    assert body["fields"] == {"emergency_months": ["An emergency fund holds 3 to 6 months of essential spending."]}


def test_delete_a_goal_with_its_contributions(owner_api, owner, mine):
    response = owner_api.delete(f"/api/v1/goals/{mine['goal']}/")
    assert response.status_code == 204 and not response.content
    assert not Goal.objects.exists() and not Contribution.objects.exists()
    error(owner_api.get(f"/api/v1/goals/{mine['goal']}/"), 404)


# ---- contributions ---------------------------------------------------------------------------------------------

def test_contributions_add_list_newest_first_and_delete(owner_api, owner, today):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    url = f"/api/v1/goals/{trip.pk}/contributions/"
    older = ok(owner_api.post(url, {"amount": "200.00", "date": (today - dt.timedelta(days=3)).isoformat(),
                                    "note": "  birthday money "}, format="json"), 201)
    assert set(older) == {"id", "date", "amount", "note", "created_at"}
    assert older["amount"] == "200.00" and older["note"] == "birthday money"
    newer = ok(owner_api.post(url, {"amount": "-50.00"}, format="json"), 201)
    assert newer["date"] == today.isoformat() and newer["note"] == ""
    body = ok(owner_api.get(url))
    assert set(body) == ENVELOPE_KEYS and body["count"] == 2
    assert [item["id"] for item in body["results"]] == [newer["id"], older["id"]]
    assert ok(owner_api.get(f"/api/v1/goals/{trip.pk}/"))["saved"] == "150.00"
    response = owner_api.delete(f"{url}{older['id']}/")
    assert response.status_code == 204
    assert ok(owner_api.get(f"/api/v1/goals/{trip.pk}/"))["saved"] == "-50.00"
    error(owner_api.delete(f"{url}{older['id']}/"), 404)


@pytest.mark.parametrize(("sent", "field", "message"), [
    ({"amount": "0"}, "amount", "A contribution is more or less than 0."),
    ({"amount": "10", "date": "2999-01-01"}, "date", "A contribution cannot be dated in the future."),
    ({"amount": "ten"}, "amount", "Enter a number, such as 12.50."),
    ({}, "amount", "This field is required."),
    ({"amount": "10", "note": "x" * 201}, "note", "Keep this to 200 characters."),
])
def test_a_bad_contribution_is_a_400_naming_the_field(owner_api, owner, sent, field, message):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    body = error(owner_api.post(f"/api/v1/goals/{trip.pk}/contributions/", sent, format="json"), 400)
    assert body["fields"] == {field: [message]}
    assert not Contribution.objects.exists()


def test_another_users_goal_and_contributions_are_404(owner_api, other_api, owner, other_user, mine):
    url = f"/api/v1/goals/{mine['goal']}/contributions/"
    error(other_api.get(url), 404)
    error(other_api.post(url, {"amount": "10.00"}, format="json"), 404)
    error(other_api.post(url, {}, format="json"), 404)  # a 404, not a 400 that confirms the goal exists
    error(other_api.delete(f"{url}{mine['contribution']}/"), 404)
    # Their contribution through a goal of one's own is not found either.
    theirs = goal(other_user, "Oscar's goal", target_amount=Decimal("100"))
    error(other_api.delete(f"/api/v1/goals/{theirs.pk}/contributions/{mine['contribution']}/"), 404)
    # Nor one of my contributions through another goal of mine.
    sofa = goal(owner, "Sofa", target_amount=Decimal("100"))
    error(owner_api.delete(f"/api/v1/goals/{sofa.pk}/contributions/{mine['contribution']}/"), 404)
    assert Contribution.objects.count() == 1
    assert ok(other_api.get(f"/api/v1/goals/{theirs.pk}/contributions/"))["count"] == 0


# ---- the plan and the what-if ----------------------------------------------------------------------------------

def test_before_the_first_plan_a_404_says_why_and_nothing_is_computed(owner_api, owner):
    goal(owner, "Trip", target_amount=Decimal("1000"))
    body = error(owner_api.get("/api/v1/goals/plan/"), 404)
    assert body == {"message": "Your goal plan appears once Finsight has worked it out; that happens within a "
                               "minute or so of adding a goal, and each night.",
                    "code": "plan_not_ready", "fields": {}, "extra": {}}
    body = error(owner_api.post("/api/v1/goals/what-if/", {"extra": "100.00"}, format="json"), 404)
    assert body["code"] == "plan_not_ready"
    assert not GoalPlan.objects.exists() and not ReadinessReport.objects.exists()


def test_the_stored_plan(owner_api, owner, ledger, savings, month, trip_date):
    fund = goal(owner, "Emergency fund", "emergency", accounts=((savings.pk, 100),))
    trip = goal(owner, "Lisbon trip", target_amount=Decimal("2800"), target_date=trip_date)
    worked_out(owner)
    body = ok(owner_api.get("/api/v1/goals/plan/"))
    assert set(body) == {"currency", "month", "surplus", "extra", "allocated", "unallocated", "goals",
                         "computed_at", "reason", "updating"}
    assert body["currency"] == "EUR" and body["month"] == month.isoformat()
    assert body["reason"] == "goal changed" and body["updating"] is False
    assert body["surplus"]["safe"] == str(SAFE) and body["extra"] == "0.00"
    # the fund is covered by the savings; the trip takes all 1,400 and is reached next month
    assert body["allocated"] == "1400.00" and body["unallocated"] == "0.00"
    rows = {row["goal_id"]: row for row in body["goals"]}
    assert set(rows) == {fund.pk, trip.pk} and all(set(row) == PLAN_ROW_KEYS for row in rows.values())
    assert rows[trip.pk]["monthly"] == "1400.00" and rows[trip.pk]["reached_on"] == month_add(month, 1).isoformat()
    assert rows[trip.pk]["needed_monthly"] == "700.00" and rows[trip.pk]["on_track"] is True
    assert rows[trip.pk]["confidence"] == 1.0
    assert rows[fund.pk]["saved"] == "5000.00" and rows[fund.pk]["progress"] == 1.0
    # each goal carries its own row
    detail = ok(owner_api.get(f"/api/v1/goals/{trip.pk}/"))
    assert detail["plan"] == rows[trip.pk] and detail["plan_computed_at"] == body["computed_at"]


def test_the_plan_says_updating_until_the_worker_counts_a_change(owner_api, owner, ledger):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    worked_out(owner)
    assert ok(owner_api.get("/api/v1/goals/plan/"))["updating"] is False
    ok(owner_api.post(f"/api/v1/goals/{trip.pk}/contributions/", {"amount": "100.00"}, format="json"), 201)
    assert ok(owner_api.get("/api/v1/goals/plan/"))["updating"] is True
    worked_out(owner)
    assert ok(owner_api.get("/api/v1/goals/plan/"))["updating"] is False
    goal(owner, "Sofa", target_amount=Decimal("900"))
    body = ok(owner_api.get("/api/v1/goals/"))
    assert ok(owner_api.get("/api/v1/goals/plan/"))["updating"] is True
    assert [item["plan"] is None for item in body["results"]] == [False, True]


def test_what_if_saving_more_and_another_date_changes_nothing_stored(owner_api, owner, ledger, month, trip_date):
    car = goal(owner, "Car", target_amount=Decimal("30000"), target_date=month_add(month, 5) + dt.timedelta(days=14))
    worked_out(owner)
    stored = GoalPlan.objects.get()
    body = ok(owner_api.post("/api/v1/goals/what-if/", {"extra": "600.00"}, format="json"))
    assert set(body) == {"currency", "month", "surplus", "extra", "allocated", "unallocated", "goals"}
    assert body["extra"] == "600.00" and body["allocated"] == "2000.00"
    [row] = body["goals"]
    # 30,000 at 2,000 a month: fifteen months, still after its date
    assert row["goal_id"] == car.pk and row["reached_on"] == month_add(month, 14).isoformat()
    assert row["on_track"] is False
    later = month_add(month, 24).isoformat()
    body = ok(owner_api.post("/api/v1/goals/what-if/", {"extra": "600.00", "dates": {str(car.pk): later}},
                             format="json"))
    assert body["goals"][0]["target_date"] == later and body["goals"][0]["on_track"] is True
    body = ok(owner_api.post("/api/v1/goals/what-if/", {"dates": {str(car.pk): None}}, format="json"))
    assert body["extra"] == "0.00" and body["goals"][0]["target_date"] is None
    assert body["goals"][0]["needed_monthly"] is None
    assert GoalPlan.objects.get().result == stored.result and GoalPlan.objects.get().computed_at == stored.computed_at


def test_a_bad_what_if_is_a_400_naming_the_number_or_date(owner_api, owner, other_user, ledger, month, today):
    car = goal(owner, "Car", target_amount=Decimal("30000"), target_date=month_add(month, 6))
    fund = goal(owner, "Fund", "emergency")
    theirs = goal(other_user, "Boat", target_amount=Decimal("100"))
    worked_out(owner)
    url = "/api/v1/goals/what-if/"
    for sent, fields in [
        ({"extra": "lots"}, {"extra": ["Enter a number, such as 12.50."]}),
        ({"extra": "-10.00"}, {"extra": ["Enter 0 or more."]}),
        ({"dates": {str(car.pk): today.isoformat()}}, {f"dates.{car.pk}": ["Choose a date after today."]}),
        ({"dates": {str(car.pk): "3000-01-01"}}, {f"dates.{car.pk}": ["Choose a date within 50 years."]}),
        ({"dates": {str(car.pk): "someday"}},
         {f"dates.{car.pk}": ["Enter a date as YYYY-MM-DD, such as 2026-03-31."]}),
        ({"dates": {str(theirs.pk): "2040-01-01"}},
         {f"dates.{theirs.pk}": ["Not a goal of your plan: give the id of one of your goals."]}),
        ({"dates": {str(fund.pk): "2040-01-01"}}, {f"dates.{fund.pk}": ["An emergency fund has no date."]}),
        ({"dates": ["2040-01-01"]}, {"dates": ['Expected a dictionary of items but got type "list".']}),
    ]:
        assert error(owner_api.post(url, sent, format="json"), 400)["fields"] == fields, sent


# ---- readiness and the questionnaire ---------------------------------------------------------------------------

def test_before_the_first_readiness_a_404_says_why(owner_api, owner):
    body = error(owner_api.get("/api/v1/readiness/"), 404)
    assert body["code"] == "readiness_not_ready" and "investment readiness appears" in body["message"]
    assert not ReadinessReport.objects.exists()


def test_the_stored_readiness(owner_api, owner, ledger, savings):
    goal(owner, "Emergency fund", "emergency", accounts=((savings.pk, 100),))
    worked_out(owner)
    report = ReadinessReport.objects.get()
    body = ok(owner_api.get("/api/v1/readiness/"))
    assert body["score"] == report.score and body["ready"] is report.ready and body["updating"] is False
    assert body["computed_at"] and body["currency"] == "EUR"
    assert [gate["key"] for gate in body["gates"]] == ["emergency", "surplus", "volatility", "alerts", "debt",
                                                       "goals"]
    assert {component["key"]: component["weight"] for component in body["components"]} == readiness.WEIGHTS
    assert body["disclaimer"] == readiness.DISCLAIMER and body["summary"].startswith(f"{report.score} of 100")
    if body["ready"]:
        assert body["projections"] and body["horizon_years"] and body["category"] in {"debt", "hybrid", "equity"}
        assert body["projections"][0]["yearly"][0]["year"] == 0
    else:
        assert body["projections"] == [] and body["monthly_investable"] is None


def test_a_ready_person_gets_the_amounts_category_and_projections(owner_api, owner, ledger, savings):
    goal(owner, "Emergency fund", "emergency", accounts=((savings.pk, 100),))
    RiskProfile.objects.create(user=owner, answers=ANSWERS)
    worked_out(owner)
    body = ok(owner_api.get("/api/v1/readiness/"))
    assert body["ready"] is True, body["gates"]
    assert body["monthly_investable"] == "1400.00" and body["horizon_years"] == 10
    assert body["category"] in {"hybrid", "equity"} and body["category_reason"]
    assert len(body["projections"]) == len(readiness.instruments()["categories"])
    projection = body["projections"][0]
    assert projection["years"] == 10 and len(projection["yearly"]) == 11
    assert [year["year"] for year in projection["yearly"]][:3] == [0, 1, 2]
    assert Decimal(projection["low"]) <= Decimal(projection["mid"]) <= Decimal(projection["high"])


def test_the_questionnaire_its_answers_and_updating(owner_api, owner, ledger):
    body = ok(owner_api.get("/api/v1/readiness/questionnaire/"))
    assert [question["key"] for question in body["questions"]] == list(readiness.QUESTIONS)
    horizon = body["questions"][0]
    assert horizon["text"] == readiness.QUESTIONS["horizon"]["text"]
    assert horizon["choices"][0] == {"value": "under_3", "label": "Within 3 years"}
    assert body["answers"] == {"horizon": None, "drop": None, "experience": None} and body["answered_at"] is None

    goal(owner, "Trip", target_amount=Decimal("100"))
    worked_out(owner)
    body = ok(owner_api.put("/api/v1/readiness/questionnaire/", ANSWERS, format="json"))
    assert body["answers"] == ANSWERS and body["answered_at"]
    assert RiskProfile.objects.get(user=owner).answers == ANSWERS
    assert ok(owner_api.get("/api/v1/readiness/questionnaire/"))["answers"] == ANSWERS
    assert ok(owner_api.get("/api/v1/readiness/"))["updating"] is True  # the worker has not counted them yet
    worked_out(owner)
    assert ok(owner_api.get("/api/v1/readiness/"))["updating"] is False


@pytest.mark.parametrize(("sent", "fields"), [
    ({"horizon": "over_7", "drop": "wait"}, {"experience": ["This field is required."]}),
    ({**ANSWERS, "drop": "panic"}, {"drop": ['"panic" is not a valid choice.']}),
    ({}, {"horizon": ["This field is required."], "drop": ["This field is required."],
          "experience": ["This field is required."]}),
])
def test_a_missing_or_unknown_answer_is_a_400_naming_the_question(owner_api, owner, sent, fields):
    body = error(owner_api.put("/api/v1/readiness/questionnaire/", sent, format="json"), 400)
    assert body["fields"] == fields
    assert not RiskProfile.objects.exists()


# ---- another user ----------------------------------------------------------------------------------------------

def test_another_user_sees_nothing_of_yours(owner_api, other_api, owner, ledger, savings, mine):
    RiskProfile.objects.create(user=owner, answers=ANSWERS)
    worked_out(owner)
    assert ok(other_api.get("/api/v1/goals/"))["count"] == 0
    assert error(other_api.get("/api/v1/goals/plan/"), 404)["code"] == "plan_not_ready"
    assert error(other_api.post("/api/v1/goals/what-if/", {"dates": {str(mine["goal"]): "2040-01-01"}},
                                format="json"), 404)["code"] == "plan_not_ready"
    assert error(other_api.get("/api/v1/readiness/"), 404)["code"] == "readiness_not_ready"
    assert ok(other_api.get("/api/v1/readiness/questionnaire/"))["answers"] == {
        "horizon": None, "drop": None, "experience": None}
    # and the owner still has it all
    assert ok(owner_api.get("/api/v1/goals/"))["count"] == 1
    assert ok(owner_api.get("/api/v1/goals/plan/"))["goals"][0]["goal_id"] == mine["goal"]


def test_another_users_goal_in_a_what_if_is_refused(owner_api, other_api, owner, other_user, ledger):
    goal(owner, "Trip", target_amount=Decimal("1000"))
    theirs = goal(other_user, "Boat", target_amount=Decimal("100"), target_date=dt.date(2035, 1, 1))
    worked_out(owner)
    body = error(owner_api.post("/api/v1/goals/what-if/", {"dates": {str(theirs.pk): "2040-01-01"}},
                                format="json"), 400)
    assert list(body["fields"]) == [f"dates.{theirs.pk}"] and "Boat" not in body["message"]


# ---- the schema ------------------------------------------------------------------------------------------------

def test_the_schema_documents_the_not_ready_answers(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "plan_not_ready" in paths["/api/v1/goals/plan/"]["get"]["responses"]["404"]["description"]
    assert "plan_not_ready" in paths["/api/v1/goals/what-if/"]["post"]["responses"]["404"]["description"]
    assert "readiness_not_ready" in paths["/api/v1/readiness/"]["get"]["responses"]["404"]["description"]
    assert set(paths["/api/v1/goals/{id}/"]) == {"get", "put", "patch", "delete"}
    assert set(paths["/api/v1/goals/{goal_pk}/contributions/{id}/"]) == {"delete"}
    questionnaire = paths["/api/v1/readiness/questionnaire/"]["put"]["requestBody"]["content"]
    ref = questionnaire["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["required"]) == set(readiness.QUESTIONS)


def test_every_answer_matches_its_own_schema(owner, ledger, savings, month, wsgi_app):  # noqa: F811 - the fixture
    fund = goal(owner, "Emergency fund", "emergency", accounts=((savings.pk, 100),))
    trip = goal(owner, "Trip", target_amount=Decimal("2800"), target_date=month_add(month, 3))
    goal(owner, "Someday", target_amount=Decimal("999999999999.99"), priority=3)  # never reached: nulls
    Contribution.objects.create(goal=trip, amount=Decimal("10.00"), date=dt.date(2026, 1, 1), note="first")
    RiskProfile.objects.create(user=owner, answers=ANSWERS)
    worked_out(owner)
    assert ReadinessReport.objects.get().ready  # so that the projections are checked too
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(owner).access_token}"}
    calls = [
        ("/api/v1/goals/", "GET", {}, None),
        ("/api/v1/goals/{id}/", "GET", {"id": fund.pk}, None),
        ("/api/v1/goals/{id}/", "PATCH", {"id": trip.pk}, {"priority": 1}),
        ("/api/v1/goals/{goal_pk}/contributions/", "GET", {"goal_pk": trip.pk}, None),
        ("/api/v1/goals/{goal_pk}/contributions/", "POST", {"goal_pk": trip.pk}, {"amount": "5.00"}),
        ("/api/v1/goals/plan/", "GET", {}, None),
        ("/api/v1/goals/what-if/", "POST", {}, {"extra": "50.00", "dates": {str(trip.pk): None}}),
        ("/api/v1/readiness/", "GET", {}, None),
        ("/api/v1/readiness/questionnaire/", "GET", {}, None),
        ("/api/v1/readiness/questionnaire/", "PUT", {}, ANSWERS),
        ("/api/v1/goals/", "POST", {}, {"name": "Bike", "kind": "short_term", "target_amount": "500.00"}),
    ]
    for path, method, path_parameters, body in calls:
        operation = schema[path][method]
        kwargs = {"path_parameters": path_parameters} if path_parameters else {}
        if body is not None:
            kwargs |= {"body": body, "media_type": "application/json"}
        case = operation.Case(**kwargs)
        response = case.call(headers=headers)
        assert response.status_code in {200, 201}, (method, path, response.text[:500])
        case.validate_response(response, checks=[response_schema_conformance])
