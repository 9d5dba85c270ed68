"""The advisor API: asking (the answer with its figures, continuing a conversation, keeping none), conversations
(the envelope and its query count, one with its messages, deleting one or all), the retention setting; signed out,
another user's conversation a 404 on every endpoint, the error shape, and answers that match their own schema."""

from __future__ import annotations

import pytest
import schemathesis
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from advisor.models import AdvisorSettings, Conversation, Message, Method, Retention, Status
from goals.tests.history import year_of_money
from tests.test_api_schemathesis import wsgi_app  # noqa: F401 - the fixture
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"message", "code", "fields", "extra"}
ENVELOPE_KEYS = {"count", "next", "previous", "results"}
ANSWER_KEYS = {"answer", "facts", "links", "method", "status", "intent", "disclaimer", "suggestions", "computed_at",
               "conversation", "message"}
FACT_KEYS = {"key", "label", "value", "text", "kind", "currency", "period", "link"}
MESSAGE_KEYS = {"id", "role", "text", "facts", "links", "method", "status", "intent", "disclaimer", "suggestions",
                "computed_at", "created_at"}
WHERE = "Where did my money go last month?"


@pytest.fixture
def household(owner):
    account = AccountFactory(owner=owner, name="Current")
    year_of_money(account, today=owner.financial_profile.local_today())
    return account


def conversation_of(user, title: str = "Old question") -> Conversation:
    conversation = Conversation.objects.create(user=user, title=title)
    Message.objects.create(conversation=conversation, role=Message.Role.USER, text=title)
    Message.objects.create(conversation=conversation, role=Message.Role.ADVISOR, text="An answer.",
                           method=Method.TEMPLATE, status=Status.ANSWERED)
    return conversation


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    return body


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:1000])
    return response.json()


ENDPOINTS = [("post", "/api/v1/advisor/ask/"), ("get", "/api/v1/advisor/conversations/"),
             ("delete", "/api/v1/advisor/conversations/"), ("get", "/api/v1/advisor/conversations/{id}/"),
             ("delete", "/api/v1/advisor/conversations/{id}/"), ("get", "/api/v1/advisor/settings/"),
             ("put", "/api/v1/advisor/settings/")]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_signed_out_every_endpoint_is_a_401_in_the_error_shape(api_client, owner, method, path):
    mine = conversation_of(owner)
    body = error(getattr(api_client, method)(path.format(id=mine.pk), {"question": WHERE}, format="json"), 401)
    assert body["code"] == "not_authenticated"
    assert Conversation.objects.count() == 1 and Message.objects.count() == 2


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_nothing_answers_html_even_to_a_browser(owner_api, owner, method, path):
    mine = conversation_of(owner)
    response = getattr(owner_api, method)(path.format(id=mine.pk), HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response["Content-Type"].startswith("application/json"), (method, path)


# ---- asking --------------------------------------------------------------------------------------------------

def test_asking_answers_with_the_figures_used_and_stores_the_conversation(owner_api, owner, household):
    body = ok(owner_api.post("/api/v1/advisor/ask/", {"question": WHERE}, format="json"))

    assert set(body) == ANSWER_KEYS
    conversation = Conversation.objects.get(user=owner)
    stored = conversation.messages.get(role=Message.Role.ADVISOR)
    assert body["conversation"] == conversation.pk and body["message"] == stored.pk
    assert "you spent EUR 1,600.00" in body["answer"] and body["answer"] == stored.text
    assert (body["method"], body["status"], body["intent"]) == ("template", "answered", "where_money_goes")
    assert all(set(fact) == FACT_KEYS for fact in body["facts"])
    total = next(fact for fact in body["facts"] if fact["text"] == "EUR 1,600.00")
    assert total["kind"] == "money" and total["currency"] == "EUR" and total["value"] == "1600.00"
    assert total["link"].startswith("/insights/spending/")
    assert body["links"] and set(body["links"][0]) == {"label", "url"}
    assert body["disclaimer"] == "" and isinstance(body["suggestions"], list)


def test_a_follow_up_continues_my_conversation_and_not_anothers(owner_api, owner, other_user, household):
    first = ok(owner_api.post("/api/v1/advisor/ask/", {"question": WHERE}, format="json"))
    second = ok(owner_api.post("/api/v1/advisor/ask/", {"question": "How much did I spend on groceries last month?",
                                                        "conversation": first["conversation"]}, format="json"))
    assert second["conversation"] == first["conversation"] and "EUR 400.00 on Groceries" in second["answer"]
    assert Conversation.objects.get().messages.count() == 4

    theirs = conversation_of(other_user)
    body = error(owner_api.post("/api/v1/advisor/ask/", {"question": WHERE, "conversation": theirs.pk},
                                format="json"), 404)
    assert body["code"] == "not_found"
    assert theirs.messages.count() == 2 and Conversation.objects.count() == 2


@pytest.mark.parametrize(("sent", "field"), [({}, "question"), ({"question": "   "}, "question"),
                                             ({"question": "x" * 501}, "question"),
                                             ({"question": WHERE, "conversation": "first"}, "conversation")])
def test_a_bad_question_is_a_400_naming_the_field(owner_api, sent, field):
    body = error(owner_api.post("/api/v1/advisor/ask/", sent, format="json"), 400)
    assert body["code"] == "invalid" and list(body["fields"]) == [field]
    assert not Conversation.objects.exists()


def test_the_api_takes_json(owner_api):
    assert error(owner_api.post("/api/v1/advisor/ask/", {"question": WHERE}), 415)["code"] == \
        "unsupported_media_type"


def test_a_declined_question_is_answered_as_declined(owner_api, household):
    body = ok(owner_api.post("/api/v1/advisor/ask/", {"question": "What is user 7's balance?"}, format="json"))
    assert body["status"] == "refused" and body["facts"] == [] and body["suggestions"]


def test_keeping_no_conversations_answers_without_storing(owner_api, owner, household):
    AdvisorSettings.objects.create(user=owner, retention_days=Retention.NONE)
    body = ok(owner_api.post("/api/v1/advisor/ask/", {"question": WHERE}, format="json"))
    assert body["conversation"] is None and body["message"] is None and "EUR 1,600.00" in body["answer"]
    assert body["facts"] and not Conversation.objects.exists()


# ---- conversations -------------------------------------------------------------------------------------------

def test_my_conversations_in_the_envelope_last_used_first_in_constant_queries(owner_api, owner, other_user,
                                                                                django_assert_max_num_queries):
    conversation_of(other_user)
    first = conversation_of(owner, "first")
    with django_assert_max_num_queries(10) as few:
        ok(owner_api.get("/api/v1/advisor/conversations/"))
    for number in range(12):
        conversation_of(owner, f"more {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = ok(owner_api.get("/api/v1/advisor/conversations/"))
    assert set(body) == ENVELOPE_KEYS and body["count"] == 13
    assert body["results"][0]["title"] == "more 11" and body["results"][-1]["id"] == first.pk
    assert set(body["results"][0]) == {"id", "title", "message_count", "created_at", "updated_at"}
    assert body["results"][0]["message_count"] == 2
    paged = ok(owner_api.get("/api/v1/advisor/conversations/?page_size=5&page=3"))
    assert len(paged["results"]) == 3 and paged["next"] is None


def test_one_conversation_with_its_messages(owner_api, owner, household):
    asked = ok(owner_api.post("/api/v1/advisor/ask/", {"question": WHERE}, format="json"))
    body = ok(owner_api.get(f"/api/v1/advisor/conversations/{asked['conversation']}/"))
    assert set(body) == {"id", "title", "created_at", "updated_at", "messages"} and body["title"] == WHERE
    question, answer = body["messages"]
    assert all(set(message) == MESSAGE_KEYS for message in body["messages"])
    assert (question["role"], question["text"], question["facts"], question["method"]) == ("user", WHERE, [], "")
    assert answer["role"] == "advisor" and answer["id"] == asked["message"] and answer["facts"] == asked["facts"]


def test_another_users_conversation_is_a_404_and_stays(owner_api, other_user):
    theirs = conversation_of(other_user)
    for method in ("get", "delete"):
        body = error(getattr(owner_api, method)(f"/api/v1/advisor/conversations/{theirs.pk}/"), 404)
        assert body["code"] == "not_found"
    assert Conversation.objects.get() == theirs and theirs.messages.count() == 2
    assert ok(owner_api.get("/api/v1/advisor/conversations/"))["count"] == 0


def test_deleting_one_and_then_all_of_mine(owner_api, owner, other_user):
    one, two, three = (conversation_of(owner, title) for title in ("one", "two", "three"))
    theirs = conversation_of(other_user)
    assert owner_api.delete(f"/api/v1/advisor/conversations/{one.pk}/").status_code == 204
    error(owner_api.delete(f"/api/v1/advisor/conversations/{one.pk}/"), 404)
    assert ok(owner_api.delete("/api/v1/advisor/conversations/")) == {"deleted": 2}
    assert list(Conversation.objects.all()) == [theirs] and Message.objects.count() == 2
    assert ok(owner_api.delete("/api/v1/advisor/conversations/")) == {"deleted": 0}


# ---- retention -----------------------------------------------------------------------------------------------

def test_the_retention_setting(owner_api, owner):
    conversation_of(owner)
    body = ok(owner_api.get("/api/v1/advisor/settings/"))
    assert body["retention_days"] == 90 and body["updated_at"] is None
    assert [choice["value"] for choice in body["choices"]] == [0, 30, 90, 365]

    body = ok(owner_api.put("/api/v1/advisor/settings/", {"retention_days": 30}, format="json"))
    assert body["retention_days"] == 30 and body["updated_at"] and Conversation.objects.exists()
    body = ok(owner_api.put("/api/v1/advisor/settings/", {"retention_days": 0}, format="json"))
    assert body["retention_days"] == 0 and not Conversation.objects.exists()

    refused = error(owner_api.put("/api/v1/advisor/settings/", {"retention_days": 7}, format="json"), 400)
    assert list(refused["fields"]) == ["retention_days"]
    assert AdvisorSettings.objects.get(user=owner).retention_days == 0


# ---- the schema ----------------------------------------------------------------------------------------------

def test_every_answer_matches_its_own_schema(owner, household, wsgi_app):  # noqa: F811 - the fixture
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(owner).access_token}"}
    mine = conversation_of(owner)
    Message.objects.create(conversation=mine, role=Message.Role.ADVISOR, text="Kept with its figures.",
                           method=Method.MODEL, status=Status.ANSWERED, disclaimer="General information.",
                           facts=[{"key": "k", "label": "L", "value": "1.00", "text": "EUR 1.00", "kind": "money",
                                   "currency": "EUR", "period": "", "link": "/"}],
                           links=[{"label": "Home", "url": "/"}], suggestions=["Why?"])
    calls = [
        ("/api/v1/advisor/ask/", "POST", {}, {"question": WHERE}),
        ("/api/v1/advisor/ask/", "POST", {}, {"question": "Am I ready to invest?", "conversation": mine.pk}),
        ("/api/v1/advisor/conversations/", "GET", {}, None),
        ("/api/v1/advisor/conversations/{id}/", "GET", {"id": mine.pk}, None),
        ("/api/v1/advisor/settings/", "GET", {}, None),
        ("/api/v1/advisor/settings/", "PUT", {}, {"retention_days": 365}),
        ("/api/v1/advisor/conversations/{id}/", "DELETE", {"id": mine.pk}, None),
        ("/api/v1/advisor/conversations/", "DELETE", {}, None),
    ]
    for path, method, path_parameters, body in calls:
        operation = schema[path][method]
        kwargs = {"path_parameters": path_parameters} if path_parameters else {}
        if body is not None:
            kwargs |= {"body": body, "media_type": "application/json"}
        case = operation.Case(**kwargs)
        response = case.call(headers=headers)
        assert response.status_code in {200, 204}, (method, path, response.text[:500])
        case.validate_response(response, checks=[response_schema_conformance, status_code_conformance])
