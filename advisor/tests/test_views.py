"""The advisor's pages: asking without JavaScript (post, then the conversation), the answer with its figures and
how it was written, the stream a local model's answer comes in, the list of conversations and its query count,
deleting, keeping none, and another user's conversation a 404 everywhere. Answers come from the real engine
(written answers; a local model stands in only where its events are the point)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from advisor import writers
from advisor.models import AdvisorSettings, Conversation, Message, Method, MonthlyLetter, Retention, Status
from goals.tests.history import year_of_money
from core.months import month_add, month_start
from mlcore.tests.fake_llm import Reply
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

WHERE = "Where did my money go last month?"


@pytest.fixture
def household(owner):
    account = AccountFactory(owner=owner, name="Current")
    year_of_money(account, today=owner.financial_profile.local_today())
    return account


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def theirs(other_user) -> Conversation:
    conversation = Conversation.objects.create(user=other_user, title="Oscar's secret question")
    Message.objects.create(conversation=conversation, role=Message.Role.USER, text="Oscar's secret question")
    Message.objects.create(conversation=conversation, role=Message.Role.ADVISOR, text="Oscar's secret answer",
                           method=Method.TEMPLATE, status=Status.ANSWERED)
    return conversation


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


@pytest.fixture
def last_month(owner) -> str:
    return f"{month_add(month_start(owner.financial_profile.local_today()), -1):%B %Y}"


def events(response) -> list[tuple[str, dict]]:
    body = b"".join(response.streaming_content).decode()
    found = []
    for block in body.split("\n\n"):
        if block.strip():
            name = re.search(r"^event: (.+)$", block, re.M).group(1)
            data = json.loads(re.search(r"^data: (.+)$", block, re.M).group(1))
            found.append((name, data))
    return found


# ---- the coach page ------------------------------------------------------------------------------------------

def test_signed_out_is_sent_to_log_in(client, theirs):
    for path in ("/advisor/", "/advisor/conversations/", f"/advisor/conversations/{theirs.pk}/",
                 "/advisor/conversations/delete/", "/advisor/settings/", f"/advisor/conversations/{theirs.pk}/delete/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    response = client.post("/advisor/", {"question": WHERE})
    assert response.status_code == 302 and not Conversation.objects.filter(title=WHERE).exists()


def test_the_coach_page_offers_suggested_questions_each_a_form_of_its_own(owner_client):
    html = page(owner_client, "/advisor/")
    assert "Ask about your money" in html and 'name="question"' in html
    for suggestion in writers.SUGGESTIONS[:6]:
        assert f'<input type="hidden" name="question" value="{escape(suggestion)}">' in html
    assert html.count('action="/advisor/"') == 7  # the six suggestions and the question's form
    assert "data-stream" not in html  # written answers come back at once: the plain form
    assert "None yet." in html and "kept for 90 days" in html
    assert 'href="/advisor/"' in page(owner_client, "/goals/")  # the main navigation leads here


def test_asking_without_javascript_lands_on_the_conversation_with_the_answer_and_its_figures(owner_client, owner,
                                                                                           household):
    response = owner_client.post("/advisor/", {"question": WHERE})
    conversation = Conversation.objects.get(user=owner)
    answer = conversation.messages.get(role=Message.Role.ADVISOR)
    assert response.status_code == 302
    assert response["Location"] == f"/advisor/conversations/{conversation.pk}/#message-{answer.pk}"

    html = page(owner_client, f"/advisor/conversations/{conversation.pk}/")
    assert f"<title>{WHERE} · Finsight</title>" in html
    assert 'data-message="question"' in html and WHERE in html
    assert f'id="message-{answer.pk}"' in html and "you spent EUR 1,600.00" in html
    assert "<li>Housing: EUR 1,000.00 (62.5%)</li>" in html  # the answer's list, as a list
    # Its figures: each label with its value, linked to the page it comes from.
    facts = re.findall(r'<li class="[^"]*" data-fact="([^"]+)">\s*<span[^>]*>([^<]+)</span>\s*<a class="[^"]*" '
                       r'href="([^"]+)">([^<]+)</a>', html)
    assert len(facts) == len(answer.facts)
    assert any(value == "EUR 1,600.00" and link.startswith("/insights/spending/") for _, _, link, value in facts)
    assert "Written from your figures" in html and "Figures computed" not in html
    # Asking on continues this conversation.
    assert f'action="/advisor/conversations/{conversation.pk}/"' in html and "Ask a follow-up" in html


def test_a_follow_up_is_added_to_the_same_conversation(owner_client, owner, household):
    owner_client.post("/advisor/", {"question": WHERE})
    conversation = Conversation.objects.get()
    response = owner_client.post(f"/advisor/conversations/{conversation.pk}/",
                                 {"question": "How much did I spend on groceries last month?"})
    assert response.status_code == 302 and Conversation.objects.count() == 1
    html = page(owner_client, f"/advisor/conversations/{conversation.pk}/")
    assert html.count('data-message="answer"') == 2 and "EUR 400.00 on Groceries" in html


def test_an_empty_question_shows_the_form_again_with_why(owner_client):
    response = owner_client.post("/advisor/", {"question": "   "})
    assert response.status_code == 400 and "Type a question." in response.content.decode()
    response = owner_client.post("/advisor/", {"question": "x" * 501})
    assert response.status_code == 400 and "Keep it under 500 characters." in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_declined_question_says_so_without_a_method_label(owner_client, owner, household):
    owner_client.post("/advisor/", {"question": "Show me another user's transactions"})
    html = page(owner_client, f"/advisor/conversations/{Conversation.objects.get().pk}/")
    assert 'data-status="refused"' in html and "Written from your figures" not in html
    # The refusal's own examples, inside it, each a question to ask; none repeated under the form.
    examples = html[html.index("data-examples"):html.index("</article>")]
    assert examples.count("data-suggestion>") == len(writers.SUGGESTIONS[:4])
    assert "data-follow-ups" in html and "You could also ask" not in html and "Other questions" not in html


def test_the_disclaimer_when_figures_were_computed_and_a_checked_model_answer(owner_client, owner):
    conversation = Conversation.objects.create(user=owner, title="Am I ready to invest?")
    Message.objects.create(conversation=conversation, role=Message.Role.USER, text="Am I ready to invest?")
    Message.objects.create(
        conversation=conversation, role=Message.Role.ADVISOR, text="Your score is 72 of 100.\n\n- Emergency fund: ok",
        method=Method.MODEL, status=Status.ANSWERED, disclaimer="This is general information, not advice.",
        facts=[{"key": "readiness.score", "label": "Readiness score", "value": "72", "text": "72", "kind": "count",
                "currency": "", "period": "", "link": "/readiness/"},
               {"key": "x", "label": "Elsewhere", "value": "1", "text": "1", "kind": "count", "currency": "",
                "period": "", "link": "https://elsewhere.test/"}],
        links=[{"label": "Investment readiness", "url": "/readiness/"},
               {"label": "Somewhere else", "url": "//elsewhere.test/"}],
        suggestions=["How do I reach my goal sooner?"], computed_at=timezone.now() - dt.timedelta(hours=3))
    html = page(owner_client, f"/advisor/conversations/{conversation.pk}/")
    assert "Written by your local model, numbers checked" in html
    assert "This is general information, not advice." in html and "data-disclaimer" in html
    assert "Figures computed" in html and "3\xa0hours ago" in html
    assert '<a class="link min-w-0 break-words tabular-nums" href="/readiness/">72</a>' in html
    assert "elsewhere.test" not in html  # only Finsight's own pages are linked
    assert ">Investment readiness<" in html and "How do I reach my goal sooner?" in html


# ---- keeping none --------------------------------------------------------------------------------------------

def test_not_keeping_conversations_shows_the_answer_once_and_stores_nothing(owner_client, owner, household):
    AdvisorSettings.objects.create(user=owner, retention_days=Retention.NONE)
    response = owner_client.post("/advisor/", {"question": WHERE})
    html = response.content.decode()
    assert response.status_code == 200 and "you spent EUR 1,600.00" in html and "EUR 1,000.00" in html
    assert "Your conversations are not kept" in html and "New conversation" in html
    assert not Conversation.objects.exists() and not Message.objects.exists()


# ---- streaming -----------------------------------------------------------------------------------------------

def test_with_a_local_model_the_form_streams(owner_client, fake_llm):
    html = page(owner_client, "/advisor/")
    assert 'data-stream="/advisor/stream/"' in html and "js/advisor.js" in html


def test_the_stream_sends_the_models_steps_and_text_then_its_checked_answer(owner_client, owner, household, fake_llm,
                                                                            last_month):
    text = f"In {last_month} you spent EUR 1,600.00: EUR 1,000.00 on Housing (62.5%)."
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}), Reply.text(text))
    response = owner_client.post("/advisor/stream/", {"question": WHERE})
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream; charset=utf-8"
    sent = events(response)

    names = [name for name, _ in sent]
    assert names[0] == "tool" and names[-1] == "answer" and set(names[1:-1]) == {"delta"}
    assert sent[0][1] == {"name": "spending_breakdown", "label": "Reading your spending"}
    assert "".join(data["text"] for name, data in sent if name == "delta") == text
    answer = sent[-1][1]
    conversation = Conversation.objects.get(user=owner)
    stored = conversation.messages.get(role=Message.Role.ADVISOR)
    assert stored.method == Method.MODEL and stored.text == text
    assert answer["conversation"] == conversation.pk and answer["message"] == stored.pk
    assert answer["url"] == answer["action"] == f"/advisor/conversations/{conversation.pk}/"
    assert answer["stream"] == f"/advisor/conversations/{conversation.pk}/stream/"
    assert "Written by your local model, numbers checked" in answer["html"] and "EUR 1,600.00" in answer["html"]
    assert "data-follow-ups" in answer["follow_ups"]


def test_a_draft_that_does_not_match_the_figures_is_replaced_by_the_written_answer(owner_client, owner, household,
                                                                                   fake_llm, last_month):
    fake_llm.script(Reply.tool("spending_breakdown", {"period": "last_month"}),
                    Reply.text(f"In {last_month} you spent EUR 1,750.00, mostly on rent."))
    sent = events(owner_client.post("/advisor/stream/", {"question": WHERE}))

    assert [name for name, _ in sent][-2:] == ["replaced", "answer"]
    assert "did not match your figures" in sent[-2][1]["label"]
    html = sent[-1][1]["html"]
    assert "you spent EUR 1,600.00" in html and "1,750" not in html and "Written from your figures" in html
    stored = Message.objects.get(role=Message.Role.ADVISOR)
    assert stored.method == Method.TEMPLATE and "1,750.00" in stored.fallback_reason

    # A follow-up through the conversation's stream stays in it.
    fake_llm.script(Reply.text("Ask me about a category by name."))
    again = events(owner_client.post(sent[-1][1]["stream"], {"question": "What else can you tell me?"}))
    assert again[-1][0] == "answer" and again[-1][1]["conversation"] == stored.conversation_id
    assert Message.objects.filter(conversation_id=stored.conversation_id).count() == 4


def test_the_stream_without_a_model_sends_just_the_answer(owner_client, owner, household):
    sent = events(owner_client.post("/advisor/stream/", {"question": WHERE}))
    assert [name for name, _ in sent] == ["answer"] and "you spent EUR 1,600.00" in sent[0][1]["html"]


def test_the_stream_refuses_an_empty_question_before_it_starts(owner_client):
    response = owner_client.post("/advisor/stream/", {"question": ""})
    assert response.status_code == 400 and not Conversation.objects.exists()


def test_the_stream_of_someone_not_keeping_conversations_has_no_address(owner_client, owner, household):
    AdvisorSettings.objects.create(user=owner, retention_days=Retention.NONE)
    answer = events(owner_client.post("/advisor/stream/", {"question": WHERE}))[-1][1]
    assert answer["conversation"] is None and answer["url"] == "" and answer["action"] == "/advisor/"
    assert not Conversation.objects.exists()


# ---- another user's conversation -----------------------------------------------------------------------------

def test_another_users_conversation_is_a_404_on_every_page(owner_client, theirs):
    base = f"/advisor/conversations/{theirs.pk}"
    for path in (f"{base}/", f"{base}/delete/"):
        assert owner_client.get(path).status_code == 404, path
    for path in (f"{base}/", f"{base}/stream/", f"{base}/delete/"):
        assert owner_client.post(path, {"question": WHERE}).status_code == 404, path
    assert Conversation.objects.get() == theirs and theirs.messages.count() == 2
    assert "Oscar" not in page(owner_client, "/advisor/conversations/")
    assert "Oscar" not in page(owner_client, "/advisor/")


# ---- the list, deleting, keeping -----------------------------------------------------------------------------

def test_the_list_shows_my_conversations_in_constant_queries(owner_client, owner, theirs,
                                                             django_assert_max_num_queries):
    def add(number: int) -> None:
        conversation = Conversation.objects.create(user=owner, title=f"Question number {number}")
        for role in (Message.Role.USER, Message.Role.ADVISOR):
            Message.objects.create(conversation=conversation, role=role, text="words")

    add(0)
    with django_assert_max_num_queries(12) as few:
        page(owner_client, "/advisor/conversations/")
    for number in range(1, 15):
        add(number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(owner_client, "/advisor/conversations/")
    assert html.count("data-conversation=") == 15 and "2 messages" in html
    assert html.index("Question number 14<") < html.index("Question number 0<")  # last used first
    with django_assert_max_num_queries(len(few.captured_queries) + 3):  # the conversation, its messages, the latest letter
        page(owner_client, f"/advisor/conversations/{Conversation.objects.filter(user=owner).first().pk}/")


def test_the_list_pages_by_twenty(owner_client, owner):
    for number in range(23):
        Conversation.objects.create(user=owner, title=f"Q{number}")
    assert page(owner_client, "/advisor/conversations/").count("data-conversation=") == 20
    assert page(owner_client, "/advisor/conversations/?page=2").count("data-conversation=") == 3


def test_deleting_a_conversation_after_confirming(owner_client, owner, theirs):
    mine = Conversation.objects.create(user=owner, title="Mine to delete")
    kept = Conversation.objects.create(user=owner, title="Mine to keep")
    html = page(owner_client, f"/advisor/conversations/{mine.pk}/delete/")
    assert "Delete the conversation “Mine to delete”?" in html and Conversation.objects.count() == 3
    response = owner_client.post(f"/advisor/conversations/{mine.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/advisor/conversations/"
    assert set(Conversation.objects.all()) == {kept, theirs}


def test_deleting_all_my_conversations_after_confirming(owner_client, owner, theirs):
    for title in ("one", "two"):
        Conversation.objects.create(user=owner, title=title)
    html = page(owner_client, "/advisor/conversations/delete/")
    assert "All 2 conversations" in html
    response = owner_client.post("/advisor/conversations/delete/", follow=True)
    assert "2 conversations deleted." in response.content.decode()
    assert list(Conversation.objects.all()) == [theirs]


def test_choosing_how_long_conversations_are_kept(owner_client, owner):
    Conversation.objects.create(user=owner, title="kept")
    html = page(owner_client, "/advisor/settings/")
    assert 'value="90" class="rounded-full" required id="id_retention_days_2" checked' in html or (
        re.search(r'value="90"[^>]*checked', html))
    response = owner_client.post("/advisor/settings/", {"retention_days": "30"}, follow=True)
    assert "kept for 30 days after you last added to them" in response.content.decode()
    assert AdvisorSettings.objects.get(user=owner).retention_days == 30 and Conversation.objects.exists()

    response = owner_client.post("/advisor/settings/", {"retention_days": "0"}, follow=True)
    assert "those kept until now are deleted" in response.content.decode()
    assert not Conversation.objects.exists()
    assert "not kept" in page(owner_client, "/advisor/")

    response = owner_client.post("/advisor/settings/", {"retention_days": "7"})
    assert response.status_code == 400 and AdvisorSettings.objects.get(user=owner).retention_days == 0


# ---- the admin -----------------------------------------------------------------------------------------------

def test_the_admin_shows_counts_dates_and_kinds_never_what_was_asked_or_answered(admin_client, owner, theirs):
    letter = MonthlyLetter.objects.create(user=owner, month=dt.date(2026, 11, 1), subject="Oscar's secret subject",
                                          went_well="Oscar's secret went well", changed="secret change",
                                          suggestion="secret suggestion")
    AdvisorSettings.objects.create(user=owner, retention_days=Retention.DAYS_30)
    answer = theirs.messages.get(role=Message.Role.ADVISOR)
    pages = ["/admin/advisor/conversation/", f"/admin/advisor/conversation/{theirs.pk}/change/",
             "/admin/advisor/message/", f"/admin/advisor/message/{answer.pk}/change/",
             "/admin/advisor/advisorsettings/", "/admin/advisor/monthlyletter/",
             f"/admin/advisor/monthlyletter/{letter.pk}/change/", f"/admin/advisor/conversation/{theirs.pk}/delete/"]
    for path in pages:
        html = page(admin_client, path)
        assert "secret" not in html, path
    for path in ("/admin/advisor/message/?q=secret", "/admin/advisor/conversation/?q=secret"):
        assert "0 results" in page(admin_client, path), path  # the words are not searched either
    listed = page(admin_client, "/admin/advisor/conversation/")
    assert "other@example.com" in listed and '<td class="field-messages_count">2</td>' in listed
    assert "template" in page(admin_client, "/admin/advisor/message/")
    assert page(admin_client, "/admin/advisor/conversation/add/", status=403)
    response = admin_client.post(f"/admin/advisor/conversation/{theirs.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Conversation.objects.exists() and not Message.objects.exists()
