"""Background job runs, as staff see them: what ran, when, how long, and how it ended."""

from __future__ import annotations

from django.db import models


class JobStatus(models.TextChoices):
    RUNNING = "running", "Running"
    OK = "ok", "Succeeded"
    FAILED = "failed", "Failed"


class JobRun(models.Model):
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True, help_text="For per-user jobs; no link, users come and go.")
    outcome = models.JSONField(default=dict, blank=True, help_text="Counts the job reports, e.g. reminders sent.")
    error = models.TextField(blank=True)

    class Meta:
        # Born in insights; the table keeps its name so that moving the model changed no data.
        db_table = "insights_jobrun"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["name", "-started_at"], name="insights_jo_name_bdeb9c_idx"),
            models.Index(fields=["status", "-started_at"], name="insights_jo_status_f110aa_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.status} at {self.started_at:%Y-%m-%d %H:%M}"
