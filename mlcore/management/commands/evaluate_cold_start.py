"""Score the global categorizer as a new user's first import would meet it, on merchants it never saw.

    manage.py evaluate_cold_start [--csv FILE] [--json]

The default file, ``mlcore/corpus/holdout_merchants.csv``, lists real-world descriptors of US and European
merchants (brands and local businesses) written by hand, none of them in the generator's lists or the seed
corpus (a test checks the names), with the top-level category a person would file them under. It is never
trained on. Another file needs ``description``, ``amount`` and ``label`` columns; a label is a category key
("food_drink.groceries"), a top-level key ("food_drink") or a standard category's name ("Groceries").

Printed: ``accuracy_top_level`` (right top-level category), ``decided_without_review`` (confidence at or
above ``mlcore.learning.review_threshold()``, so filed without asking), ``review_share`` (the rest, left for
the review queue), ``accuracy_decided`` (right among the decided rows) and ``rows``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mlcore.categorizer import category_names, cold_start_scores, top_level
from mlcore.corpus.generate import HOLDOUT_PATH
from mlcore.global_categorizer import categories_predict, categorizer_ensure
from mlcore.learning import review_threshold


def label_keys() -> dict[str, str]:
    """Every way a label may name a category (key, top-level key, name; lowercased) -> its top-level key."""
    keys: dict[str, str] = {}
    for key, name in category_names().items():
        keys[key.lower()] = top_level(key)
        keys.setdefault(name.lower(), top_level(key))
    return keys


def labelled_rows(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """(rows for the categorizer, their top-level keys). A label that names no standard category is an error
    naming the line, not a silent miss."""
    keys = label_keys()
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    if not records:
        raise CommandError(f"{path} has no rows.")
    missing = {"description", "amount", "label"} - set(records[0])
    if missing:
        raise CommandError(f"{path} lacks the column(s) {', '.join(sorted(missing))}.")
    rows, labels = [], []
    for line, record in enumerate(records, start=2):
        label = keys.get(record["label"].strip().lower())
        if label is None:
            raise CommandError(f"{path} line {line}: {record['label']!r} names no standard category.")
        rows.append({"description": record["description"], "amount": record["amount"] or None,
                     "account_kind": record.get("account_kind") or ""})
        labels.append(label)
    return rows, labels


class Command(BaseCommand):
    help = ("Cold start on merchants the seed corpus never saw: top-level accuracy, the share decided without "
            "review and the review share (default: mlcore/corpus/holdout_merchants.csv).")

    def add_arguments(self, parser):
        parser.add_argument("--csv", type=Path, default=HOLDOUT_PATH,
                            help="A labelled CSV with description, amount and label columns.")
        parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")

    def handle(self, *args, **options):
        rows, labels = labelled_rows(options["csv"])
        categorizer_ensure()  # a command may train it; without a model every row would wait
        predictions = categories_predict(rows=rows)
        figures = {"file": str(options["csv"]), "rows": len(rows),
                   **cold_start_scores(predictions, labels, review_threshold=review_threshold())}
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name}: {value}")
