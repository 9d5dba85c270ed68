"""Figures about the learners across everyone, for the staff pages: counts grouped in the database, and the
saved model versions with their metrics. Never a row, a description or an amount of anyone."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max

from core.day_sql import UTCDay
from mlcore.models import FeedbackEvent, UserCategorizerModel
from transactions.models import Transaction

# The folders the categorizer and the budget model save their versions in (as global_categorizer.py and
# budgeting.py name them; those modules load scikit-learn and LightGBM, so they are not imported here).
MODEL_FOLDERS = {"categorizer": "Categorizer (everyone's)", "budget": "Budget suggestions"}
METADATA_FILE = "metadata.json"
CURRENT_FILE = "current"
REVIEW_BUCKETS = ((1, 9, "1 to 9"), (10, 99, "10 to 99"), (100, None, "100 or more"))


def feedback_by_day(*, since: dt.datetime, until: dt.datetime) -> list[tuple[dt.date, str, int]]:
    """(day, kind, count) of categorizer feedback: a suggestion accepted or another category chosen."""
    rows = (FeedbackEvent.objects.filter(created_at__gte=since, created_at__lt=until)
            .annotate(day=UTCDay("created_at")).values("day", "kind").annotate(n=Count("id")).order_by())
    return [(row["day"], row["kind"], row["n"]) for row in rows]


def review_queue_sizes() -> list[dict[str, Any]]:
    """How many people have how many transactions waiting for review, in buckets (one query): for each
    bucket the number of people and of transactions."""
    per_person = (Transaction.objects.filter(needs_review=True).values("owner_id")
                  .annotate(n=Count("id")).order_by())
    inner, params = per_person.query.sql_with_params()
    cases = " ".join(f"WHEN n <= {high} THEN {index}" for index, (_, high, _) in enumerate(REVIEW_BUCKETS)
                     if high is not None)
    sql = (f"SELECT CASE {cases} ELSE {len(REVIEW_BUCKETS) - 1} END AS bucket, COUNT(*), SUM(n) "
           f"FROM ({inner}) per_person GROUP BY 1")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {int(bucket): (people, waiting) for bucket, people, waiting in cursor.fetchall()}
    return [{"bucket": label, "people": found.get(index, (0, 0))[0], "waiting": int(found.get(index, (0, 0))[1] or 0)}
            for index, (_, _, label) in enumerate(REVIEW_BUCKETS)]


def model_versions() -> list[dict[str, Any]]:
    """Each saved version of the shared models, newest first per model: its name, when it was trained, whether
    it is the one in use, its size and its metrics as training recorded them."""
    root = Path(getattr(settings, "MLCORE_ARTIFACT_DIR", settings.DATA_DIR / "models"))
    versions: list[dict[str, Any]] = []
    for folder, label in MODEL_FOLDERS.items():
        directory = root / folder
        if not directory.is_dir():
            continue
        pointer = directory / CURRENT_FILE
        current = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else ""
        found = []
        for version in directory.iterdir():
            metadata_path = version / METADATA_FILE
            if version.name.startswith(".") or not metadata_path.is_file():
                continue
            try:
                metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            metrics = metadata.get("metrics") if isinstance(metadata.get("metrics"), dict) else {}
            found.append({"model": label, "version": version.name, "created_at": str(metadata.get("created_at", "")),
                          "current": version.name == current, "bytes": metadata.get("model_bytes"),
                          "metrics": {key: value for key, value in metrics.items()
                                      if isinstance(value, (int, float, str)) and not isinstance(value, bool)}})
        versions.extend(sorted(found, key=lambda item: item["created_at"], reverse=True))
    return versions


def user_models_summary() -> dict[str, Any]:
    """How many people have a model of their own, and when the newest was trained."""
    summary = UserCategorizerModel.objects.aggregate(count=Count("user_id"), newest=Max("trained_at"))
    return {"count": summary["count"], "newest": summary["newest"]}
