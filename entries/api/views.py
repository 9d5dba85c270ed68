"""POST /api/v1/transactions/parse/: a sentence to a draft transaction. Reads only: nothing is saved until the
client sends the draft to POST /api/v1/transactions/. A blank sentence or one without an amount is a 400."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST
from entries import services
from entries.api import serializers as s


def draft_body(draft: services.EntryDraft) -> dict[str, Any]:
    return {
        **draft.as_data(), "text": draft.text, "kind": draft.kind, "split_with": draft.split_with,
        "category_name": str(draft.category) if draft.category else None,
        "category_key": draft.category.key if draft.category else None,
        "account_name": draft.account.name if draft.account else None,
        "group": {"id": draft.group.pk, "name": draft.group.name} if draft.group else None,
        "confidence": draft.confidence,
    }


@extend_schema(tags=["transactions"])
class ParseView(APIView):
    """Read a typed or spoken sentence as a draft transaction, each field with a confidence."""

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="Read a sentence as a draft transaction (nothing is saved)", operation_id="transactions_parse",
        description="JSON with the sentence's `text`; or, where the server transcribes speech itself, a multipart "
                    "`audio` recording (the draft's `text` is then what was heard). The recording never leaves "
                    "the server and is not kept.",
        request={"application/json": s.ParseInputSerializer, "multipart/form-data": s.ParseAudioSerializer},
        responses={200: s.DraftSerializer, 400: BAD_REQUEST},
        examples=[OpenApiExample("Spoken", value={"text": "Spent 12.50 on lunch at Chipotle yesterday"},
                                 request_only=True)])
    def post(self, request: Request) -> Response:
        if "audio" in request.data:
            audio = s.ParseAudioSerializer(data=request.data)
            audio.is_valid(raise_exception=True)
            upload = audio.validated_data["audio"]
            try:
                draft = services.draft_from_audio(user=request.user, upload=upload, size=upload.size,
                                                  today=audio.validated_data.get("today"))
            except DjangoValidationError as error:
                raise ValidationError({"audio": error.messages}) from None
            return Response(s.DraftSerializer(draft_body(draft)).data)
        data = s.ParseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = services.draft_from_text(user=request.user, text=data.validated_data["text"],
                                         today=data.validated_data.get("today"))
        return Response(s.DraftSerializer(draft_body(draft)).data)
