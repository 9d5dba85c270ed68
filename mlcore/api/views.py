"""The review queue over the API: list what waits for a decision, accept or correct one, accept many; and your
patterns as a worker last stored them (read, never computed, by a request)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.converters import ID_REGEX
from core.api import BAD_REQUEST, ApiError
from mlcore import selectors, services
from mlcore.api import serializers as s
from mlcore.feedback import categories_accept_bulk, category_accept, category_correct
from mlcore.patterns_summary import patterns_shown
from transactions.models import Transaction

NOT_QUEUED = OpenApiResponse(description="Not found, not yours, or no longer waiting for review.")
PATTERNS_NOT_READY = ("Your patterns appear once Finsight has looked at your history; that happens each night and "
                      "after every import.")


@extend_schema_view(
    list=extend_schema(summary="Transactions waiting for review, biggest amount (in your currency) first"),
)
@extend_schema(tags=["review"])
class ReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The review queue. Every accept or correct locks the category as your own and teaches the categorizer."""

    lookup_value_regex = ID_REGEX

    queryset = Transaction.objects.none()
    serializer_class = s.ReviewItemSerializer

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user)

    def _decided(self, txn: Transaction) -> Response:
        body = {"id": txn.pk, "category": txn.category, "category_source": txn.category_source,
                "needs_review": txn.needs_review, "remaining": selectors.review_count(user=self.request.user)}
        return Response(s.ReviewDecisionSerializer(body).data)

    @extend_schema(summary="Accept the suggestion as your own category", operation_id="review_accept", request=None,
                   responses={200: s.ReviewDecisionSerializer, 400: BAD_REQUEST, 404: NOT_QUEUED})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        txn = self.get_object()
        txn = category_accept(user=request.user, txn=txn)
        return self._decided(txn)

    @extend_schema(summary="File it under another category, as your own choice", request=s.ReviewCorrectSerializer,
                   responses={200: s.ReviewDecisionSerializer, 400: BAD_REQUEST, 404: NOT_QUEUED})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def correct(self, request, pk=None):
        txn = self.get_object()
        data = s.ReviewCorrectSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        txn = category_correct(user=request.user, txn=txn, category=data.validated_data["category"])
        return self._decided(txn)

    @extend_schema(summary="Accept the suggestions of several transactions", operation_id="review_bulk_accept", request=s.ReviewBulkAcceptSerializer,
                   responses={200: s.ReviewBulkAcceptedSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="accept", url_name="bulk-accept", parser_classes=[JSONParser])
    def bulk_accept(self, request):
        data = s.ReviewBulkAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accepted, skipped = categories_accept_bulk(user=request.user, transaction_ids=data.validated_data["ids"])
        remaining = selectors.review_count(user=request.user)
        return Response(s.ReviewBulkAcceptedSerializer(
            {"accepted": accepted, "skipped": skipped, "remaining": remaining}).data)


@extend_schema(tags=["patterns"])
class PatternsView(APIView):
    """What is normal for you: a usual month, per category and merchant, income, seasons and currencies."""

    @extend_schema(summary="Your patterns, as last computed (nightly and after each import)", operation_id="patterns",
                   responses={200: s.PatternsSerializer, 404: OpenApiResponse(description=(
                       "Not computed yet (`code`: `patterns_not_ready`): they appear after the first nightly run or "
                       "import. Nothing is computed by this request; ask again later."))})
    def get(self, request: Request) -> Response:
        stored = services.patterns_get(user=request.user)
        if stored is None:
            raise ApiError(PATTERNS_NOT_READY, status=status.HTTP_404_NOT_FOUND, code="patterns_not_ready")
        patterns, computed_at = stored
        shown = patterns_shown(patterns, computed_at=computed_at, top_merchants=None)
        return Response(s.PatternsSerializer(shown).data)
