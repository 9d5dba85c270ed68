"""The advisor API: ask a question and get the answer with the figures it used; your conversations (listed, read,
deleted one by one or all at once); how long they are kept. Thin: advisor.selectors read with the requesting user
(another user's conversation is a 404), advisor.services write (their refusals are 400s through core.api's
handler)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor import selectors, services
from advisor.api import serializers as s
from advisor.models import Conversation, MonthlyLetter, Retention
from advisor.services import Asked
from core.api import BAD_REQUEST, NOT_FOUND


def answer_body(asked: Asked) -> dict[str, Any]:
    """What AnswerSerializer shows of an answer (stored or, when conversations are not kept, not)."""
    answer = asked.answer
    return {"answer": answer.text, "facts": answer.facts, "links": answer.links, "method": answer.method,
            "status": answer.status, "intent": answer.intent, "disclaimer": answer.disclaimer,
            "suggestions": answer.suggestions, "computed_at": answer.computed_at,
            "conversation": asked.conversation.pk, "message": answer.pk}


@extend_schema(tags=["advisor"])
class AskView(APIView):
    """Questions about your own money, answered from your figures only: spending, budgets, bills, the balance
    forecast, savings, goals, investment readiness, what you can afford. Each answer lists the figures it used."""

    parser_classes = [JSONParser]
    throttle_scope = "advisor"

    @extend_schema(
        summary="Ask a question; the answer comes with the figures it used", operation_id="advisor_ask",
        request=s.AskInputSerializer,
        responses={200: s.AnswerSerializer, 400: BAD_REQUEST,
                   404: OpenApiResponse(description="`conversation` is not one of yours.")})
    def post(self, request: Request) -> Response:
        data = s.AskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = services.question_ask(user=request.user, question=data.validated_data["question"],
                                      conversation_id=data.validated_data.get("conversation"))
        return Response(s.AnswerSerializer(answer_body(asked)).data)


DELETED = inline_serializer("ConversationsDeleted", {
    "deleted": serializers.IntegerField(help_text="How many conversations were deleted.")})


@extend_schema_view(
    list=extend_schema(summary="Your conversations, last added to first",
                       responses={200: s.ConversationSerializer(many=True)}),
    retrieve=extend_schema(summary="One conversation with its questions and answers",
                           responses={200: s.ConversationDetailSerializer, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a conversation", responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["advisor"])
class ConversationViewSet(viewsets.GenericViewSet):
    """Conversations are kept as long as your retention setting says (90 days after you last added to one, by
    default), then deleted overnight."""

    queryset = Conversation.objects.none()
    serializer_class = s.ConversationSerializer

    def get_queryset(self):
        return selectors.conversation_list(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ConversationSerializer(page, many=True).data)

    @extend_schema(summary="Delete all your conversations", operation_id="advisor_conversations_delete_all",
                   responses={200: DELETED})
    def destroy_all(self, request: Request) -> Response:
        return Response({"deleted": services.conversations_delete(user=request.user)})

    def retrieve(self, request: Request, pk: int) -> Response:
        conversation = selectors.conversation_with_messages(user=request.user, pk=pk)
        return Response(s.ConversationDetailSerializer(conversation).data)

    def destroy(self, request: Request, pk: int) -> Response:
        services.conversation_delete(user=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["advisor"])
class RetentionView(APIView):
    """How long your conversations are kept after you last added to them."""

    parser_classes = [JSONParser]

    def _respond(self, request: Request) -> Response:
        settings = selectors.advisor_settings_get(user=request.user)
        return Response(s.RetentionSerializer({
            "retention_days": settings.retention_days,
            "choices": [{"value": value, "label": label} for value, label in Retention.choices],
            "updated_at": settings.updated_at}).data)

    @extend_schema(summary="How long your conversations are kept", operation_id="advisor_settings",
                   responses={200: s.RetentionSerializer})
    def get(self, request: Request) -> Response:
        return self._respond(request)

    @extend_schema(summary="Choose how long your conversations are kept (0: none; those kept are then deleted)",
                   operation_id="advisor_settings_update", request=s.RetentionInputSerializer,
                   responses={200: s.RetentionSerializer, 400: BAD_REQUEST})
    def put(self, request: Request) -> Response:
        data = s.RetentionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.advisor_settings_save(user=request.user, retention_days=int(data.validated_data["retention_days"]))
        return self._respond(request)


@extend_schema_view(
    list=extend_schema(summary="Your monthly letters, the latest month first",
                       responses={200: s.LetterSerializer(many=True)}),
    retrieve=extend_schema(summary="One monthly letter", responses={200: s.LetterSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["advisor"])
class LetterViewSet(viewsets.ReadOnlyModelViewSet):
    """At the start of each month, a review of the month just gone: what went well, what changed, one suggestion."""

    queryset = MonthlyLetter.objects.none()
    serializer_class = s.LetterSerializer

    def get_queryset(self):
        return selectors.letter_list(user=self.request.user)

    def get_object(self):
        return selectors.letter_get(user=self.request.user, pk=self.kwargs["pk"])
