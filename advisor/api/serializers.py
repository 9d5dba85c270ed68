"""Advisor API shapes: a question in; an answer out with the figures it used; conversations and their messages;
the retention setting."""

from __future__ import annotations

from rest_framework import serializers

from advisor.guardrails import MAX_QUESTION
from advisor.models import Retention

ID_MAX = 2**63 - 1


class FactSerializer(serializers.Serializer):
    """One figure an answer used."""

    key = serializers.CharField(help_text="Stable name of the figure, e.g. `spending.total`.")
    label = serializers.CharField(help_text="What it is, e.g. \"Spending, 1–6 December 2026\".")
    value = serializers.CharField(help_text="The value as data: a decimal, a whole number, an ISO date or text.")
    text = serializers.CharField(help_text="The value as pages write it: \"EUR 1,150.00\", \"31.5%\", \"3 Jan 2027\".")
    kind = serializers.CharField(help_text="money, percent, count, date or text.")
    currency = serializers.CharField(allow_blank=True, help_text="ISO 4217 code of a money figure, else empty.")
    period = serializers.CharField(allow_blank=True, help_text="The period it covers, e.g. "
                                                               "`2026-12-01..2026-12-06`; empty when none.")
    link = serializers.CharField(allow_blank=True, help_text="The page it comes from (a path), or empty.")


class LinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField(help_text="A page of Finsight (a path).")


class AskInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_QUESTION, help_text=f"Up to {MAX_QUESTION} characters.")
    conversation = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX,
        help_text="One of your conversations to continue (its id); left out or null: a new one.")


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(help_text="Plain paragraphs separated by a blank line; a line starting \"- \" "
                                             "is a list item.")
    facts = FactSerializer(many=True, help_text="The figures the answer used, each with the page it comes from.")
    links = LinkSerializer(many=True, help_text="Pages worth opening next.")
    method = serializers.CharField(help_text=(
        "template: written from your figures; model: written by your local model, every number checked against "
        "your figures."))
    status = serializers.CharField(help_text=(
        "answered; unknown: the question was not understood (the answer says what can be asked); refused: a "
        "question the advisor declines (another person's data, naming securities, personal tax advice...)."))
    intent = serializers.CharField(allow_blank=True, help_text="What the question was taken to ask, e.g. "
                                                               "`spending` or `refused:securities`.")
    disclaimer = serializers.CharField(allow_blank=True, help_text="To show with the answer when not empty (an "
                                                                   "answer about investing, debt or tax).")
    suggestions = serializers.ListField(child=serializers.CharField(), help_text="Questions to ask next.")
    computed_at = serializers.DateTimeField(allow_null=True, help_text=(
        "When the oldest stored figure the answer used (a forecast, the goal plan) was worked out; null: every "
        "figure was read as it is now."))
    conversation = serializers.IntegerField(allow_null=True, help_text=(
        "The conversation it was stored in; null when you keep no conversations (retention_days 0)."))
    message = serializers.IntegerField(allow_null=True, help_text="The stored answer's id; null when not kept.")


class ConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="Its first question (shortened).")
    message_count = serializers.IntegerField(help_text="Questions and answers in it.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="When a question was last added: its retention counts from "
                                                     "here.")


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField(help_text="user: your question; advisor: the answer.")
    text = serializers.CharField()
    facts = FactSerializer(many=True, help_text="An answer's figures; empty for a question.")
    links = LinkSerializer(many=True)
    method = serializers.CharField(allow_blank=True, help_text="An answer's: template or model; empty for a "
                                                               "question.")
    status = serializers.CharField(allow_blank=True, help_text="An answer's: answered, unknown or refused.")
    intent = serializers.CharField(allow_blank=True)
    disclaimer = serializers.CharField(allow_blank=True)
    suggestions = serializers.ListField(child=serializers.CharField())
    computed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ConversationDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="Its first question (shortened).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    messages = MessageSerializer(many=True, source="messages.all", help_text="Oldest first: each question, then "
                                                                             "its answer.")


class RetentionChoiceSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class RetentionSerializer(serializers.Serializer):
    retention_days = serializers.ChoiceField(choices=Retention.choices, help_text=(
        "Days a conversation is kept after it was last added to: 30, 90 (the default) or 365; 0: conversations "
        "are not kept at all."))
    choices = RetentionChoiceSerializer(many=True, read_only=True)
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True, help_text="When you last chose; null: "
                                                                                      "never (the default applies).")


class RetentionInputSerializer(serializers.Serializer):
    retention_days = serializers.ChoiceField(choices=Retention.choices, help_text=(
        "30, 90 or 365 days; 0: keep none (the conversations kept until now are deleted)."))


class LetterSerializer(serializers.Serializer):
    """A monthly letter: a plain-words review of one month, every figure with the page it comes from."""

    id = serializers.IntegerField()
    month = serializers.DateField(help_text="The month reviewed (its first day).")
    subject = serializers.CharField()
    went_well = serializers.SerializerMethodField(help_text="What went well, a sentence each.")
    changed = serializers.SerializerMethodField(help_text="What changed, a sentence each.")
    suggestion = serializers.CharField(help_text="One suggestion, with its numbers.")
    facts = FactSerializer(many=True, help_text="The figures the letter used.")
    created_at = serializers.DateTimeField(help_text="When it was written (at the start of the next month).")

    def get_went_well(self, letter) -> list[str]:
        return [line for line in letter.went_well.splitlines() if line.strip()]

    def get_changed(self, letter) -> list[str]:
        return [line for line in letter.changed.splitlines() if line.strip()]
