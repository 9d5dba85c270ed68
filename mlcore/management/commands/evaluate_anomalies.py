"""Replay a transaction history in date order through the anomaly pipeline and measure it.

    python manage.py evaluate_anomalies --csv FILE --date-col date --amount-col amount --text-col description
        [--label-col is_anomaly] [--category-col category] [--currency EUR] [--seed 14] [--runs 10] [--json]

The rows are replayed a week at a time, as the worker does after an import: the patterns are computed from
everything up to the end of the week (patterns_compute), then the week's rows are scored (findings_for).
As in the product, a charge alerted Medium or High stays out of the patterns, and out of what later charges
are compared with, until the person calls it fine. The figures are for nobody answering; "answered" repeats
the replay with the person calling every false alarm fine when it is raised. Nothing touches the database.

With --label-col, rows whose label is 1 are the true anomalies. Without it, labelled anomalies are injected
(seeded) into the scored period, --rate events a month (3 by default, a realistic handful):
- duplicate: a copy of a real charge, same merchant and amount, 0-2 days later;
- amount: a charge 3-10x a merchant's usual (the median of its earlier charges, at least 3 of them);
- burst: 2-4 extra charges at a merchant (each one labelled) on the day of a real charge and the next;
- new_merchant: a merchant never seen, charging 2-6x the most the person usually pays at once (the 95th
  percentile of their charges before that day): large means at least twice that;
- off_cycle: a recurring charge (a regular cycle of 20 days or more in the learning period) copied to
  30-60% of the way through its cycle.
Without labels the replay runs --runs times (seeds SEED, SEED+1, ...) and the counts of all runs are added up
before the ratios: one history of a few months holds about a dozen injected rows, too few for one run to say
much; "runs" lists each run's own figures.
Counted per row: a row is flagged when it gets a Medium or High finding; rows of the first 40% (the learning
period) are not scored. Per type, recall is the share of that type's rows flagged and precision counts the
false alarms whose strongest factor is the detector that type calls for.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from mlcore.management.csv_cells import parse_amount, parse_date
from mlcore.anomalies import findings_for
from mlcore.patterns import HistoryRow, accepted_add, is_spending, merchant_identity, patterns_compute
from mlcore.results import RiskLevel

LEARNING_SHARE = 0.4
BATCH_DAYS = 7
FLAGGED = (RiskLevel.MEDIUM, RiskLevel.HIGH)
TYPE_DETECTOR = {"duplicate": "duplicate", "amount": "amount", "burst": "frequency",
                 "new_merchant": "new_merchant", "off_cycle": "timing"}


@dataclass(frozen=True)
class Labelled:
    row: HistoryRow
    anomaly: str  # "" for a normal row, else the type ("labelled" for a file's own labels)


def read_rows(path: Path, *, options: dict[str, Any]) -> list[Labelled]:
    categories: dict[str, int] = {}
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for column in ("date_col", "amount_col", "text_col", "label_col", "category_col"):
            if options[column] and options[column] not in (reader.fieldnames or []):
                raise CommandError(f"No column {options[column]!r} in {path}; it has {reader.fieldnames}.")
        for record in reader:
            day, amount = parse_date(record[options["date_col"]]), parse_amount(record[options["amount_col"]])
            if day is None or amount is None:
                continue
            text = record[options["text_col"]] or ""
            key, name = merchant_identity(text)
            category = (record[options["category_col"]] or "").strip() if options["category_col"] else ""
            category_id = categories.setdefault(category, len(categories) + 1) if category else None
            label = (record[options["label_col"]] or "").strip() if options["label_col"] else ""
            rows.append(Labelled(HistoryRow(
                id=len(rows) + 1, date=day, amount=amount, currency=options["currency"], description=text,
                merchant_key=key, merchant_name=name, category_id=category_id, category_name=category,
                category_kind=""), "labelled" if label in ("1", "true", "True", "yes") else ""))
    return sorted(rows, key=lambda item: (item.row.date, item.row.id))


class Injector:
    """Seeded labelled anomalies in the scored period, copied from (or scaled against) the person's own rows."""

    def __init__(self, rows: list[Labelled], *, cutoff: dt.date, seed: int, currency: str) -> None:
        self.rng = random.Random(seed)
        self.rows, self.cutoff, self.currency = rows, cutoff, currency
        self.spending = [item.row for item in rows if is_spending(item.row) and item.row.merchant_key]
        self.scored = [row for row in self.spending if row.date >= cutoff]
        self.next_id = max((item.row.id for item in rows), default=0) + 1
        patterns = patterns_compute([item.row for item in rows if item.row.date < cutoff], currency=currency,
                                    today=cutoff)
        self.recurring = {m.key: m for m in patterns.merchants if m.recurring and (m.interval_days or 0) >= 20}

    def _copy(self, row: HistoryRow, *, date: dt.date, amount: Decimal, kind: str, **changes: Any) -> Labelled:
        self.next_id += 1
        return Labelled(replace(row, id=self.next_id, date=date, amount=amount.quantize(Decimal("0.01")),
                                **changes), kind)

    def _earlier(self, row: HistoryRow) -> list[HistoryRow]:
        return [other for other in self.spending if other.merchant_key == row.merchant_key and other.date < row.date]

    def duplicate(self) -> list[Labelled]:
        row = self.rng.choice(self.scored)
        return [self._copy(row, date=row.date + dt.timedelta(days=self.rng.randint(0, 2)), amount=row.amount,
                           kind="duplicate")]

    def amount(self) -> list[Labelled]:
        candidates = [row for row in self.scored if len(self._earlier(row)) >= 3]
        if not candidates:
            return []
        row = self.rng.choice(candidates)
        usual = Decimal(str(np.median([float(other.amount) for other in self._earlier(row)])))
        factor = Decimal(str(round(self.rng.uniform(3, 10), 2)))
        return [self._copy(row, date=row.date + dt.timedelta(days=self.rng.randint(1, 5)),
                           amount=usual * factor, kind="amount")]

    def burst(self) -> list[Labelled]:
        row = self.rng.choice(self.scored)
        return [self._copy(row, date=row.date + dt.timedelta(days=self.rng.randint(0, 1)), kind="burst",
                           amount=row.amount * Decimal(str(round(self.rng.uniform(0.7, 1.3), 2))))
                for _ in range(self.rng.randint(2, 4))]

    def new_merchant(self) -> list[Labelled]:
        row = self.rng.choice(self.scored)
        day = self.cutoff + dt.timedelta(days=self.rng.randint(0, (self.scored[-1].date - self.cutoff).days))
        word = "".join(self.rng.choice("BCDFGKLMNPRSTVZ") + self.rng.choice("AEIOU") for _ in range(3))
        text = f"CARD PURCHASE {word} STORE"
        key, name = merchant_identity(text)
        # Large for this person at that date: 2-6x their 95th-percentile charge so far.
        large = float(np.percentile([float(-r.amount) for r in self.spending if r.date < day], 95))
        amount = large * math.exp(self.rng.uniform(math.log(2), math.log(6)))
        return [self._copy(row, date=day, amount=-Decimal(str(round(amount, 2))), kind="new_merchant",
                           description=text, merchant_key=key, merchant_name=name, category_id=None,
                           category_name="")]

    def off_cycle(self) -> list[Labelled]:
        candidates = [row for row in self.scored if row.merchant_key in self.recurring]
        if not candidates:
            return []
        row = self.rng.choice(candidates)
        interval = self.recurring[row.merchant_key].interval_days or 30
        return [self._copy(row, date=row.date + dt.timedelta(days=round(interval * self.rng.uniform(0.3, 0.6))),
                           amount=row.amount, kind="off_cycle")]

    def inject(self, events: int) -> list[Labelled]:
        if not self.scored:
            return []
        kinds = [self.duplicate, self.amount, self.burst, self.new_merchant, self.off_cycle]
        self.rng.shuffle(kinds)  # every type in turn, from a seeded start
        added: list[Labelled] = []
        for n in range(events):
            added += kinds[n % len(kinds)]()
        return [item for item in added if item.row.date <= self.scored[-1].date]


def replay(rows: list[Labelled], *, cutoff: dt.date, currency: str, answered: bool) -> dict[int, Any]:
    """{row id: its Finding} for the scored rows, a week at a time as after each import.

    As in the product, a charge alerted Medium or High stays out of the person's normal (the patterns and what
    later charges are compared with) until it is called fine. ``answered``: the person answers each alert when
    it is raised, "This is fine" on an unlabelled row; a labelled row is not theirs and stays out.
    """
    history = [item.row for item in rows]
    anomalies = {item.row.id for item in rows if item.anomaly}
    found: dict[int, Any] = {}
    unconfirmed: set[int] = set()
    accepted: dict[str, dict[str, Any]] = {}
    start = cutoff
    while start <= history[-1].date:
        end = start + dt.timedelta(days=BATCH_DAYS - 1)
        known = [row for row in history if row.date <= end]
        patterns = patterns_compute([row for row in known if row.id not in unconfirmed], currency=currency,
                                    today=end, accepted=accepted)
        batch = [row for row in known if row.date >= start]
        by_id = {row.id: row for row in batch}
        for finding in findings_for(batch, patterns=patterns, history=known, today=end, unconfirmed=unconfirmed):
            found[finding.transaction_id] = finding
            if finding.level not in FLAGGED:
                continue
            if answered and finding.transaction_id not in anomalies:
                charge = by_id[finding.transaction_id]
                accepted_add(accepted, merchant_key=charge.merchant_key, amount=abs(charge.amount),
                             detectors=[factor.detector for factor in finding.factors])
            else:
                unconfirmed.add(finding.transaction_id)
        start = end + dt.timedelta(days=1)
    return found


def _ratios(caught: int, labelled: int, flagged: int) -> dict[str, Any]:
    precision = caught / flagged if flagged else 0.0
    recall = caught / labelled if labelled else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "flagged": flagged, "labelled": labelled, "caught": caught}


def count(rows: list[Labelled], found: dict[int, Any], *, cutoff: dt.date) -> dict[str, Any]:
    """One replay's counts, per row: flagged, labelled, caught (overall and per type), false alarms, months."""
    scored = [item for item in rows if item.row.date >= cutoff]
    flagged = {item.row.id for item in scored
               if item.row.id in found and found[item.row.id].level in FLAGGED}
    false_alarms = [found[item.row.id] for item in scored if not item.anomaly and item.row.id in flagged]
    labelled = [item for item in scored if item.anomaly]
    alarm_kinds = Counter(finding.kind for finding in false_alarms)
    per_type: dict[str, Counter[str]] = {}
    for item in labelled:
        figures = per_type.setdefault(item.anomaly, Counter())
        figures["labelled"] += 1
        figures["caught"] += item.row.id in flagged
    for kind, figures in per_type.items():
        alarms = alarm_kinds.get(TYPE_DETECTOR[kind], 0) if kind in TYPE_DETECTOR else len(false_alarms)
        figures["flagged"] = figures["caught"] + alarms
    return {
        "flagged": len(flagged), "labelled": len(labelled), "caught": sum(item.row.id in flagged for item in labelled),
        "per_type": per_type, "false_alarms": len(false_alarms), "false_alarm_detectors": alarm_kinds,
        "rows_scored": len(scored),
        "months": max((rows[-1].row.date - cutoff).days / 30.44, 1 / 30.44) if rows else 1.0,
        "levels": Counter(found[item.row.id].level for item in scored if item.row.id in found),
        "false_alarm_examples": [f"{f.level}: " + "; ".join(x.sentence for x in f.factors) for f in false_alarms],
        "missed_examples": [f"{item.anomaly}: {item.row.description} {item.row.amount} on {item.row.date}"
                            for item in labelled if item.row.id not in flagged],
    }


def pooled(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs' counts added up, as the figures: precision, recall and F1 overall and per type, false alarms."""
    per_type: dict[str, Counter[str]] = {}
    for run in counts:
        for kind, figures in run["per_type"].items():
            per_type.setdefault(kind, Counter()).update(figures)
    months = sum(run["months"] for run in counts)
    levels = sum((run["levels"] for run in counts), Counter())
    return {
        "overall": _ratios(*(sum(run[key] for run in counts) for key in ("caught", "labelled", "flagged"))),
        "per_type": {kind: _ratios(f["caught"], f["labelled"], f["flagged"]) for kind, f in sorted(per_type.items())},
        "false_alarms_per_month": round(sum(run["false_alarms"] for run in counts) / months, 2),
        "false_alarms": sum(run["false_alarms"] for run in counts),
        "false_alarm_detectors": dict(sum((run["false_alarm_detectors"] for run in counts), Counter())),
        "rows_scored": sum(run["rows_scored"] for run in counts), "months_scored": round(months, 2),
        "findings_by_level": {level: levels.get(level, 0) for level in (RiskLevel.HIGH, RiskLevel.MEDIUM,
                                                                          RiskLevel.LOW)},
        "false_alarm_examples": [text for run in counts for text in run["false_alarm_examples"]][:10],
        "missed_examples": [text for run in counts for text in run["missed_examples"]][:10],
    }


def run_summary(seed: int, run: dict[str, Any]) -> dict[str, Any]:
    ratios = _ratios(run["caught"], run["labelled"], run["flagged"])
    return {"seed": seed, "precision": ratios["precision"], "recall": ratios["recall"],
            "false_alarms_per_month": round(run["false_alarms"] / run["months"], 2), "labelled": run["labelled"]}


class Command(BaseCommand):
    help = "Replay a CSV history through the anomaly detectors and print precision, recall and false alarms."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--csv", required=True)
        parser.add_argument("--date-col", required=True)
        parser.add_argument("--amount-col", required=True, help="Signed: negative is money out.")
        parser.add_argument("--text-col", required=True)
        parser.add_argument("--label-col", help="1 marks a true anomaly; without it anomalies are injected.")
        parser.add_argument("--category-col", help="Optional: the rows' categories, for the category detector.")
        parser.add_argument("--currency", default="EUR")
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument("--rate", type=float, default=3.0, help="Injected anomalies a month (without labels).")
        parser.add_argument("--runs", type=int, default=10,
                            help="Replays with injection, seeds SEED to SEED+RUNS-1, counted together (without labels).")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        path = Path(options["csv"])
        if not path.exists():
            raise CommandError(f"No file {path}.")
        rows = read_rows(path, options=options)
        if len(rows) < 10:
            raise CommandError(f"{path} has {len(rows)} usable rows; the replay needs at least 10.")
        cutoff = rows[int(len(rows) * LEARNING_SHARE)].row.date
        labelled_file = bool(options["label_col"])
        seeds = [options["seed"]] if labelled_file else [options["seed"] + n for n in range(max(options["runs"], 1))]
        strict: list[dict[str, Any]] = []
        answered: list[dict[str, Any]] = []
        injected: Counter[str] = Counter()
        for seed in seeds:
            replayed = rows
            if not labelled_file:
                months = (rows[-1].row.date - cutoff).days / 30.44
                added = Injector(rows, cutoff=cutoff, seed=seed, currency=options["currency"]).inject(
                    max(round(options["rate"] * months), 1))
                injected.update(item.anomaly for item in added)
                replayed = sorted(rows + added, key=lambda item: (item.row.date, item.row.id))
            for answers, runs in ((False, strict), (True, answered)):
                found = replay(replayed, cutoff=cutoff, currency=options["currency"], answered=answers)
                runs.append(count(replayed, found, cutoff=cutoff))
        with_answers = pooled(answered)
        result = {
            **pooled(strict),
            "answered": {key: with_answers[key] for key in ("overall", "false_alarms_per_month", "false_alarms")},
            "runs": [run_summary(seed, run) for seed, run in zip(seeds, strict, strict=True)],
            "learning_cutoff": cutoff.isoformat(), "seed": options["seed"], "seeds": seeds,
            "injected": dict(injected), "rate_per_month": options["rate"],
            "labels": "file" if labelled_file else "injected",
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        overall = result["overall"]
        self.stdout.write(f"precision {overall['precision']}, recall {overall['recall']}, f1 {overall['f1']}; "
                          f"{result['false_alarms_per_month']} false alarms a month over "
                          f"{result['months_scored']} months ({result['rows_scored']} rows scored, "
                          f"{len(seeds)} runs)")
        for kind, figures in result["per_type"].items():
            self.stdout.write(f"  {kind}: precision {figures['precision']}, recall {figures['recall']} "
                              f"({figures['caught']}/{figures['labelled']})")
        answered_overall = result["answered"]["overall"]
        self.stdout.write(f"with every alert answered: precision {answered_overall['precision']}, recall "
                          f"{answered_overall['recall']}; {result['answered']['false_alarms_per_month']} false "
                          f"alarms a month")
