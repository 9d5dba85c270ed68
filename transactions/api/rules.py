"""The rules API: CRUD in run order, a preview of what a rule would change, apply to existing, reorder, and
"always do this" from a corrected transaction. Thin: the services in transactions.rules do the work."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.converters import ID_REGEX
from transactions import rules, selectors
from transactions.api.serializers import OwnAccountField, VisibleCategoryField
from core.api import BAD_REQUEST, NOT_FOUND, WholeListPagination
from transactions.models import Rule


class RuleSerializer(serializers.ModelSerializer):
    account = OwnAccountField(required=False, allow_null=True, help_text="Only transactions in this account.")
    set_category = VisibleCategoryField(required=False, allow_null=True, help_text="Category to file under.")
    add_tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                     help_text="Tag names to add (created when missing).")
    set_category_name = serializers.SerializerMethodField(help_text='"Parent > Child", or null.')

    class Meta:
        model = Rule
        fields = ["id", "name", "position", "is_active", "stop_processing", "match_field", "match_operator",
                  "match_value", "amount_min", "amount_max", "sign", "account", "set_category", "set_category_name",
                  "add_tags", "set_merchant", "created_at", "updated_at"]
        read_only_fields = ["id", "position", "created_at", "updated_at"]
        extra_kwargs = {
            "match_value": {"help_text": "Text to look for, case-insensitive; a regular expression with `regex` "
                                         "(at most 200 characters, no nested repetition such as (a+)+)."},
            "amount_min": {"help_text": "Smallest amount, compared without its sign."},
            "amount_max": {"help_text": "Largest amount, compared without its sign."},
        }

    def get_set_category_name(self, rule: Rule) -> str | None:
        return str(rule.set_category) if rule.set_category else None


class RuleChangeSerializer(serializers.Serializer):
    transaction = serializers.IntegerField(source="txn.pk")
    date = serializers.DateField(source="txn.date")
    description = serializers.CharField(source="txn.description")
    amount = serializers.DecimalField(source="txn.amount", max_digits=14, decimal_places=2)
    old_category = serializers.IntegerField(source="old_category.pk", allow_null=True, default=None)
    new_category = serializers.SerializerMethodField(help_text="The category the rule files it under, if it does.")
    old_merchant = serializers.CharField()
    new_merchant = serializers.CharField(source="merchant", allow_null=True, help_text="null: unchanged.")
    added_tags = serializers.ListField(source="tags", child=serializers.CharField())

    def get_new_category(self, change) -> int | None:
        return change.category.pk if change.category_changed and change.category else None


class RulePreviewSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="How many existing transactions would change.")
    changes = RuleChangeSerializer(many=True, help_text="The newest of them (at most 50), with what would change.")


class RuleAppliedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many transactions changed.")


class RuleFromTransactionSerializer(serializers.Serializer):
    transaction = serializers.IntegerField(min_value=1, max_value=10**18 - 1,
                                           help_text="A transaction of yours with the category to always use.")


class RuleCreatedFromTransactionSerializer(serializers.Serializer):
    rule = RuleSerializer()
    changed = serializers.IntegerField(help_text="How many other transactions the rule changed.")


class RuleReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=10**18 - 1), allow_empty=False,
                                help_text="Your rule ids in the order they should run; rules left out follow.")


@extend_schema_view(
    list=extend_schema(summary="Your rules, in the order they run"),
    retrieve=extend_schema(responses={200: RuleSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Create a rule (it runs after your existing ones)",
                         responses={201: RuleSerializer, 400: BAD_REQUEST}),
    update=extend_schema(responses={200: RuleSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    partial_update=extend_schema(responses={200: RuleSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a rule (transactions it filed keep their category)",
                          responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["rules"])
class RuleViewSet(viewsets.ModelViewSet):
    """Rules file transactions by description, merchant, amount, direction and account. They run in position
    order; each matching rule applies its actions until one says stop. A category you set yourself is never
    changed by a rule."""

    lookup_value_regex = ID_REGEX
    queryset = Rule.objects.none()
    serializer_class = RuleSerializer
    pagination_class = WholeListPagination  # a person has tens of rules, and their order matters

    def get_queryset(self):
        return rules.rule_list(user=self.request.user).order_by("position", "id")

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rules.rule_create(user=request.user, data=data.validated_data)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        rule = self.get_object()
        data = self.get_serializer(rule, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        rules.rule_update(user=request.user, rule=rule, data=data.validated_data)
        return Response(self.get_serializer(rules.rule_get(user=request.user, pk=rule.pk)).data)

    def perform_destroy(self, instance: Rule) -> None:
        rules.rule_delete(user=self.request.user, rule=instance)

    @extend_schema(summary="Which existing transactions this saved rule would change, and how", request=None,
                   responses={200: RulePreviewSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        preview = rules.rule_preview(user=request.user, rule_or_data=self.get_object())
        return Response(RulePreviewSerializer(preview).data)

    @extend_schema(summary="Preview an unsaved rule: which existing transactions it would change",
                   request=RuleSerializer, responses={200: RulePreviewSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="preview", parser_classes=[JSONParser])
    def preview_draft(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": "Send the rule as a JSON object."})
        data = self.get_serializer(data={"name": "Preview", **request.data})
        data.is_valid(raise_exception=True)
        preview = rules.rule_preview(user=request.user, rule_or_data=data.validated_data)
        return Response(RulePreviewSerializer(preview).data)

    @extend_schema(summary="Apply this rule to your existing transactions", request=None,
                   responses={200: RuleAppliedSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return Response({"changed": rules.rule_apply_to_existing(user=request.user, rule=self.get_object())})

    @extend_schema(summary="Set the order rules run in", request=RuleReorderSerializer,
                   responses={200: RuleSerializer(many=True), 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def reorder(self, request):
        data = RuleReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rules.rules_reorder(user=request.user, ids=data.validated_data["ids"])
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(summary="“Always do this for MERCHANT”: a rule filing this transaction's merchant under its "
                           "category, applied to the merchant's other transactions",
                   request=RuleFromTransactionSerializer,
                   responses={201: RuleCreatedFromTransactionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=False, methods=["post"], url_path="from-transaction", parser_classes=[JSONParser])
    def from_transaction(self, request):
        data = RuleFromTransactionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        txn = selectors.transaction_get(user=request.user, pk=data.validated_data["transaction"])
        rule, changed = rules.rule_from_correction(user=request.user, txn=txn)
        rule = rules.rule_get(user=request.user, pk=rule.pk)
        return Response({"rule": self.get_serializer(rule).data, "changed": changed}, status=status.HTTP_201_CREATED)
