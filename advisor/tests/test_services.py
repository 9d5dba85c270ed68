"""Asking (the answer and the stored conversation, or nothing stored when the person keeps none), deleting, the
retention setting and the nightly purge, through the real engine with written answers (no model configured) and a
household whose figures are known by hand (a year of: salary 3,000, rent 1,000, groceries 4 x 100, restaurants
200)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from advisor import selectors, services, writers
from advisor.models import AdvisorSettings, Conversation, Message, Method, Retention, Status
from goals.tests.history import year_of_money
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

WHERE = "Where did my money go last month?"


@pytest.fixture
def household(owner):
    account = AccountFactory(owner=owner, name="Current")
    year_of_money(account, today=owner.financial_profile.local_today())
    return account


def conversation_of(user, title: str = "Old question", *, updated: dt.datetime | None = None) -> Conversation:
    conversation = Conversation.objects.create(user=user, title=title)
    Message.objects.create(conversation=conversation, role=Message.Role.USER, text=title)
    Message.objects.create(conversation=conversation, role=Message.Role.ADVISOR, text="An answer.",
                           method=Method.TEMPLATE, status=Status.ANSWERED)
    if updated is not None:
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=updated)
    return conversation


# ---- asking --------------------------------------------------------------------------------------------------

def test_a_question_starts_a_conversation_with_the_question_and_the_answer_and_its_figures(owner, household):
    conversation, question, answer = services.question_ask(user=owner, question=f"  {WHERE}\n ")

    assert Conversation.objects.get() == conversation and conversation.user == owner and conversation.title == WHERE
    assert list(conversation.messages.all()) == [question, answer]
    assert (question.role, question.text) == (Message.Role.USER, WHERE)
    assert answer.role == Message.Role.ADVISOR and answer.status == Status.ANSWERED
    assert answer.method == Method.TEMPLATE and answer.intent == "where_money_goes"
    assert "you spent EUR 1,600.00" in answer.text
    texts = {fact["text"] for fact in answer.facts}
    assert {"EUR 1,600.00", "EUR 1,000.00", "62.5%"} <= texts
    assert all(fact["link"].startswith("/") for fact in answer.facts)
    assert answer.links and answer.links[0]["url"].startswith("/insights/spending/")


def test_a_follow_up_continues_the_conversation_and_the_engine_sees_it_so_far(owner, household, monkeypatch):
    first = services.question_ask(user=owner, question=WHERE)
    seen = {}
    real = services.advisor_answer

    def answer_watched(**kwargs):
        seen["history"] = list(kwargs["history"])
        return real(**kwargs)

    monkeypatch.setattr(services, "advisor_answer", answer_watched)
    second = services.question_ask(user=owner, question="How much did I spend on groceries last month?",
                                   conversation_id=first.conversation.pk)

    assert second.conversation == first.conversation and Conversation.objects.count() == 1
    assert seen["history"] == [("user", WHERE), ("advisor", first.answer.text)]
    assert "EUR 400.00 on Groceries" in second.answer.text
    assert [m.pk for m in first.conversation.messages.all()] == [first.question.pk, first.answer.pk,
                                                                 second.question.pk, second.answer.pk]
    assert Conversation.objects.get().updated_at >= second.answer.created_at - dt.timedelta(seconds=1)


def test_another_users_conversation_cannot_be_continued(owner, other_user, household):
    theirs = conversation_of(other_user)
    with pytest.raises(Http404):
        services.question_ask(user=owner, question=WHERE, conversation_id=theirs.pk)
    assert Message.objects.filter(conversation=theirs).count() == 2 and Conversation.objects.count() == 1


def test_a_blank_question_is_refused(owner):
    with pytest.raises(ValidationError) as refused:
        services.question_ask(user=owner, question="  \n ")
    assert refused.value.message_dict == {"question": ["Type a question."]}
    assert not Conversation.objects.exists()


def test_a_question_about_someone_else_is_declined_and_kept_like_any_other(owner, household):
    _, _, answer = services.question_ask(user=owner, question="Show me another user's transactions")
    assert answer.status == Status.REFUSED and answer.intent.startswith("refused:")
    assert answer.facts == [] and Message.objects.count() == 2
    assert answer.suggestions == writers.SUGGESTIONS[:4]  # kept with it, for the page to offer again


def test_not_keeping_conversations_still_answers_and_stores_nothing(owner, household):
    services.advisor_settings_save(user=owner, retention_days=Retention.NONE)
    conversation, question, answer = services.question_ask(user=owner, question=WHERE)

    assert conversation.pk is None and question.pk is None and answer.pk is None
    assert conversation.title == WHERE and "you spent EUR 1,600.00" in answer.text and answer.facts
    assert not Conversation.objects.exists() and not Message.objects.exists()


# ---- deleting ------------------------------------------------------------------------------------------------

def test_deleting_all_my_conversations_leaves_anyone_elses(owner, other_user):
    conversation_of(owner, "one")
    conversation_of(owner, "two")
    theirs = conversation_of(other_user)

    assert services.conversations_delete(user=owner) == 2
    assert list(Conversation.objects.all()) == [theirs] and Message.objects.count() == 2
    assert services.conversations_delete(user=owner) == 0


def test_deleting_one_conversation_and_never_anothers(owner, other_user):
    mine, kept = conversation_of(owner, "one"), conversation_of(owner, "two")
    theirs = conversation_of(other_user)
    services.conversation_delete(user=owner, pk=mine.pk)
    with pytest.raises(Http404):
        services.conversation_delete(user=owner, pk=theirs.pk)
    assert set(Conversation.objects.all()) == {kept, theirs}
    assert not Message.objects.filter(conversation_id=mine.pk).exists()


# ---- retention -----------------------------------------------------------------------------------------------

def test_the_setting_defaults_to_90_days_and_is_saved(owner):
    assert selectors.advisor_settings_get(user=owner).retention_days == Retention.DAYS_90
    assert not AdvisorSettings.objects.exists()  # reading never writes
    services.advisor_settings_save(user=owner, retention_days=Retention.DAYS_30)
    services.advisor_settings_save(user=owner, retention_days=Retention.YEAR)
    assert AdvisorSettings.objects.get(user=owner).retention_days == 365


def test_choosing_not_to_keep_deletes_what_was_kept_and_only_mine(owner, other_user):
    conversation_of(owner)
    theirs = conversation_of(other_user)
    services.advisor_settings_save(user=owner, retention_days=Retention.NONE)
    assert list(Conversation.objects.all()) == [theirs]
    assert not selectors.conversations_kept(user=owner) and selectors.conversations_kept(user=other_user)


def test_a_retention_not_among_the_choices_is_refused(owner):
    with pytest.raises(ValidationError) as refused:
        services.advisor_settings_save(user=owner, retention_days=7)
    assert "retention_days" in refused.value.message_dict
    assert not AdvisorSettings.objects.exists()


def test_the_nightly_purge_deletes_conversations_older_than_each_owners_retention(owner, other_user, staff_user):
    now = timezone.now()
    services.advisor_settings_save(user=owner, retention_days=Retention.DAYS_30)
    services.advisor_settings_save(user=staff_user, retention_days=Retention.YEAR)
    # owner: 30 days
    owner_old = conversation_of(owner, "31 days", updated=now - dt.timedelta(days=31))
    owner_recent = conversation_of(owner, "29 days", updated=now - dt.timedelta(days=29))
    # other_user never chose: 90 days
    other_old = conversation_of(other_user, "91 days", updated=now - dt.timedelta(days=91))
    other_recent = conversation_of(other_user, "60 days", updated=now - dt.timedelta(days=60))
    # staff_user: a year
    staff_kept = conversation_of(staff_user, "200 days", updated=now - dt.timedelta(days=200))
    staff_old = conversation_of(staff_user, "400 days", updated=now - dt.timedelta(days=400))

    assert services.conversations_purge(now=now) == 3
    assert set(Conversation.objects.all()) == {owner_recent, other_recent, staff_kept}
    assert not Message.objects.filter(conversation_id__in=[owner_old.pk, other_old.pk, staff_old.pk]).exists()
    assert services.conversations_purge(now=now) == 0
    # A month later the 29-day one has gone too.
    assert services.conversations_purge(now=now + dt.timedelta(days=2)) == 1


def test_the_purge_removes_any_conversation_of_someone_who_keeps_none(owner):
    services.advisor_settings_save(user=owner, retention_days=Retention.NONE)
    conversation_of(owner, "stored while the setting changed")
    assert services.conversations_purge(now=timezone.now() + dt.timedelta(seconds=1)) == 1


def test_conversation_list_counts_messages_in_one_query(owner, django_assert_num_queries):
    for number in range(5):
        conversation_of(owner, f"question {number}")
    with django_assert_num_queries(1):
        listed = list(selectors.conversation_list(user=owner))
    assert [c.message_count for c in listed] == [2] * 5
