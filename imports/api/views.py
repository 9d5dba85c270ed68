"""The imports API: upload a bank export, poll its batch, look at what the importer made of the file, and
confirm or correct its column mapping. Thin: imports.services does the work; another user's import is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api import NOT_FOUND, ApiError
from core.converters import ID_REGEX
from imports import services as import_services
from imports.api import serializers as s
from imports.services import refusal_message
from transactions import selectors
from transactions.models import ImportBatch, ImportStatus

# Created: rows are in the ledger. Accepted: queued, or waiting for a mapping. Refused: an error, with the batch.
_IMPORT_STATUS_CODES = {ImportStatus.DONE: status.HTTP_201_CREATED}
_IMPORT_RESPONSES = {
    201: OpenApiResponse(s.ImportBatchSerializer, description="Imported: see created_count and duplicate_count."),
    202: OpenApiResponse(s.ImportBatchSerializer,
                         description="Queued (a big file: poll the batch), or needs_mapping: see preview/ "
                                     "and mapping/."),
    400: OpenApiResponse(description="Refused, nothing imported (code `import_refused`): `message` gives the first "
                                     "row, column and reason, and `extra.batch` the batch with every error in "
                                     "`errors`. Invalid form fields are named in `fields` instead (code `invalid`)."),
}


@extend_schema_view(
    list=extend_schema(summary="Your imports, newest first"),
    retrieve=extend_schema(summary="One import: poll it for status and progress",
                           responses={200: s.ImportBatchSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["imports"])
class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bank file imports. All rows of a file are imported or none; re-importing a file adds only what is new."""

    lookup_value_regex = ID_REGEX

    queryset = ImportBatch.objects.none()
    serializer_class = s.ImportBatchSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return selectors.import_batch_list(user=self.request.user)

    def _respond(self, batch: ImportBatch) -> Response:
        batch = selectors.import_batch_get(user=self.request.user, pk=batch.pk)  # with its reconciliation
        data = self.get_serializer(batch).data
        if batch.status == ImportStatus.FAILED:
            raise ApiError(refusal_message(batch), status=status.HTTP_400_BAD_REQUEST, code="import_refused",
                           extra={"batch": data})
        return Response(data, status=_IMPORT_STATUS_CODES.get(batch.status, status.HTTP_202_ACCEPTED))

    @extend_schema(summary="Upload a bank export into one of your accounts",
                   request={"multipart/form-data": s.ImportCreateSerializer}, responses=_IMPORT_RESPONSES)
    def create(self, request, *args, **kwargs):
        data = s.ImportCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        batch = import_services.import_start(user=request.user, account=data.validated_data["account"],
                                             upload=data.validated_data["file"],
                                             mapping=data.validated_data.get("mapping"))
        return self._respond(batch)

    @extend_schema(summary="What the importer makes of this batch's file: columns, sample rows, proposed mapping",
                   responses={200: s.ImportPreviewSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        preview = import_services.import_batch_preview(batch=self.get_object())
        return Response(s.ImportPreviewSerializer(preview).data)

    @extend_schema(summary="Confirm (or correct) the column mapping and run the import",
                   request=s.ImportMappingSerializer,
                   responses={200: _IMPORT_RESPONSES[201], 202: _IMPORT_RESPONSES[202], 400: _IMPORT_RESPONSES[400],
                              404: NOT_FOUND})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def mapping(self, request, pk=None):
        batch = self.get_object()
        if batch.status not in (ImportStatus.NEEDS_MAPPING, ImportStatus.FAILED):
            raise ValidationError({"detail": f"This import is {batch.get_status_display().lower()}; only an import "
                                             f"that needs a mapping (or was refused) takes one."})
        data = s.ImportMappingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = import_services.import_run(batch=batch, mapping=data.validated_data["mapping"], run_async=None)
        response = self._respond(batch)
        if batch.status == ImportStatus.DONE:
            response.status_code = status.HTTP_200_OK  # the batch already existed
        return response
