"""Measure the categorizer on a labelled CSV, the way a user would experience it.

prequential: one new user imports the rows in date order; each row is predicted, then the user files
it under its true label (their own category of that name) through the same services the web uses,
and the user's model is retrained every --retrain-every corrections, as the worker does after a burst.
Besides ``accuracy`` it reports the accuracy of each source (history, user_model, global), the share
decided without review (confidence at or above the review threshold) and the accuracy of those, the rows
whose label had never been seen (no categorizer can get them right), and ``baseline``: same description
as before, else a character n-gram TF-IDF LinearSVC refitted every 25 rows, on the same rows.
cold-start: the global model alone, with labels matched to the standard taxonomy by name.
"""

from __future__ import annotations

import json
import statistics
import time
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction as db_transaction
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from accounts.models import User
from mlcore import learning
from mlcore.feedback import category_correct
from mlcore.global_categorizer import categories_predict, categorizer_ensure
from transactions import services
from transactions.models import Category, Transaction


class _Rollback(Exception):
    pass


BASELINE_REFIT_EVERY = 25


def _first_occurrences(rows: list[dict]) -> int:
    """Rows whose label no earlier row had: the user has no such category yet, so nothing can be right."""
    seen: set[str] = set()
    first = 0
    for row in rows:
        first += row["label"] not in seen
        seen.add(row["label"])
    return first


def baseline_accuracy(rows: list[dict]) -> float:
    """The simple baseline to beat, prequential on the same rows: the label of the same description seen
    before, else a character n-gram TF-IDF LinearSVC refitted every BASELINE_REFIT_EVERY rows."""
    seen: dict[str, str] = {}
    fitted: tuple[TfidfVectorizer, LinearSVC] | None = None
    hits = 0
    for position, row in enumerate(rows):
        text = row["description"].lower()
        guess = seen.get(text)
        if guess is None and fitted is not None:
            guess = fitted[1].predict(fitted[0].transform([text]))[0]
        hits += guess == row["label"]
        seen[text] = row["label"]
        done = rows[: position + 1]
        if (position + 1) % BASELINE_REFIT_EVERY == 0 and len({r["label"] for r in done}) >= 2:
            vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
            matrix = vectorizer.fit_transform([r["description"].lower() for r in done])
            fitted = (vectorizer, LinearSVC().fit(matrix, [r["label"] for r in done]))
    return round(hits / len(rows), 4)


def _names(category: Category) -> set[str]:
    """The ways a label can name a category: its name, the parts of "Gas & Fuel", and its parent's name."""
    names = {category.name.lower(), *(part.strip().lower() for part in category.name.split("&"))}
    if category.parent_id:
        names.add(category.parent.name.lower())
    return names


class Command(BaseCommand):
    help = "Evaluate the categorizer on a labelled CSV (prequential replay as one user, or cold-start)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True)
        parser.add_argument("--text-col", required=True)
        parser.add_argument("--label-col", required=True)
        parser.add_argument("--date-col")
        parser.add_argument("--amount-col")
        parser.add_argument("--mode", choices=["prequential", "cold-start"], default="prequential")
        parser.add_argument("--retrain-every", type=int, default=5,
                            help="prequential: retrain the user's model after this many corrections (default 5)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        rows = self._read(options)
        categorizer_ensure()  # a command may train it; a missing model would leave every row waiting
        result = self._prequential(rows, options["retrain_every"]) if options["mode"] == "prequential" \
            else self._cold_start(rows)
        result = {"mode": options["mode"], "file": options["csv"], "rows": len(rows), **result}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:>26}: {value}")

    def _read(self, options) -> list[dict]:
        try:
            frame = pd.read_csv(options["csv"], dtype=str, keep_default_na=False)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {options['csv']}: {error}") from None
        for option in ("text_col", "label_col", "date_col", "amount_col"):
            column = options.get(option)
            if column and column not in frame.columns:
                raise CommandError(f"--{option.replace('_', '-')} {column!r} is not a column: "
                                   f"{', '.join(frame.columns)}")
        if options.get("date_col"):
            frame["_date"] = pd.to_datetime(frame[options["date_col"]], errors="coerce", format="mixed")
            if frame["_date"].isna().any():
                bad = int(frame.index[frame["_date"].isna()][0]) + 2
                raise CommandError(f"Row {bad}: {frame.iloc[bad - 2][options['date_col']]!r} is not a date.")
            frame = frame.sort_values("_date", kind="stable")
        rows = []
        for _, record in frame.iterrows():
            amount = None
            if options.get("amount_col"):
                try:
                    amount = Decimal(record[options["amount_col"]].replace(" ", "").replace(",", ""))
                except InvalidOperation:
                    amount = None
            rows.append({
                "description": record[options["text_col"]].strip(),
                "label": record[options["label_col"]].strip(),
                "date": record["_date"].date() if "_date" in record else None,
                "amount": amount,
            })
        if not rows:
            raise CommandError("The file has no rows.")
        return rows

    def _prequential(self, rows: list[dict], retrain_every: int) -> dict:
        outcome: dict = {}
        try:
            with db_transaction.atomic():
                outcome = self._replay(rows, retrain_every)
                raise _Rollback  # the evaluation user and everything it made disappear
        except _Rollback:
            pass
        return outcome

    def _replay(self, rows: list[dict], retrain_every: int) -> dict:
        user = User.objects.create_user(email="evaluation@finsight.invalid", password=None)
        account = services.account_create(user=user, name="Evaluation", kind="checking", currency="EUR")
        own: dict[str, Category] = {}
        hits, latencies, sources, confident = [], [], {}, []
        by_source: dict[str, list[bool]] = {}
        threshold = learning.review_threshold()
        corrections = 0
        for row in rows:
            txn = services.transaction_create(
                user=user, account=account, on=row["date"] or account.opening_date,
                amount=row["amount"] if row["amount"] is not None else Decimal("-1"), description=row["description"])
            started = time.perf_counter()
            decision = learning.categorize_rows(user=user, rows=[(txn.description, txn.merchant, txn.amount,
                                                                  account.kind)])[0]
            latencies.append(time.perf_counter() - started)
            guess = decision.category
            hits.append(guess is not None and guess.name == row["label"])
            sources[decision.source] = sources.get(decision.source, 0) + 1
            by_source.setdefault(decision.source, []).append(hits[-1])
            if guess is not None and decision.confidence >= threshold:
                confident.append(hits[-1])
            label = own.get(row["label"]) or self._label_category(user, row["label"], own)
            category_correct(user=user, txn=Transaction.objects.get(pk=txn.pk), category=label)
            corrections += 1
            if corrections % retrain_every == 0:
                learning.user_model_train(user=user)
        half = len(hits) // 2
        return {
            "accuracy": round(sum(hits) / len(hits), 4),
            "accuracy_last_half": round(sum(hits[half:]) / max(1, len(hits) - half), 4),
            "mean_latency_ms": round(statistics.fmean(latencies) * 1000, 2),
            "p95_latency_ms": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))] * 1000, 2),
            "decided_by": sources,
            "accuracy_by_source": {source: round(sum(h) / len(h), 4) for source, h in sorted(by_source.items())},
            "decided_without_review": round(len(confident) / len(hits), 4),
            "accuracy_without_review": round(sum(confident) / len(confident), 4) if confident else None,
            "first_occurrences_of_a_label": _first_occurrences(rows),
            "baseline": baseline_accuracy(rows),
            "labels": len(own),
            "retrain_every": retrain_every,
        }

    def _label_category(self, user: User, label: str, own: dict[str, Category]) -> Category:
        try:
            category = services.category_create(user=user, name=label)
        except ValidationError:
            # The name is taken by a standard category: filing under it is what the user would do.
            category = Category.objects.visible_to(user).filter(name__iexact=label, parent=None).first()
            if category is None:
                raise
        own[label] = category
        return category

    def _cold_start(self, rows: list[dict]) -> dict:
        standard = list(Category.objects.filter(owner=None).select_related("parent"))
        by_key = {c.key: c for c in standard}
        threshold = learning.review_threshold()
        started = time.perf_counter()
        predictions = categories_predict(rows=[{"description": r["description"], "amount": r["amount"]}
                                               for r in rows])
        elapsed = time.perf_counter() - started
        mapped = hits = covered = 0
        for row, prediction in zip(rows, predictions, strict=True):
            covered += prediction.confidence >= threshold
            label = row["label"].lower()
            if not any(label in _names(c) for c in standard):
                continue
            mapped += 1
            hits += label in _names(by_key[prediction.category_key])
        return {
            "accuracy_on_mapped_labels": round(hits / mapped, 4) if mapped else None,
            "rows_with_a_mapped_label": mapped,
            "coverage": round(covered / len(rows), 4),
            "review_threshold": threshold,
            "mean_latency_ms": round(elapsed / len(rows) * 1000, 3),
        }
