"""Reads of a person's conversations with the advisor, their retention setting and their monthly letters, always for
one user: another user's conversation or letter is a 404, never a 403 that would confirm it exists."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from advisor.models import AdvisorSettings, Conversation, Message, MonthlyLetter, Retention

# Questions and answers a model sees of the conversation so far (the engine strips personal identifiers).
HISTORY_MESSAGES = 10


def conversation_list(*, user: User) -> QuerySet[Conversation]:
    """The user's conversations, last used first, each with ``message_count``: one query whatever their number."""
    return (Conversation.objects.filter(user=user).annotate(message_count=Count("messages"))
            .order_by("-updated_at", "-id"))  # a GROUP BY leaves out Meta.ordering


def conversation_get(*, user: User, pk: int) -> Conversation:
    return get_object_or_404(Conversation.objects.filter(user=user), pk=pk)


def message_list(*, conversation: Conversation) -> QuerySet[Message]:
    """A conversation's questions and answers, oldest first."""
    return Message.objects.filter(conversation=conversation).order_by("created_at", "id")


def conversation_with_messages(*, user: User, pk: int) -> Conversation:
    """One conversation and its messages in two queries (``conversation.messages.all()``)."""
    return get_object_or_404(
        Conversation.objects.filter(user=user).prefetch_related(
            Prefetch("messages", queryset=Message.objects.order_by("created_at", "id"))),
        pk=pk)


def conversation_history(*, conversation: Conversation) -> list[tuple[str, str]]:
    """The conversation so far as (role, text) pairs, oldest first, for the engine: its last few messages only."""
    recent = list(message_list(conversation=conversation).order_by("-created_at", "-id")
                  .values_list("role", "text")[:HISTORY_MESSAGES])
    return [(role, text) for role, text in reversed(recent)]


def advisor_settings_get(*, user: User) -> AdvisorSettings:
    """The user's setting, or the server's default (ADVISOR_RETENTION_DAYS, not saved) before they choose one."""
    found = AdvisorSettings.objects.filter(user=user).first()
    return found if found is not None else AdvisorSettings(user=user, retention_days=settings.ADVISOR_RETENTION_DAYS)


def conversations_kept(*, user: User) -> bool:
    """False when the user chose not to keep their conversations: answers are then given and not stored."""
    return advisor_settings_get(user=user).retention_days != Retention.NONE


def letter_list(*, user: User) -> QuerySet[MonthlyLetter]:
    """The user's monthly letters, the latest month first."""
    return MonthlyLetter.objects.filter(user=user).order_by("-month", "-id")


def letter_get(*, user: User, pk: int) -> MonthlyLetter:
    return get_object_or_404(letter_list(user=user), pk=pk)


def letter_for_month(*, user: User, month: dt.date) -> MonthlyLetter:
    """The user's letter reviewing ``month`` (its first day); a 404 when there is none."""
    return get_object_or_404(letter_list(user=user), month=month)
