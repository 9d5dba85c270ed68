"""The API contract, endpoint by endpoint, driven by the OpenAPI schema so that a new endpoint is covered too:
every error has the one JSON shape, every list the one envelope, another user's object is a 404, and nothing
under /api/ answers HTML."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from advisor.models import Conversation, Message, MonthlyLetter
from alerts.services import alerts_record
from billing.models import Invoice, Plan, Subscription, SubscriptionStatus
from budgets.services import budget_set
from goals import services as goals
from goals.refresh import goals_refresh
from goals.services import GoalFields
from groups import services as groups
from groups.models import Membership
from groups.services import Part
from mlcore.services import Factor, Finding, RiskLevel
from notifications.models import NotificationKind
from privacy.models import DataExport, DataExportStatus, DataImport, DataImportStatus
from receipts.tests.conftest import ready_receipt
from notifications.services import notification_create
from payments.models import SubscriptionSuggestion
from payments.services import recurring_payment_create
from transactions import rules, services
from transactions.models import ImportBatch, ImportStatus, TransactionExport
from transactions.tests.factories import AccountFactory, TransactionFactory, category

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"message", "code", "fields", "extra"}
ENVELOPE_KEYS = {"count", "next", "previous", "results"}
METHODS = ("get", "post", "put", "patch", "delete")
NO_SUCH_ID = "999999999999"
DUE = "2026-03-01"


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in schema["paths"].items()
            for method, operation in item.items() if method in METHODS]


def _client(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture(autouse=True)
def _billing_on(settings):
    # Billing's endpoints answer 404 while it is off (the default); on, they are walked like every other.
    settings.BILLING_ENABLED = True


@dataclass
class World:
    """One of everything for a user, so that every path can be filled with ids of theirs."""

    ids: dict[str, Any]

    def url(self, path: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            resource = _resource(path, name)
            return str(self.ids[resource])
        return re.sub(r"\{(\w+)\}", value, path)


def _resource(path: str, name: str) -> str:
    """Which of the world's objects a path parameter names: the segment before it decides."""
    if name == "due_date":
        return "due_date"
    if name == "token":
        return "invite_token"
    if name == "user_id":
        return "member"
    before = path.split("{" + name + "}")[0].rstrip("/").split("/")
    segment = before[-1]
    if segment == "suggestions" and "bills" in before:
        return "bill_suggestion"
    return {"accounts": "account", "alerts": "alert", "bills": "bill", "budgets": "budget", "categories": "category",
            "goals": "goal", "contributions": "contribution",
            "conversations": "conversation", "letters": "letter",
            "groups": "group", "expenses": "expense", "invites": "group_invite", "settlements": "settlement",
            "imports": "import", "exports": "export", "notifications": "notification", "review": "review", "rules": "rule",
            "transactions": "transaction", "receipts": "receipt", "data-exports": "data_export",
            "data-imports": "data_import", "invoices": "invoice"}[segment]


def world_of(user, *, invitee_email: str) -> World:
    account = AccountFactory(owner=user, name=f"{user.display_name}'s checking", currency="EUR")
    own_category = services.category_create(user=user, name=f"Hobby of {user.pk}")
    txn = TransactionFactory(owner=user, account=account, amount=Decimal("-12.50"), description="REWE 42")
    waiting = TransactionFactory(owner=user, account=account, amount=Decimal("-9.99"), description="NETFLIX",
                                 category=None, suggested_category=category("entertainment.streaming_services"),
                                 needs_review=True)
    rule = rules.rule_create(user=user, data={"name": "Groceries", "match_value": "rewe",
                                              "set_category": category("food_drink.groceries")})
    budget = budget_set(user=user, category=category("food_drink"), month=dt.date(2026, 3, 1), amount="300")
    bill = recurring_payment_create(user=user, name="Rent", payee="Landlord", amount=Decimal("900.00"),
                                    currency="EUR", start_date=dt.date(2026, 1, 1))
    suggestion = SubscriptionSuggestion.objects.create(
        user=user, merchant_key="spotify", merchant="Spotify", frequency="monthly", interval_days=30,
        amount=Decimal("9.99"), currency="EUR", first_date=dt.date(2026, 1, 5), last_date=dt.date(2026, 3, 5),
        next_date=dt.date(2026, 4, 5), charge_count=3, confidence=Decimal("0.9"))
    batch = ImportBatch.objects.create(owner=user, account=account, filename="export.csv",
                                       status=ImportStatus.NEEDS_MAPPING)
    notification = notification_create(user=user, kind=NotificationKind.BILL_DUE, title="Rent is due")
    export = TransactionExport.objects.create(owner=user)
    friend = UserFactory(email=f"friend-of-{user.pk}@example.com")
    group = groups.group_create(user=user, name="Flat", currency="EUR")
    Membership.objects.create(group=group, user=friend)
    expense = groups.expense_create(group=group, user=user, description="Dinner", amount=Decimal("60.00"),
                                    on=dt.date(2026, 3, 2), payers=[Part(user.pk)],
                                    shares=[Part(user.pk), Part(friend.pk)])
    settlement = groups.settlement_create(group=group, user=user, payer_id=friend.pk, payee_id=user.pk,
                                          amount=Decimal("10.00"))
    invite = groups.invite_create(group=group, inviter=user, email=invitee_email)
    [alert] = alerts_record(user=user, findings=[Finding(txn.pk, RiskLevel.LOW, 0.3, (
        Factor("amount", 0.3, "A little more than you usually spend at REWE"),))])
    goal = goals.goal_create(user=user, fields=GoalFields(
        name="Bike", kind="short_term", target_amount=Decimal("800.00"), target_date=dt.date(2030, 6, 1),
        accounts=((account.pk, 50),)))
    contribution = goals.contribution_add(user=user, goal=goal, amount=Decimal("25.00"), date=dt.date(2026, 3, 1))
    goals_refresh(user=user, reason="goal added")  # the worker's plan and readiness, so that they answer 200
    conversation = Conversation.objects.create(user=user, title="Where does my money go?")
    Message.objects.create(conversation=conversation, role=Message.Role.USER, text="Where does my money go?")
    letter = MonthlyLetter.objects.create(user=user, month=dt.date(2026, 2, 1), subject="Your February 2026 in review",
                                          went_well="You saved more.", changed="Rent rose.", suggestion="Keep going.")
    receipt = ready_receipt(user, on=dt.date(2026, 3, 2), total="12.50")
    data_export = DataExport.objects.create(owner=user, status=DataExportStatus.READY, file_name="")
    data_import = DataImport.objects.create(owner=user, status=DataImportStatus.FAILED, error="Not a zip archive.")
    plan, _ = Plan.objects.get_or_create(slug="plus", defaults={"name": "Plus", "price": Decimal("4.99"),
                                                                "stripe_price_id": "price_plus"})
    subscription = Subscription.objects.create(user=user, plan=plan, status=SubscriptionStatus.ACTIVE)
    invoice = Invoice.objects.create(user=user, subscription=subscription, stripe_invoice_id=f"in_{user.pk}",
                                     amount=Decimal("4.99"), currency="EUR", status="paid",
                                     created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    return World(ids={
        "invoice": invoice.pk, "receipt": receipt.pk, "data_export": data_export.pk, "data_import": data_import.pk,
        "account": account.pk, "category": own_category.pk, "transaction": txn.pk, "review": waiting.pk,
        "rule": rule.pk, "budget": budget.pk, "bill": bill.pk, "bill_suggestion": suggestion.pk,
        "import": batch.pk, "export": export.pk, "notification": notification.pk, "group": group.pk, "expense": expense.pk,
        "settlement": settlement.pk, "group_invite": invite.pk, "invite_token": invite.token, "member": friend.pk,
        "due_date": DUE, "alert": alert.pk, "goal": goal.pk, "contribution": contribution.pk,
        "conversation": conversation.pk, "letter": letter.pk,
    })


@pytest.fixture
def worlds(owner, other_user):
    # Each invites someone who is not the other: answering an invitation is the invitee's alone.
    return world_of(owner, invitee_email="someone@example.com"), world_of(other_user, invitee_email="nobody@x.org")


def assert_error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["fields"], dict) and isinstance(body["extra"], dict)
    return body


# --- the schema ---------------------------------------------------------------------------------------------

def test_every_error_response_in_the_schema_is_the_error_shape(schema):
    assert set(schema["components"]["schemas"]["Error"]["required"]) == ERROR_KEYS
    for path, method, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code[0] in "45":
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)
        assert {"401", "429", "500", "503"} <= operation["responses"].keys(), (method, path)
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_no_list_in_the_schema_is_a_bare_array(schema):
    components = schema["components"]["schemas"]
    for path, method, operation in operations(schema):
        success = operation["responses"].get("200") or operation["responses"].get("201") or {}
        body = success.get("content", {}).get("application/json", {}).get("schema", {})
        assert body.get("type") != "array", (method, path)
        if "$ref" in body:
            component = components[body["$ref"].rsplit("/", 1)[1]]
            assert component.get("type") != "array", (method, path)
            if "results" in component.get("properties", {}):
                assert ENVELOPE_KEYS <= component["properties"].keys(), (method, path)


# --- every endpoint -----------------------------------------------------------------------------------------

def test_every_list_endpoint_answers_the_envelope(schema, owner, worlds):
    mine, _ = worlds
    client = _client(owner)
    lists = 0
    for path, method, operation in operations(schema):
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")
        if method != "get" or not body or "$ref" not in body:
            continue
        component = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        if "results" not in component.get("properties", {}):
            continue
        response = client.get(mine.url(path))
        assert response.status_code == 200, (path, response.content[:300])
        data = response.json()
        assert ENVELOPE_KEYS <= data.keys(), (path, data)
        assert isinstance(data["results"], list) and data["count"] == len(data["results"]), path
        assert data["next"] is None and data["previous"] is None, path
        lists += 1
    assert lists >= 25  # the schema lists them all; a broken walk must not pass by testing nothing


def test_a_write_that_answers_a_list_answers_the_envelope(owner, worlds):
    # The schema alone claimed it for this one; accepting every budget suggestion is checked in budgets' tests.
    response = _client(owner).post("/api/v1/rules/reorder/", {"ids": [worlds[0].ids["rule"]]}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert ENVELOPE_KEYS <= response.json().keys() and response.json()["count"] == 1


def test_the_envelope_pages_with_page_and_page_size(owner, account):
    for day in range(1, 8):
        TransactionFactory(owner=owner, account=account, date=dt.date(2026, 3, day))
    client = _client(owner)
    first = client.get("/api/v1/transactions/?page_size=3&page=1").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (7, 3, None)
    last = client.get(first["next"].replace("http://testserver", "").replace("page=2", "page=3")).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert_error(client.get("/api/v1/transactions/?page=99"), 404)


def test_the_envelope_pages_by_cursor_with_the_same_keys(owner, account):
    """The transaction list pages by position (core.api.KeysetPagination): the same keys, count null unless whole."""
    for day in range(1, 8):
        TransactionFactory(owner=owner, account=account, date=dt.date(2026, 3, day))
    client = _client(owner)
    first = client.get("/api/v1/transactions/?page_size=3").json()
    assert (first.keys(), first["count"], len(first["results"]), first["previous"]) == (ENVELOPE_KEYS, None, 3, None)
    second = client.get(first["next"].replace("http://testserver", "")).json()
    last = client.get(second["next"].replace("http://testserver", "")).json()
    assert (len(last["results"]), last["next"], bool(last["previous"])) == (1, None, True)


def test_another_users_objects_are_404_on_every_endpoint(schema, owner, worlds):
    _, theirs = worlds
    client = _client(owner)
    checked = 0
    for path, method, _operation in operations(schema):
        names = re.findall(r"\{(\w+)\}", path)
        if not names or names == ["due_date"]:
            continue
        response = getattr(client, method)(theirs.url(path), {}, format="json")
        if "token" in names:  # holding someone else's invitation link: refused, saying whom it was for
            assert assert_error(response, 403)["code"] == "permission_denied", (method, path)
            continue
        body = assert_error(response, 404)
        assert body["code"] == "not_found", (method, path)
        checked += 1
    assert checked >= 50


def test_unknown_ids_are_404_in_the_error_shape(schema, owner, worlds):
    mine, _ = worlds
    client = _client(owner)
    for path, method, _operation in operations(schema):
        if "{id}" not in path:
            continue
        url = mine.url(path.replace("{id}", NO_SUCH_ID))
        assert_error(getattr(client, method)(url, {}, format="json"), 404)


def test_without_signing_in_every_private_endpoint_is_401_in_the_error_shape(schema, worlds):
    mine, _ = worlds
    client = APIClient(raise_request_exception=False)
    checked = 0
    for path, method, operation in operations(schema):
        if {} in operation.get("security", [{}]):
            continue  # sign-up, token, password reset: open by design
        body = assert_error(getattr(client, method)(mine.url(path), {}, format="json"), 401)
        assert body["code"] in {"not_authenticated", "authentication_failed"}, (method, path)
        checked += 1
    assert checked >= 70


def test_a_method_an_endpoint_does_not_have_is_405_in_the_error_shape(schema, owner, worlds):
    mine, _ = worlds
    client = _client(owner)
    for path, item in schema["paths"].items():
        missing = [m for m in METHODS if m not in item]
        if not missing:
            continue
        body = assert_error(getattr(client, missing[0])(mine.url(path), {}, format="json"), 405)
        assert body["code"] == "method_not_allowed", path


def test_an_empty_body_where_fields_are_required_is_400_naming_them(schema, owner, worlds):
    mine, _ = worlds
    client = _client(owner)
    components = schema["components"]["schemas"]
    checked = named = 0
    for path, method, operation in operations(schema):
        if method not in {"post", "put"} or "requestBody" not in operation:
            continue
        content = operation["requestBody"]["content"]
        media_type = "application/json" if "application/json" in content else "multipart/form-data"
        ref = content.get(media_type, {}).get("schema", {}).get("$ref")
        required = components[ref.rsplit("/", 1)[1]].get("required", []) if ref else []
        if not required or {} in operation.get("security", [{}]):
            continue
        request_format = "json" if media_type == "application/json" else "multipart"
        body = assert_error(getattr(client, method)(mine.url(path), {}, format=request_format), 400)
        assert body["code"] == "invalid", (method, path, body)
        named += bool(set(required) & set(body["fields"]))
        checked += 1
    assert checked >= 20
    # A rule preview, say, answers what is missing as a whole ("add at least one condition") instead.
    assert named >= checked - 2


def test_a_service_refusal_is_a_400_in_the_error_shape_with_its_message(owner, account):
    client = _client(owner)
    TransactionFactory(owner=owner, account=account)
    mine = services.category_create(user=owner, name="Boat")
    TransactionFactory(owner=owner, account=account, category=mine)
    body = assert_error(client.delete(f"/api/v1/categories/{mine.pk}/"), 400)
    assert body["code"] == "invalid" and "merge" in body["message"].lower()


def test_nested_field_errors_are_named_by_dotted_path(owner, account):
    txn = TransactionFactory(owner=owner, account=account, amount=Decimal("-30.00"))
    client = _client(owner)
    body = assert_error(client.put(f"/api/v1/transactions/{txn.pk}/splits/", [
        {"category": category("food_drink.groceries").pk, "amount": "-20.00"},
        {"category": category("food_drink.coffee_shops").pk, "amount": "lots"},
    ], format="json"), 400)
    assert list(body["fields"]) == ["1.amount"]  # the second part's amount
    assert body["message"] == "1.amount: Enter a number, such as 12.50."


# --- outside the views --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/transactions/abc/", "/api/nothing",
                                  "/api/v2/transactions/"])
def test_an_unknown_api_path_is_a_json_404(path, owner):
    body = assert_error(_client(owner).get(path), 404)
    assert body["code"] == "not_found" and path in body["message"]


def test_a_crash_under_api_is_a_json_500_that_says_nothing_changed(owner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("transactions.api.views.selectors.account_list", broken)
    body = assert_error(_client(owner).get("/api/v1/accounts/"), 500)
    assert body["code"] == "server_error" and "fire" not in body["message"]


def test_pages_keep_their_html_error_pages(owner):
    client = Client()
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_the_api_never_answers_html_even_to_a_browser(owner):
    client = _client(owner)
    for path in ("/api/v1/", "/api/v1/accounts/", "/api/v1/nope/"):
        response = client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert "html" not in response["Content-Type"], path


def test_a_throttled_request_is_429_in_the_error_shape_with_retry_after(api_client, owner, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "token": "2/min"}}
    for _ in range(2):
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong"}, format="json")
    response = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong"}, format="json")
    body = assert_error(response, 429)
    assert body["code"] == "throttled" and int(response["Retry-After"]) > 0


def test_a_bad_token_is_401_in_the_error_shape():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    body = assert_error(client.get("/api/v1/accounts/"), 401)
    assert body["code"] == "token_not_valid"


def test_the_interactive_docs_are_a_page_outside_the_api():
    assert Client().get("/docs/api/").status_code == 200
    assert Client().get("/api/docs/")["Content-Type"].startswith("application/json")
