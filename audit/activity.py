"""A person's activity: what they did and what was done to their account (the audit log), and the background
work Finsight ran for them (``core.JobRun`` rows with their user id), in plain words, newest first. The person
reads it under their security log; staff read it on the staff activity page of that person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from audit.describe import SENTENCES, device_describe, entry_describe
from audit.models import AuditAction, AuditEntry
from audit.selectors import security_log
from core.models import JobRun, JobStatus

# The per-person background jobs, in words (the name the jobs page shows is the key).
JOB_SENTENCES = {
    "user_insights": "Dashboard figures refreshed",
    "forecast_refresh": "Balance forecast updated",
    "goals_refresh": "Goals' plan recalculated",
    "user_model_retrain": "Own categorizer retrained from the categories chosen",
    "budget_alerts": "Budgets checked for alerts",
    "monthly_letter": "Monthly letter written",
    "bills_match": "Payments matched to bills",
    "protection_refresh": "New transactions checked for unusual charges",
}


@dataclass(frozen=True)
class Activity:
    at: dt.datetime
    source: str  # "audit" or "job"
    sentence: str
    failed: bool = False


# Entries whose words name something of the person's own (a file, an account, a rule or a category): staff read
# them without those names.
LABELLED = (AuditAction.BANK_IMPORT, AuditAction.RULE_DELETE, AuditAction.CATEGORY_DELETE)


def staff_describe(entry: AuditEntry, *, person_id: int) -> str:
    """The entry as staff read it: the person's sentence, without the names of their files, accounts, rules or
    categories; with the address and device, and who acted when it was someone else."""
    if entry.action not in LABELLED:
        sentence = entry_describe(entry)
    else:
        sentence = SENTENCES[AuditAction(entry.action)]
        created = (entry.changes or {}).get("created")
        if entry.action == AuditAction.BANK_IMPORT and isinstance(created, int):
            sentence += f" {created} transaction{'' if created == 1 else 's'}"
        elif entry.action != AuditAction.BANK_IMPORT:
            sentence = sentence.replace("the ", "a ", 1)
        if entry.ip:
            sentence += f" from {entry.ip}"
        if entry.user_agent:
            sentence += f", {device_describe(entry.user_agent)}"
    if entry.actor_label and entry.actor_id != person_id:
        sentence += f" (by {entry.actor_label})"
    return sentence


def job_describe(run: JobRun) -> str:
    sentence = JOB_SENTENCES.get(run.name, f"Background job “{run.name}”")
    if run.status == JobStatus.FAILED:
        return f"{sentence}: failed (staff see why on the jobs page)"
    if run.status == JobStatus.RUNNING:
        return f"{sentence}: running"
    return sentence


def background_runs(*, user: Any, limit: int, since: dt.datetime | None = None,
                    until: dt.datetime | None = None) -> list[JobRun]:
    runs = JobRun.objects.filter(user_id=user.pk)
    if since is not None:
        runs = runs.filter(started_at__gte=since)
    if until is not None:
        runs = runs.filter(started_at__lt=until)
    return list(runs.order_by("-started_at", "-id")[:limit])


def activity_timeline(*, user: Any, limit: int = 200, since: dt.datetime | None = None,
                      until: dt.datetime | None = None) -> list[Activity]:
    """The newest ``limit`` things, from both sources (two queries), in the words staff read."""
    entries = security_log(user=user)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    items = [Activity(at=entry.created_at, source="audit", sentence=staff_describe(entry, person_id=user.pk))
             for entry in entries[:limit]]
    items += [Activity(at=run.started_at, source="job", sentence=job_describe(run), failed=run.status == JobStatus.FAILED)
              for run in background_runs(user=user, limit=limit, since=since, until=until)]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]
