"""The subscription suggestions API: list (optionally by status), confirm into a bill, dismiss, undo a dismissal,
and run detection now. Thin: payments.suggestions does the work; another user's suggestion is a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.converters import ID_REGEX
from payments import suggestions
from payments.models import SubscriptionSuggestion, SuggestionStatus
from transactions.api.serializers import OwnAccountField, VisibleCategoryField
from transactions.api.views import BAD_REQUEST, NOT_FOUND, _drf_error

STATUS = OpenApiParameter("status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=SuggestionStatus.values,
                          description="Only suggestions in this state (pending, confirmed or dismissed).")


class SuggestionSerializer(serializers.ModelSerializer):
    frequency_text = serializers.SerializerMethodField(help_text='"monthly", "every 4 weeks", ...')
    price_rose = serializers.BooleanField(read_only=True, help_text="The latest charges are a step up from "
                                                                    "previous_amount.")

    class Meta:
        model = SubscriptionSuggestion
        fields = ["id", "merchant", "merchant_key", "frequency", "frequency_text", "interval_days", "amount",
                  "previous_amount", "price_rose", "currency", "account", "category", "first_date", "last_date",
                  "next_date", "charge_count", "confidence", "status", "recurring_payment", "created_at",
                  "updated_at", "decided_at"]
        read_only_fields = fields

    def get_frequency_text(self, suggestion: SubscriptionSuggestion) -> str:
        return suggestions.frequency_words(suggestion.frequency, suggestion.interval_days)


class SuggestionConfirmSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                 help_text="The bill's name; the merchant when left out.")
    account = OwnAccountField(required=False, allow_null=True, help_text="One of your accounts; the one charged "
                                                                         "when left out.")
    category = VisibleCategoryField(required=False, allow_null=True, help_text="The category of the latest "
                                                                               "charge when left out.")


class SuggestionConfirmedSerializer(serializers.Serializer):
    recurring_payment = serializers.IntegerField(help_text="The id of the bill created.")
    name = serializers.CharField()
    next_due_date = serializers.DateField(allow_null=True)
    suggestion = SuggestionSerializer()


class SuggestionRefreshedSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text="Series detected in your history.")
    created = serializers.IntegerField(help_text="New suggestions.")
    updated = serializers.IntegerField(help_text="Pending suggestions brought up to date.")
    known = serializers.IntegerField(help_text="Series that are already one of your bills.")
    price_rises = serializers.IntegerField(help_text="Bills whose price went up (you were told).")


@extend_schema_view(
    list=extend_schema(summary="Subscriptions found in your history", parameters=[STATUS],
                       responses={200: SuggestionSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(responses={200: SuggestionSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["bills"])
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Subscriptions detected in your history. Confirm one to make it a bill, or dismiss it: a dismissed
    suggestion is never brought back by detection (undo it with restore)."""

    lookup_value_regex = ID_REGEX
    queryset = SubscriptionSuggestion.objects.none()
    serializer_class = SuggestionSerializer

    def get_queryset(self):
        wanted = None
        if self.action == "list" and "status" in self.request.query_params:
            wanted = self.request.query_params["status"]
            if wanted not in SuggestionStatus.values:
                raise serializers.ValidationError(
                    {"status": f"Use one of {', '.join(SuggestionStatus.values)}, not {wanted[:40]!r}."})
        return suggestions.subscription_suggestion_list(user=self.request.user, status=wanted)

    def get_serializer_class(self):
        return SuggestionConfirmSerializer if self.action == "confirm" else SuggestionSerializer

    @extend_schema(summary="Add the suggestion to your bills", request=SuggestionConfirmSerializer,
                   responses={201: SuggestionConfirmedSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        suggestion = self.get_object()
        data = SuggestionConfirmSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        try:
            payment = suggestions.suggestion_confirm(user=request.user, suggestion=suggestion,
                                                     overrides=dict(data.validated_data),
                                                     today=request.user.financial_profile.local_today())
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        body = {"recurring_payment": payment.pk, "name": payment.name, "next_due_date": payment.next_due_date,
                "suggestion": suggestion}
        return Response(SuggestionConfirmedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Dismiss the suggestion for good", request=None,
                   responses={200: SuggestionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._decide(suggestions.suggestion_dismiss)

    @extend_schema(summary="Undo a dismissal: the suggestion waits for you again", request=None,
                   responses={200: SuggestionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._decide(suggestions.suggestion_restore)

    def _decide(self, service):
        suggestion = self.get_object()
        try:
            service(user=self.request.user, suggestion=suggestion)
        except DjangoValidationError as error:
            raise _drf_error(error) from None
        return Response(SuggestionSerializer(suggestion).data)

    @extend_schema(summary="Look through your history now", request=None,
                   responses={200: SuggestionRefreshedSerializer})
    @action(detail=False, methods=["post"])
    def refresh(self, request):
        counts = suggestions.subscription_suggestions_refresh(user=request.user,
                                                              today=request.user.financial_profile.local_today())
        return Response(SuggestionRefreshedSerializer(counts).data)
