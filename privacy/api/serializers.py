from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from privacy.models import DataExport, DataExportStatus, DataImport, DataImportStatus


class DataExportSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=DataExportStatus.values,
        help_text="pending, running: being prepared; ready: download it once from `download_url` before "
                  "`expires_at`; downloaded: the link was used; expired: the time was over, the file is gone; "
                  "failed: `error` says why.")
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text='What the archive holds: rows per model ("app.Model") and "files".')
    download_url = serializers.SerializerMethodField(help_text="While ready: the archive (a zip), once.")

    class Meta:
        model = DataExport
        fields = ["id", "status", "size_bytes", "counts", "error", "created_at", "finished_at", "expires_at",
                  "downloaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, export: DataExport) -> str | None:
        if export.status != DataExportStatus.READY:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:data-exports-download", kwargs={"pk": export.pk}))


class DataImportSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=DataImportStatus.values,
        help_text="pending, running: being read; done: `counts` says what was created; failed: nothing was "
                  "imported and `error` says why (the file, row and field of the archive's first problem).")
    counts = serializers.DictField(child=serializers.IntegerField(),
                                   help_text='What was created: rows per model ("app.Model") and "files".')
    skipped = serializers.DictField(child=serializers.IntegerField(),
                                    help_text="Rows in the archive that are not imported, per model (groups, "
                                              "notifications, alerts); `notes` says why.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="What you should know, in sentences.")

    class Meta:
        model = DataImport
        fields = ["id", "status", "original_name", "size_bytes", "counts", "skipped", "notes", "error",
                  "created_at", "finished_at"]
        read_only_fields = fields


class DataImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The zip another Finsight's “Your data” page (or "
                                           "/api/v1/me/data-exports/) gave you.")
