"""The imports API's JSON: an import batch with its progress or errors, the upload, the mapping and the preview."""

from __future__ import annotations

from rest_framework import serializers

from transactions.api.serializers import OwnAccountField, ReconciliationSerializer
from transactions.models import ImportBatch


class ImportBatchSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True, help_text="0-100, for a progress bar.")
    errors = serializers.ListField(child=serializers.DictField(), read_only=True,
                                   help_text='Why nothing was imported: [{"row", "column", "message"}].')
    mapping = serializers.DictField(read_only=True, help_text="The column mapping used or proposed.")
    reconciliation = ReconciliationSerializer(read_only=True, allow_null=True,
                                              help_text="The balance the file states (OFX LEDGERBAL or AVAILBAL, or "
                                                        "its balance column's last balance) beside Finsight's balance "
                                                        "on that day, now; null when the file states none.")

    class Meta:
        model = ImportBatch
        fields = ["id", "account", "status", "filename", "file_format", "mapping", "rows_total", "rows_processed",
                  "progress_percent", "created_count", "duplicate_count", "errors", "notes", "reconciliation",
                  "created_at", "finished_at"]
        read_only_fields = fields


class ImportCreateSerializer(serializers.Serializer):
    account = OwnAccountField()
    file = serializers.FileField(help_text="A bank export: CSV, Excel (.xlsx, .xls) or OFX/QFX.")
    mapping = serializers.JSONField(required=False, binary=True,
                                    help_text="Optional column mapping as a JSON text, e.g. "
                                              '{"date": 0, "amount": 2, "description": [1], "date_order": "dmy"}.')

    def validate_mapping(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("The mapping must be a JSON object.")
        return value


class ImportMappingSerializer(serializers.Serializer):
    mapping = serializers.DictField(help_text='Columns by 0-based index or header name, e.g. '
                                              '{"date": 0, "amount": 2, "description": [1], "date_order": "mdy"}.')


class ImportPreviewSerializer(serializers.Serializer):
    file_format = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    sample_rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    mapping = serializers.DictField(help_text="The proposed (or saved) mapping to confirm or correct.")
    confident = serializers.BooleanField(help_text="False when the importer needs a person to check the mapping.")
    problems = serializers.ListField(child=serializers.CharField())
    refused = serializers.BooleanField(help_text="Not a bank export at all; problems says why.")
    encoding = serializers.CharField()
    delimiter = serializers.CharField()
    header_row = serializers.IntegerField()
    sheet = serializers.CharField()
    rows_estimate = serializers.IntegerField()
