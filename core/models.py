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


class OutboxTask(models.Model):
    """A background task recorded in the database with the write that needs it, handed to the queue after commit.

    The queue (Redis) may be down when a request commits; the row then waits here and the outbox sweep hands it
    over once the queue is back, so no job is lost. ``sent_at`` is set once the queue has taken it.
    """

    task = models.CharField(max_length=200, help_text="The queued task's name: its module and function.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    not_before = models.DateTimeField(help_text="When the task may run (a task queued with a delay).")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Hand-overs tried, the successful one included.")
    claimed_until = models.DateTimeField(null=True, blank=True,
                                         help_text="A process is handing it over; another may retry after this.")
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the queue took it.")

    class Meta:
        ordering = ["id"]
        # The sweep reads the waiting rows only; sent ones are kept a while for the staff, then purged.
        indexes = [models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="core_outbox_waiting_idx")]
        verbose_name = "queued task"

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} {'sent' if self.sent_at else 'waiting'}"
