"""A person's data to take away: an archive of everything they own, written by the worker, downloaded once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DataExportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready to download"
    DOWNLOADED = "downloaded", "Downloaded"
    EXPIRED = "expired", "Expired"
    FAILED = "failed", "Failed"


class DataExport(models.Model):
    """One archive. Its owner downloads it once, signed in, until ``expires_at``; then the file is deleted."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=12, choices=DataExportStatus.choices, default=DataExportStatus.PENDING)
    # The file's name under settings.DATA_EXPORT_DIR (random, so it cannot be guessed), once written.
    file_name = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # What the archive holds: {"app.Model": rows, ..., "files": n}.
    counts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"Data export {self.pk} ({self.get_status_display()})"
