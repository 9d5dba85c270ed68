from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from privacy.models import DataExport, DataExportStatus


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
