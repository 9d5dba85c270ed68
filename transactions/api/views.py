from __future__ import annotations

import zoneinfo
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.conf import settings
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST, NOT_FOUND, ApiError, KeysetPagination, WholeListPagination, list_response
from core.converters import ID_REGEX
from core.csv_safe import csv_blocks
from transactions import currency, exports, rules, selectors, services
from transactions.api import listing
from transactions.api import serializers as s
from transactions.exports import EXPORT_HEADER, export_rows
from transactions.filters import TransactionFilter
from transactions.models import Account, Category, Rule, Source, Transaction, TransactionExport

# --- accounts -------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Your accounts with their current balance"),
    retrieve=extend_schema(responses={200: s.AccountSerializer, 404: NOT_FOUND}),
    create=extend_schema(responses={201: s.AccountSerializer, 400: BAD_REQUEST}),
    update=extend_schema(responses={200: s.AccountSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    partial_update=extend_schema(responses={200: s.AccountSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete an account and every transaction in it",
                          responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["accounts"])
class AccountViewSet(viewsets.ModelViewSet):
    """Bank accounts, cards and wallets. The balance is derived from a known balance on a day: plus the
    transactions after it (older ones fill in the days before)."""

    lookup_value_regex = ID_REGEX

    queryset = Account.objects.none()
    serializer_class = s.AccountSerializer
    pagination_class = WholeListPagination  # a person has a handful of accounts

    def get_queryset(self):
        return selectors.account_list(user=self.request.user)

    def _respond(self, account: Account, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.account_get(user=self.request.user, pk=account.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.account_create(user=request.user, **data.validated_data)
        return self._respond(account, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        account = self.get_object()
        data = self.get_serializer(account, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "currency"}
        services.account_update(account=account, data=changes)
        return self._respond(account)

    def perform_destroy(self, instance: Account) -> None:
        services.account_delete(user=self.request.user, account=instance)

    @extend_schema(summary="Make Finsight's balance on a day what the bank says, with an adjustment that day",
                   description="Adds a transaction (source `adjustment`, under Transfers: neither spending nor "
                               "income) of the difference between the bank's balance and Finsight's at the end of "
                               "`date`. Balances from that day on move by it. A 400 when they already match.",
                   request=s.AccountAdjustSerializer,
                   responses={201: s.AccountAdjustedSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def adjust(self, request, pk=None):
        account = self.get_object()
        data = s.AccountAdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = services.account_balance_adjust(user=request.user, account=account, on=data.validated_data["date"],
                                                     bank_balance=data.validated_data["bank_balance"])
        fresh = selectors.account_get(user=request.user, pk=account.pk)
        return Response({"adjustment": s.TransactionSerializer(selectors.transaction_get(user=request.user,
                                                                                         pk=adjustment.pk)).data,
                         "account": self.get_serializer(fresh).data}, status=status.HTTP_201_CREATED)


# --- categories -----------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="The standard taxonomy plus your own categories, hidden ones included"),
    retrieve=extend_schema(responses={200: s.CategorySerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Create your own category, optionally under a top-level one",
                         responses={201: s.CategorySerializer, 400: BAD_REQUEST}),
    partial_update=extend_schema(summary="Rename your own category (only `name` can change)",
                                 responses={200: s.CategorySerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete your own unused category (merge one that has transactions)",
                          responses={204: None, 400: BAD_REQUEST, 404: NOT_FOUND}),
)
@extend_schema(tags=["categories"])
class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """Two-level categories. Standard ones can be hidden but not renamed, deleted or merged away."""

    lookup_value_regex = ID_REGEX

    queryset = Category.objects.none()
    serializer_class = s.CategorySerializer
    pagination_class = WholeListPagination  # the taxonomy is small and pickers want all of it
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.category_list(user=self.request.user)

    def _respond(self, category: Category, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=category.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_create(user=request.user, **data.validated_data)
        return self._respond(category, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        category = self.get_object()
        data = self.get_serializer(category, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        moved = {"parent", "kind"} & data.validated_data.keys()
        if moved:
            raise ValidationError({field: "Only the name of a category can change." for field in moved})
        if "name" not in data.validated_data:
            raise ValidationError({"name": "This field is required."})
        services.category_rename(user=request.user, category=category, name=data.validated_data["name"])
        return self._respond(category)

    def perform_destroy(self, instance: Category) -> None:
        if instance.is_standard:
            raise ValidationError({"detail": "Standard categories cannot be deleted; hide it instead."})
        try:
            services.category_delete(user=self.request.user, category=instance)
        except DjangoValidationError as error:
            raise ValidationError({"detail": f"{error.messages[0]} (POST /api/v1/categories/{instance.pk}/merge/)"}) \
                from None

    @extend_schema(summary="Hide a category from your pickers (its transactions keep it)", request=None,
                   responses={200: s.CategorySerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        category = services.category_set_hidden(user=request.user, category=self.get_object(), hidden=True)
        return self._respond(category)

    @extend_schema(summary="Show a hidden category again", request=None,
                   responses={200: s.CategorySerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        category = services.category_set_hidden(user=request.user, category=self.get_object(), hidden=False)
        return self._respond(category)

    @extend_schema(summary="Move this category's transactions (and its sub-categories') into another, then "
                           "delete it", request=s.CategoryMergeSerializer,
                   responses={200: s.CategoryMergeResultSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        source = self.get_object()
        data = s.CategoryMergeSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        target = data.validated_data["into"]
        moved = services.category_merge(user=request.user, source=source, target=target)
        into = self.get_queryset().get(pk=target.pk)
        return Response({"moved": moved, "into": self.get_serializer(into).data})


# --- transactions ---------------------------------------------------------------------------------

def request_filtered(request) -> bool:
    """Whether the request names any of the list's filters (or its ordering)."""
    return any(name in request.query_params for name in TransactionFilter.base_filters)


@extend_schema_view(
    list=extend_schema(summary="Your transactions, filtered, ordered and paged by cursor",
                       description="The filters of the transactions page. `ordering` accepts date, amount, merchant "
                                   "and created, with a leading - for descending; `page_size` goes up to 500. "
                                   "Follow `next` to walk the list: each transaction that existed when the walk "
                                   "began comes exactly once, whatever is added or deleted meanwhile. `count` is "
                                   "null unless the whole list fits on the first page (nothing is counted); with "
                                   "`page`, the numbered pages count every matching row."),
    retrieve=extend_schema(responses={200: s.TransactionSerializer, 404: NOT_FOUND}),
    create=extend_schema(request=s.TransactionCreateSerializer,
                         responses={201: s.TransactionSerializer, 400: BAD_REQUEST}),
    update=extend_schema(request=s.TransactionWriteSerializer,
                         responses={200: s.TransactionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    partial_update=extend_schema(request=s.TransactionWriteSerializer,
                                 responses={200: s.TransactionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["transactions"])
class TransactionViewSet(viewsets.ModelViewSet):
    """Your transactions: amounts are signed (negative is money out) and written through the ledger services."""

    lookup_value_regex = ID_REGEX

    queryset = Transaction.objects.none()
    serializer_class = s.TransactionSerializer
    filterset_class = TransactionFilter
    # A person's ledger runs to 100,000 rows and grows while a client pages: pages by position, not counted.
    pagination_class = KeysetPagination

    def get_queryset(self):
        return selectors.transaction_list(user=self.request.user)

    def filter_queryset(self, queryset):
        """Without any filter or ordering asked, the list in its own order (newest first, the filter set's default
        too): building a FilterSet deep-copies its dozen filters, a quarter of an unfiltered page's time."""
        if self.action == "list" and not request_filtered(self.request):
            return queryset.order_by(*Transaction._meta.ordering)
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        """The rows as TransactionSerializer writes them, read as plain values (transactions.api.listing)."""
        rows = self.filter_queryset(listing.transaction_list_values(user=request.user))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(listing.transaction_rows(page))

    def _respond(self, txn: Transaction, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.transaction_get(user=self.request.user, pk=txn.pk)
        return Response(s.TransactionSerializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.TransactionCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        txn = services.transaction_create(user=request.user, on=fields.pop("date"), source=Source.API, **fields)
        return self._respond(txn, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        txn = self.get_object()
        data = s.TransactionWriteSerializer(data=request.data, partial=kwargs.get("partial", False),
                                            context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.transaction_update(user=request.user, txn=txn, data=dict(data.validated_data))
        return self._respond(txn)

    def perform_destroy(self, instance: Transaction) -> None:
        services.transaction_delete(user=self.request.user, txn=instance)

    @extend_schema(summary="Split a transaction across categories ([] removes the split)",
                   request=s.SplitPartSerializer(many=True),
                   responses={200: s.TransactionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["put", "post"], parser_classes=[JSONParser])
    def splits(self, request, pk=None):
        txn = self.get_object()
        data = s.SplitPartSerializer(data=request.data, many=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        parts = [(part["category"], part["amount"], part["notes"]) for part in data.validated_data]
        services.transaction_split_set(user=request.user, txn=txn, parts=parts)
        return self._respond(txn)

    @extend_schema(summary="Re-categorize several transactions as your own choice",
                   request=s.BulkRecategorizeSerializer, responses={200: s.BulkUpdatedSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="bulk/recategorize", parser_classes=[JSONParser])
    def bulk_recategorize(self, request):
        data = s.BulkRecategorizeSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        chosen = Transaction.objects.for_user(request.user).filter(pk__in=data.validated_data["ids"])
        updated = services.transactions_recategorize(user=request.user, transactions=chosen,
                                                     category=data.validated_data["category"])
        return Response({"updated": updated})

    @extend_schema(summary="Delete several transactions", request=s.BulkIdsSerializer,
                   responses={200: s.BulkDeletedSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="bulk/delete", parser_classes=[JSONParser])
    def bulk_delete(self, request):
        data = s.BulkIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = Transaction.objects.for_user(request.user).filter(pk__in=data.validated_data["ids"])
        return Response({"deleted": services.transactions_delete(user=request.user, transactions=chosen)})


class TransactionExportView(GenericAPIView):
    """Streams the filtered set when it is small enough to finish well within a request; a larger one is refused
    with the way to ask the worker for it, so a download is never cut short by the server's time limit."""

    queryset = Transaction.objects.none()
    filterset_class = TransactionFilter
    pagination_class = None

    def get_queryset(self):
        return Transaction.objects.filter(owner=self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # The body is always CSV; an `Accept: text/csv` must not turn an error into a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        tags=["transactions"], filters=True, operation_id="transactions_export_csv",
        summary="Every transaction matching the filters, as CSV (not paginated), up to EXPORT_SYNC_MAX_ROWS",
        description="More rows than the server sends at once (50,000 by default) answer 400 with code "
                    "`export_too_large`: ask for an export with POST /api/v1/transactions/exports/ instead.",
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR,
                                                      description="A header row, then one row per transaction."),
                   400: BAD_REQUEST},
    )
    def get(self, request):
        transactions = self.filter_queryset(self.get_queryset())
        limit = settings.EXPORT_SYNC_MAX_ROWS
        count = transactions.count()
        if count > limit:
            raise ApiError(f"{count:,} transactions are more than the {limit:,} sent at once. Ask for an export "
                           f"(POST /api/v1/transactions/exports/) and download it when it is ready.",
                           status=status.HTTP_400_BAD_REQUEST, code="export_too_large",
                           extra={"rows": count, "limit": limit})
        lines = csv_blocks(EXPORT_HEADER, export_rows(user=request.user, transactions=transactions))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="finsight-transactions-{stamp}.csv"'
        return response


@extend_schema_view(
    list=extend_schema(summary="Your exports, newest first"),
    retrieve=extend_schema(summary="An export: its progress, then its download link (or why it failed)",
                           responses={200: s.TransactionExportSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Ask for a CSV export of the transactions the list's filters select",
                         request=s.TransactionExportRequestSerializer,
                         responses={202: s.TransactionExportSerializer, 400: BAD_REQUEST}),
)
@extend_schema(tags=["transactions"])
class TransactionExportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exports written by the worker (any size): ask, follow `progress_percent`, then download `download_url`."""

    lookup_value_regex = ID_REGEX
    queryset = TransactionExport.objects.none()
    serializer_class = s.TransactionExportSerializer

    def get_queryset(self):
        return selectors.transaction_export_list(user=self.request.user)

    def create(self, request):
        data = s.TransactionExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        export = services.transaction_export_request(user=request.user, filters=data.validated_data)
        body = s.TransactionExportSerializer(export, context=self.get_serializer_context()).data
        location = reverse("api:transaction-exports-detail", kwargs={"pk": export.pk})
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(summary="The export's CSV file",
                   responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                                 description="A header row, then one row per "
                                                                             "transaction."),
                              404: NOT_FOUND, 409: OpenApiResponse(description="Not ready: still being written, "
                                                                               "failed, or expired.")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        if not export.is_downloadable:
            state = {"pending": "has not started yet", "running": "is still being written",
                     "failed": "failed; there is no file", "expired": "has expired; ask for a new one"}
            raise ApiError(f"This export {state.get(export.shown_status, 'is not ready')}.",
                           status=status.HTTP_409_CONFLICT, code="export_not_ready",
                           extra={"status": export.shown_status})
        try:
            handle = open(exports.export_path(export), "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=export.download_name, content_type="text/csv")


# --- currency -------------------------------------------------------------------------------------

def _user_today(user) -> date:
    profile = getattr(user, "financial_profile", None)
    try:
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(profile.timezone)) if profile else timezone.localdate()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localdate()


@extend_schema(tags=["currency"], parameters=[s.CurrencyConvertQuerySerializer],
               responses={200: s.CurrencyConversionSerializer, 400: BAD_REQUEST})
class CurrencyConvertView(APIView):
    """Convert an amount with the ECB reference rates bundled offline; a date without a published rate (weekend,
    holiday) uses the nearest earlier one, given as `rate_date`."""

    def get(self, request):
        query = s.CurrencyConvertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        on = params.get("date") or _user_today(request.user)
        codes = {"from": params["from"].strip().upper(), "to": params["to"].strip().upper()}
        unknown = {name: str(currency.UnknownCurrency(code)) for name, code in codes.items()
                   if not currency.is_known_currency(code)}
        if unknown:
            raise ValidationError(unknown)
        try:
            result = currency.convert(params["amount"], codes["from"], codes["to"], on)
        except currency.NoRateForDate as error:
            raise ValidationError({"date": str(error)}) from None
        # The same currency comes back unrounded from convert(); every answer is in the target's minor unit.
        converted = result.amount.quantize(Decimal(1).scaleb(-currency.minor_unit_exponent(codes["to"])),
                                           rounding=ROUND_HALF_UP)
        body = {"amount": params["amount"], "from": codes["from"], "to": codes["to"], "date": on,
                "rate": result.rate, "rate_date": result.rate_date, "converted": converted}
        return Response(s.CurrencyConversionSerializer(body).data)


# --- rules ----------------------------------------------------------------------------------------



@extend_schema_view(
    list=extend_schema(summary="Your rules, in the order they run"),
    retrieve=extend_schema(responses={200: s.RuleSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Create a rule (it runs after your existing ones)",
                         responses={201: s.RuleSerializer, 400: BAD_REQUEST}),
    update=extend_schema(responses={200: s.RuleSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    partial_update=extend_schema(responses={200: s.RuleSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
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
    serializer_class = s.RuleSerializer
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
                   responses={200: s.RulePreviewSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        preview = rules.rule_preview(user=request.user, rule_or_data=self.get_object())
        return Response(s.RulePreviewSerializer(preview).data)

    @extend_schema(summary="Preview an unsaved rule: which existing transactions it would change",
                   request=s.RuleSerializer, responses={200: s.RulePreviewSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="preview", parser_classes=[JSONParser])
    def preview_draft(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"detail": "Send the rule as a JSON object."})
        data = self.get_serializer(data={"name": "Preview", **request.data})
        data.is_valid(raise_exception=True)
        preview = rules.rule_preview(user=request.user, rule_or_data=data.validated_data)
        return Response(s.RulePreviewSerializer(preview).data)

    @extend_schema(summary="Apply this rule to your existing transactions", request=None,
                   responses={200: s.RuleAppliedSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        return Response({"changed": rules.rule_apply_to_existing(user=request.user, rule=self.get_object())})

    @extend_schema(summary="Set the order rules run in", request=s.RuleReorderSerializer,
                   responses={200: s.RuleSerializer(many=True), 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser])
    def reorder(self, request):
        data = s.RuleReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rules.rules_reorder(user=request.user, ids=data.validated_data["ids"])
        return list_response(request=request, view=self, items=self.get_queryset(), serializer=s.RuleSerializer)

    @extend_schema(summary="“Always do this for MERCHANT”: a rule filing this transaction's merchant under its "
                           "category, applied to the merchant's other transactions",
                   request=s.RuleFromTransactionSerializer,
                   responses={201: s.RuleCreatedFromTransactionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=False, methods=["post"], url_path="from-transaction", parser_classes=[JSONParser])
    def from_transaction(self, request):
        data = s.RuleFromTransactionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        txn = selectors.transaction_get(user=request.user, pk=data.validated_data["transaction"])
        rule, changed = rules.rule_from_correction(user=request.user, txn=txn)
        rule = rules.rule_get(user=request.user, pk=rule.pk)
        return Response({"rule": self.get_serializer(rule).data, "changed": changed}, status=status.HTTP_201_CREATED)
