"""The review queue over the API: list what waits for a decision, accept or correct one, accept many."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from config.converters import ID_REGEX
from mlcore import selectors
from mlcore.feedback import categories_accept_bulk, category_accept, category_correct, suggestion_of
from transactions.api.serializers import MONEY, VisibleCategoryField
from transactions.api.views import BAD_REQUEST, _drf_error
from transactions.filters import MAX_ID
from transactions.models import Transaction

NOT_QUEUED = OpenApiResponse(description="Not found, not yours, or no longer waiting for review.")


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    full_name = serializers.CharField(source="__str__", help_text='"Parent > Child" or "Top".')


class AccountRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReviewItemSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer()
    amount = serializers.DecimalField(**MONEY, help_text="Signed: negative is money out.")
    amount_converted = serializers.DecimalField(**MONEY, allow_null=True,
                                                help_text="In your preferred currency, when converted.")
    suggestion = serializers.SerializerMethodField(help_text="What accept would file it under; null if nothing.")
    confidence = serializers.DecimalField(source="category_confidence", max_digits=4, decimal_places=3,
                                          allow_null=True, help_text="0 to 1, of the suggestion.")
    explanation = serializers.CharField(source="category_explanation", help_text="Why it was suggested.")

    class Meta:
        model = Transaction
        fields = ["id", "date", "description", "merchant", "account", "amount", "currency", "amount_converted",
                  "converted_currency", "suggestion", "confidence", "explanation"]

    @extend_schema_field(CategoryRefSerializer(allow_null=True))
    def get_suggestion(self, txn: Transaction) -> dict | None:
        suggestion = suggestion_of(txn)
        return CategoryRefSerializer(suggestion).data if suggestion is not None else None


class ReviewDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = CategoryRefSerializer()
    category_source = serializers.CharField(help_text='"user": locked as your own choice.')
    needs_review = serializers.BooleanField()
    remaining = serializers.IntegerField(help_text="Transactions still waiting for review.")


class ReviewCorrectSerializer(serializers.Serializer):
    category = VisibleCategoryField(help_text="A standard category or one of your own.")


class ReviewBulkAcceptSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False,
                                max_length=10_000,
                                help_text="Transaction ids; ids that are not yours or not waiting are ignored.")


class ReviewBulkAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Suggestions accepted.")
    skipped = serializers.IntegerField(help_text="Your waiting transactions left alone: they have no suggestion.")
    remaining = serializers.IntegerField(help_text="Transactions still waiting for review.")


@extend_schema_view(
    list=extend_schema(summary="Transactions waiting for review, biggest amount (in your currency) first"),
)
@extend_schema(tags=["review"])
class ReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The review queue. Every accept or correct locks the category as your own and teaches the categorizer."""

    lookup_value_regex = ID_REGEX

    queryset = Transaction.objects.none()
    serializer_class = ReviewItemSerializer

    def get_queryset(self):
        return selectors.review_queue(user=self.request.user)

    def _decided(self, txn: Transaction) -> Response:
        body = {"id": txn.pk, "category": txn.category, "category_source": txn.category_source,
                "needs_review": txn.needs_review, "remaining": selectors.review_count(user=self.request.user)}
        return Response(ReviewDecisionSerializer(body).data)

    @extend_schema(summary="Accept the suggestion as your own category", operation_id="review_accept", request=None,
                   responses={200: ReviewDecisionSerializer, 400: BAD_REQUEST, 404: NOT_QUEUED})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        txn = self.get_object()
        try:
            txn = category_accept(user=request.user, txn=txn)
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        return self._decided(txn)

    @extend_schema(summary="File it under another category, as your own choice", request=ReviewCorrectSerializer,
                   responses={200: ReviewDecisionSerializer, 400: BAD_REQUEST, 404: NOT_QUEUED})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def correct(self, request, pk=None):
        txn = self.get_object()
        data = ReviewCorrectSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        try:
            txn = category_correct(user=request.user, txn=txn, category=data.validated_data["category"])
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        return self._decided(txn)

    @extend_schema(summary="Accept the suggestions of several transactions", operation_id="review_bulk_accept", request=ReviewBulkAcceptSerializer,
                   responses={200: ReviewBulkAcceptedSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="accept", url_name="bulk-accept", parser_classes=[JSONParser])
    def bulk_accept(self, request):
        data = ReviewBulkAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accepted, skipped = categories_accept_bulk(user=request.user, transaction_ids=data.validated_data["ids"])
        remaining = selectors.review_count(user=request.user)
        return Response(ReviewBulkAcceptedSerializer(
            {"accepted": accepted, "skipped": skipped, "remaining": remaining}).data)
