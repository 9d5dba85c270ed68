"""Measures receipt reading against a folder of receipts and a truth CSV; prints only what it measured.

    python manage.py evaluate_receipts --images DIR --truth FILE.csv [--json]

The CSV has the columns file, merchant, date (YYYY-MM-DD), total and optionally items: a JSON list of
{"description": ..., "amount": ...}. A merchant matches ignoring case and punctuation; a date and a total
match exactly; item recall counts the true items found with the same amount and a similar description.
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import time
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rapidfuzz import fuzz

from receipts.ocr import OcrError, ocr_read, tesseract_available, TESSERACT_MISSING
from receipts.parsing import ParsedReceipt, receipt_parse

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def merchant_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", name.upper()).split())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[position]


def items_found(truth: list[dict[str, Any]], parsed: ParsedReceipt) -> int:
    remaining = list(parsed.items)
    found = 0
    for expected in truth:
        amount = Decimal(str(expected["amount"]))
        for item in remaining:
            if (
                item.amount == amount
                and fuzz.token_set_ratio(item.description.upper(), str(expected["description"]).upper()) >= 70
            ):
                remaining.remove(item)
                found += 1
                break
    return found


class Command(BaseCommand):
    help = "Reads receipts with OCR and the parser and prints exact-match rates against a truth CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", required=True, type=Path, help="folder of receipt images or PDFs")
        parser.add_argument("--truth", required=True, type=Path, help="CSV: file, merchant, date, total[, items]")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--show", action="store_true", help="also print each receipt's misses")

    def handle(self, *args: Any, **options: Any) -> None:
        if not tesseract_available():
            raise CommandError(TESSERACT_MISSING)
        images: Path = options["images"]
        try:
            with options["truth"].open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as error:
            raise CommandError(f"Cannot read the truth file: {error}") from error
        today = timezone.localdate()
        results = [self._receipt(images, row, today=today) for row in rows]
        figures = self._figures(results)
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
        else:
            self._print(figures)
        if options["show"]:
            for result in results:
                misses = {k: v for k, v in result["misses"].items() if v}
                if misses or result.get("error"):
                    self.stdout.write(f"{result['file']}: {result.get('error') or misses}")

    def _receipt(self, images: Path, row: dict[str, str], *, today: date) -> dict[str, Any]:
        path = images / row["file"]
        content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        result: dict[str, Any] = {"file": row["file"], "misses": {}}
        try:
            ocr = ocr_read(path.read_bytes(), content_type=content_type)
        except (OSError, OcrError) as error:
            result.update(error=str(error), merchant=False, date=False, total=False, ocr_seconds=0.0, parse_seconds=0.0)
            return result
        started = time.perf_counter()
        parsed = receipt_parse(ocr.text, today=today, header=ocr.header)
        result["parse_seconds"] = time.perf_counter() - started
        result["ocr_seconds"] = ocr.seconds
        try:
            true_total = Decimal(row["total"])
        except InvalidOperation as error:
            raise CommandError(f"{row['file']}: the total {row['total']!r} is not a number") from error
        result["merchant"] = merchant_key(parsed.merchant.value or "") == merchant_key(row["merchant"])
        result["date"] = parsed.date.value is not None and parsed.date.value.isoformat() == row["date"]
        result["total"] = parsed.total.value == true_total
        result["misses"] = {
            "merchant": None if result["merchant"] else [parsed.merchant.value, row["merchant"]],
            "date": None if result["date"] else [str(parsed.date.value), row["date"]],
            "total": None if result["total"] else [str(parsed.total.value), row["total"]],
        }
        if row.get("items"):
            truth_items = json.loads(row["items"])
            result["items_true"] = len(truth_items)
            result["items_found"] = items_found(truth_items, parsed)
        return result

    def _figures(self, results: list[dict[str, Any]]) -> dict[str, Any]:
        count = len(results)
        totals = [r["ocr_seconds"] + r["parse_seconds"] for r in results if "error" not in r]
        ocr = [r["ocr_seconds"] for r in results if "error" not in r]
        parse = [r["parse_seconds"] for r in results if "error" not in r]
        items_true = sum(r.get("items_true", 0) for r in results)
        return {
            "receipts": count,
            "unreadable": sum(1 for r in results if "error" in r),
            "merchant_exact": round(sum(r["merchant"] for r in results) / count, 3) if count else None,
            "date_exact": round(sum(r["date"] for r in results) / count, 3) if count else None,
            "total_exact": round(sum(r["total"] for r in results) / count, 3) if count else None,
            "item_recall": round(sum(r.get("items_found", 0) for r in results) / items_true, 3) if items_true else None,
            "items_in_truth": items_true,
            "seconds_per_receipt": {
                "median": round(statistics.median(totals), 3) if totals else None,
                "p90": round(percentile(totals, 0.9), 3),
                "ocr_median": round(statistics.median(ocr), 3) if ocr else None,
                "ocr_p90": round(percentile(ocr, 0.9), 3),
                "parsing_median": round(statistics.median(parse), 4) if parse else None,
                "parsing_p90": round(percentile(parse, 0.9), 4),
            },
        }

    def _print(self, figures: dict[str, Any]) -> None:
        self.stdout.write(f"Receipts: {figures['receipts']} (unreadable: {figures['unreadable']})")
        for name in ("merchant_exact", "date_exact", "total_exact", "item_recall"):
            self.stdout.write(f"{name}: {figures[name]}")
        timing = figures["seconds_per_receipt"]
        self.stdout.write(
            f"seconds per receipt: median {timing['median']}, p90 {timing['p90']} "
            f"(OCR median {timing['ocr_median']}, p90 {timing['ocr_p90']}; "
            f"parsing median {timing['parsing_median']}, p90 {timing['parsing_p90']})"
        )
