"""Writes of the advisor: asking a question (the answer and, as the person's retention setting allows, the
conversation stored), deleting conversations, the retention setting and the nightly purge it drives.

A person who chose "Don't keep my conversations" still gets every answer, with its figures: ``question_ask`` then
stores nothing and hands back the conversation and messages unsaved (``pk`` None), and choosing that setting
deletes the conversations kept until then.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import User
from advisor import selectors
from advisor.answer import Answer, OnEvent
from advisor.engine import advisor_answer
from advisor.guardrails import MAX_QUESTION
from advisor.models import AdvisorSettings, Conversation, Message, Retention

TITLE_LENGTH = Conversation._meta.get_field("title").max_length or 120


class Asked(NamedTuple):
    """A question and its answer; all three unsaved (``pk`` None) when the person keeps no conversations."""

    conversation: Conversation
    question: Message
    answer: Message


def question_ask(*, user: User, question: str, conversation_id: int | None = None, on_event: OnEvent | None = None,
                 today: dt.date | None = None) -> Asked:
    """Answer ``question`` from the user's own figures, continuing their conversation ``conversation_id`` (another
    user's is a 404) or starting one, and store the question and the answer together.

    The answer is written before the transaction opens: it only reads, and a local model may take many seconds,
    which a write transaction (SQLite's lock) must not wait for. A conversation deleted meanwhile is started again.
    """
    question = " ".join(question.split())[:MAX_QUESTION]
    if not question:
        raise ValidationError({"question": "Type a question."})
    conversation = (selectors.conversation_get(user=user, pk=conversation_id) if conversation_id is not None
                    else None)
    history = selectors.conversation_history(conversation=conversation) if conversation is not None else []
    answer = advisor_answer(user=user, question=question, today=today, history=history, on_event=on_event)
    asked = Message(role=Message.Role.USER, text=question)
    answered = _answer_message(answer)
    if not selectors.conversations_kept(user=user):
        return Asked(Conversation(user=user, title=_title(question)), asked, answered)
    with transaction.atomic():
        now = timezone.now()
        if conversation is None or not Conversation.objects.filter(pk=conversation.pk, user=user).update(
                updated_at=now):
            conversation = Conversation.objects.create(user=user, title=_title(question))
        for message in (asked, answered):
            message.conversation = conversation
        # One at a time: the answer's created_at comes after the question's, which orders them.
        asked.save()
        answered.save()
    return Asked(conversation, asked, answered)


def _title(question: str) -> str:
    return Truncator(question).chars(TITLE_LENGTH)


def _answer_message(answer: Answer) -> Message:
    return Message(
        role=Message.Role.ADVISOR, text=answer.text, facts=answer.facts_json(), links=answer.links_json(),
        intent=answer.intent[:40], method=answer.method, status=answer.status, disclaimer=answer.disclaimer,
        fallback_reason=answer.fallback_reason[:300], suggestions=list(answer.suggestions),
        computed_at=answer.computed_at)


@transaction.atomic
def conversations_delete(*, user: User) -> int:
    """Delete every conversation of the user, with their messages; how many conversations went."""
    _, deleted = Conversation.objects.filter(user=user).delete()
    return deleted.get(Conversation._meta.label, 0)


@transaction.atomic
def conversation_delete(*, user: User, pk: int) -> None:
    selectors.conversation_get(user=user, pk=pk).delete()


@transaction.atomic
def advisor_settings_save(*, user: User, retention_days: int) -> AdvisorSettings:
    """How long the user's conversations are kept. "Don't keep" also deletes those kept until now."""
    if retention_days not in Retention.values:
        choices = ", ".join(str(value) for value in Retention.values)
        raise ValidationError({"retention_days": f"Choose one of {choices} days (0: don't keep)."})
    saved, _ = AdvisorSettings.objects.update_or_create(user=user, defaults={"retention_days": retention_days})
    if retention_days == Retention.NONE:
        conversations_delete(user=user)
    return saved


def conversations_purge(*, now: dt.datetime) -> int:
    """The nightly purge: every conversation not added to for longer than its owner's retention (the server's
    ADVISOR_RETENTION_DAYS for a person who never chose). A few queries whatever the number of people; how many
    conversations went."""
    purged = 0
    for days in Retention.values:
        chosen = Q(user__advisor_settings__retention_days=days)
        if days == settings.ADVISOR_RETENTION_DAYS:
            chosen |= Q(user__advisor_settings__isnull=True)
        old = Conversation.objects.filter(chosen, updated_at__lt=now - dt.timedelta(days=days))
        _, deleted = old.delete()
        purged += deleted.get(Conversation._meta.label, 0)
    return purged
