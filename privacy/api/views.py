from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core.api import BAD_REQUEST, NOT_FOUND, ApiError
from core.converters import ID_REGEX
from privacy import selectors, services
from privacy.api.serializers import DataExportSerializer, DataImportSerializer, DataImportUploadSerializer
from privacy.models import DataExport, DataImport


@extend_schema_view(
    list=extend_schema(summary="Your archives of everything you keep, newest first"),
    retrieve=extend_schema(summary="One archive: whether it is ready, what it holds",
                           responses={200: DataExportSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Ask for an archive of everything you keep; you get an email when it is ready",
                         request=None, responses={202: DataExportSerializer, 400: BAD_REQUEST}),
)
@extend_schema(tags=["your data"])
class DataExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your data to take away: ask, poll until `ready`, then download the zip once from `download_url`."""

    lookup_value_regex = ID_REGEX
    queryset = DataExport.objects.none()
    serializer_class = DataExportSerializer

    def get_queryset(self):
        return selectors.data_export_list(user=self.request.user)

    def create(self, request):
        try:
            export = services.data_export_request(user=request.user, request=request)
        except DjangoValidationError as error:
            raise ApiError(" ".join(error.messages), status=status.HTTP_400_BAD_REQUEST,
                           code="export_in_progress") from None
        body = DataExportSerializer(export, context=self.get_serializer_context()).data
        location = reverse("api:data-exports-detail", kwargs={"pk": export.pk})
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(summary="The archive (a zip); the link works once",
                   responses={(200, "application/zip"): OpenApiResponse(response=OpenApiTypes.BINARY,
                                                                        description="The archive."),
                              404: NOT_FOUND,
                              409: OpenApiResponse(description="Not ready, already downloaded, or expired.")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        try:
            path = services.data_export_download(user=request.user, export=export, request=request)
        except DjangoValidationError as error:
            raise ApiError(" ".join(error.messages), status=status.HTTP_409_CONFLICT, code="export_not_available",
                           extra={"status": export.status}) from None
        return FileResponse(path.open("rb"), as_attachment=True,
                            filename=f"finsight-data-{export.finished_at:%Y-%m-%d}.zip",
                            content_type="application/zip")


UPLOAD_400 = OpenApiResponse(
    response=None, description="Nothing is stored: `code` is too_large, not_empty (this account already has data; "
                               "an archive goes into an empty account only), in_progress (an import is under way) "
                               "or restore_refused (not a zip, unsafe to unpack, not a Finsight export, or in a "
                               "format this server does not read); `message` says which.")


@extend_schema_view(
    list=extend_schema(summary="Your imports of archives from another Finsight, newest first"),
    retrieve=extend_schema(summary="One import: whether it is done, what it created, or why nothing was imported",
                           responses={200: DataImportSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["your data"])
class DataImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bring your data from another Finsight: upload its archive into this (empty) account, then poll until
    `done` or `failed`. Everything in the archive is created, or nothing is."""

    lookup_value_regex = ID_REGEX
    queryset = DataImport.objects.none()
    serializer_class = DataImportSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return selectors.data_import_list(user=self.request.user)

    def get_object(self) -> DataImport:
        return selectors.data_import_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(summary="Upload an archive to import into this empty account; the worker reads it: poll it",
                   request={"multipart/form-data": DataImportUploadSerializer},
                   responses={202: DataImportSerializer, 400: UPLOAD_400})
    def create(self, request):
        given = DataImportUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            data_import = services.data_import_upload(user=request.user, upload=given.validated_data["file"],
                                                      request=request)
        except DjangoValidationError as error:
            raise ApiError(" ".join(error.messages), status=status.HTTP_400_BAD_REQUEST,
                           code=getattr(error, "code", None) or "invalid") from None
        location = reverse("api:data-imports-detail", kwargs={"pk": data_import.pk})
        return Response(DataImportSerializer(data_import).data, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": location})
