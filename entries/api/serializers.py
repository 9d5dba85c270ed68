"""The parse endpoint's input and its draft: the fields POST /api/v1/transactions/ takes, with a confidence each."""

from __future__ import annotations

from rest_framework import serializers

from entries.services import MAX_TEXT


class ParseInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, trim_whitespace=True,
                                 help_text="One sentence, English or German: “Spent 12.50 on lunch at Chipotle "
                                           "yesterday”, “12,50 € bei Rewe gestern”.")
    today = serializers.DateField(required=False, help_text="The day relative dates count from (YYYY-MM-DD), for "
                                                            "entries written offline; default: today on your clock.")


class ParseAudioSerializer(serializers.Serializer):
    audio = serializers.FileField(help_text="A recorded sentence: WAV, mono, 16-bit, 16,000 Hz, at most "
                                            "SPEECH_MAX_SECONDS (30 by default). Only where the server has a speech "
                                            "engine (SPEECH_MODEL_PATH); elsewhere a 400 says so: send text.")
    today = serializers.DateField(required=False, help_text="As for a typed sentence.")


class ConfidenceSerializer(serializers.Serializer):
    amount = serializers.FloatField()
    currency = serializers.FloatField()
    kind = serializers.FloatField()
    date = serializers.FloatField()
    merchant = serializers.FloatField()
    category = serializers.FloatField()
    account = serializers.FloatField()
    group = serializers.FloatField()
    note = serializers.FloatField()


class GroupOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DraftSerializer(serializers.Serializer):
    """Nothing is saved: send the fields you keep to POST /api/v1/transactions/."""

    text = serializers.CharField(help_text="The sentence as read.")
    kind = serializers.ChoiceField(choices=["expense", "income", "refund", "transfer"])
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Signed: negative is money out.")
    currency = serializers.CharField()
    date = serializers.DateField()
    merchant = serializers.CharField(allow_blank=True)
    description = serializers.CharField()
    category = serializers.IntegerField(allow_null=True, help_text="A category id; null when none was found.")
    category_name = serializers.CharField(allow_null=True)
    category_key = serializers.CharField(allow_null=True, help_text="The standard category's key, if standard.")
    account = serializers.IntegerField(allow_null=True, help_text="One of your accounts; null when you have none.")
    account_name = serializers.CharField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    split_with = serializers.ListField(child=serializers.CharField(), help_text="Names said after “split with”.")
    group = GroupOfferSerializer(allow_null=True, help_text="Your group with the people named, offered for a group "
                                                            "expense (POST /api/v1/groups/{id}/expenses/).")
    confidence = ConfidenceSerializer(help_text="0–1 per field; 0 when the sentence did not say it.")
