"""A person's data to take away: an archive of everything they own, written by the worker, downloaded once."""

from __future__ import annotations

from django.apps import apps
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


def counts_in_words(counts: dict[str, int]) -> list[str]:
    """Rows per model ("app.Model") and "files" (receipt files), in words: "7 transactions", "1 receipt file"."""
    lines = []
    for label, count in counts.items():
        if not count:
            continue
        if label == "files":
            lines.append(f"{count} receipt file{'s' if count != 1 else ''}")
            continue
        try:
            meta = apps.get_model(label)._meta
        except (LookupError, ValueError):
            continue
        lines.append(f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}")
    return lines


class DataImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being imported"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


class DataImport(models.Model):
    """A Finsight export uploaded to be read into its owner's new, empty account by the worker: all of it or, when
    anything is wrong, nothing (``error`` says where). The uploaded file is deleted once read."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_imports")
    status = models.CharField(max_length=12, choices=DataImportStatus.choices, default=DataImportStatus.PENDING)
    # The upload's name under settings.DATA_IMPORT_DIR (random) while it waits to be read; empty afterwards.
    file_name = models.CharField(max_length=100, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # What was created: {"app.Model": rows, ..., "files": n}; what the archive held but was not imported, and why.
    counts = models.JSONField(default=dict, blank=True)
    skipped = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"Data import {self.pk} ({self.get_status_display()})"

    def imported(self) -> list[str]:
        """What was created, in words: "7 transactions", "1 receipt file"."""
        return counts_in_words(self.counts)


class DeletionRequest(models.Model):
    """A person asked for their account to be deleted. Signing in or cancelling before ``purge_after`` deletes this
    row (the account stays); after it, the deletion job removes the account and everything it owns."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion_request")
    requested_at = models.DateTimeField()
    purge_after = models.DateTimeField(help_text="When the grace period ends and the deletion job may remove it.")

    class Meta:
        ordering = ["purge_after", "id"]
        verbose_name = "pending account deletion"

    def __str__(self) -> str:
        return f"Deletion of {self.user} after {self.purge_after:%Y-%m-%d %H:%M}"


class FormerMember(models.Model):
    """The stand-in a deleted person leaves in their groups: an inactive user without email or password, named
    "Former member", who keeps their payers, shares and settlements so every other member's balance stays right."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="former_member")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Former member {self.user_id}"


class DeletionLeftover(models.Model):
    """A file of a deleted account, written in the same transaction as the deletion and removed from disk after
    its commit; a run killed in between finds it here and finishes the job."""

    path = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.path
