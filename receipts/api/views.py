"""The receipts API: upload a photo or PDF, read what the worker made of it (fields with confidences, items, the
payments it may be), confirm it with any edits, fetch its file. Thin: receipts.selectors read with the requesting
user (another user's receipt is a 404), receipts.services write (their refusals are 400s through core.api).
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import BAD_REQUEST, NOT_FOUND
from core.converters import ID_REGEX
from receipts import selectors, services
from receipts.api import serializers as s
from receipts.models import Receipt, ReceiptStatus

UPLOAD_400 = OpenApiResponse(description="Not a photo or PDF we can read, too large (bytes, pixels or pages), "
                                         "damaged: `message` says which; nothing is stored.")


def candidates_for(*, user, receipts: list[Receipt]) -> dict[int, list[selectors.MatchCandidate]]:
    return {r.pk: selectors.match_candidates(user=user, receipt=r) for r in receipts
            if r.status == ReceiptStatus.READY}


@extend_schema_view(
    list=extend_schema(summary="Your receipts, newest first", responses={200: s.ReceiptSerializer(many=True)}),
    retrieve=extend_schema(summary="One receipt: status and progress, the fields read with their confidence, the "
                                   "items, and the payments it may be", responses={200: s.ReceiptSerializer,
                                                                                  404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a receipt and its file (a transaction made from it stays)",
                          responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["receipts"])
class ReceiptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                     viewsets.GenericViewSet):
    """Receipts: a photo or PDF is verified (and a photo re-encoded without its metadata), kept privately and
    read by the worker; once it is ready, confirming it makes a transaction (or attaches it to the payment already
    imported) with its items as splits."""

    lookup_value_regex = ID_REGEX
    queryset = Receipt.objects.none()
    serializer_class = s.ReceiptSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return selectors.receipt_list(user=self.request.user)

    def get_object(self) -> Receipt:
        return selectors.receipt_get(user=self.request.user, pk=self.kwargs["pk"])

    def _data(self, receipt: Receipt) -> dict:
        context = {**self.get_serializer_context(),
                   "candidates": candidates_for(user=self.request.user, receipts=[receipt])}
        return s.ReceiptSerializer(receipt, context=context).data

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        receipts = list(page or [])
        context = {**self.get_serializer_context(), "candidates": candidates_for(user=request.user,
                                                                                  receipts=receipts)}
        return self.get_paginated_response(s.ReceiptSerializer(receipts, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data(self.get_object()))

    def perform_destroy(self, instance: Receipt) -> None:
        services.receipt_delete(user=self.request.user, receipt=instance)

    @extend_schema(summary="Upload a receipt (a photo or a PDF); the worker reads it: poll it until ready",
                   request={"multipart/form-data": s.ReceiptUploadSerializer},
                   responses={202: s.ReceiptSerializer, 400: UPLOAD_400})
    def create(self, request, *args, **kwargs):
        data = s.ReceiptUploadSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        receipt = services.receipt_upload(user=request.user, upload=data.validated_data["file"],
                                          meant_for=data.validated_data.get("transaction"))
        receipt = selectors.receipt_get(user=request.user, pk=receipt.pk)
        return Response(self._data(receipt), status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="Confirm a receipt with any edits: a new transaction in `account`, or attached to a "
                           "payment already imported (`attach_to`), its items as splits adding up to the total",
                   request=s.ReceiptConfirmSerializer,
                   responses={200: s.ReceiptSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def confirm(self, request, pk=None):
        receipt = self.get_object()
        data = s.ReceiptConfirmSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        edits = services.receipt_edits_merge(receipt=receipt, data=values)
        services.receipt_confirm(user=request.user, receipt=receipt, edits=edits, account=values.get("account"),
                                 attach_to=values.get("attach_to"))
        return Response(self._data(selectors.receipt_get(user=request.user, pk=receipt.pk)))

    @extend_schema(summary="Read a receipt that failed once more (poll it as after an upload)", request=None,
                   responses={202: s.ReceiptSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def retry(self, request, pk=None):
        receipt = services.receipt_retry(user=request.user, receipt=self.get_object())
        return Response(self._data(receipt), status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The receipt's file (the re-encoded photo, or the PDF)",
                   responses={(200, "image/jpeg"): OpenApiResponse(description="The file."), 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        receipt = self.get_object()
        return FileResponse(receipt.file.open("rb"), content_type=receipt.content_type)
