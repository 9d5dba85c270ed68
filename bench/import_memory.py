"""Time and peak memory of reading hostile and big bank files, in the request and in the worker.

    .venv/bin/python bench/import_memory.py [--csv-mb 10 30] [--bomb-mb 500] [--xlsx-rows 50000]

Builds the files in a temporary directory (the bomb a megabyte at a time), then measures each one in a fresh
process, so that one file's memory cannot hide behind another's:

- request: what an upload does before it answers (the checks that need no reading; a file over
  IMPORT_SYNC_MAX_BYTES is then stored and queued, not read);
- worker: reading the whole file and converting its rows (what the import task does before the insert).

Each line prints seconds, the peak resident memory the step added to the process, and the outcome. The first
line, a three-row CSV, is the baseline the others are compared with.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

MEASURE = r"""
import json, resource, sys, time
import django
django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role
from django.conf import settings
from django.utils import timezone
from imports import batches
from imports.conversion import convert_rows
from imports.mapping import propose_mapping
from imports.table import ImportRefused

path, step = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    if step == "request":
        kind = batches.check_file(data, path)
        if len(data) > settings.IMPORT_SYNC_MAX_BYTES:
            outcome = f"stored and queued ({kind})"
        else:
            parsed = batches.parse_file(data, path)
            outcome = f"read in the request: {parsed.rows_estimate} rows"
    else:
        parsed = batches.parse_file(data, path)
        if parsed.statement is not None:
            rows = len(parsed.statement.rows)
        else:
            mapping = propose_mapping(parsed.table, parsed.layout, account_currency="EUR", account_kind="checking").mapping
            rows = len(convert_rows(parsed.table, parsed.layout, mapping, account_currency="EUR",
                                    today=timezone.localdate()).rows)
        outcome = f"read: {rows} rows"
except ImportRefused as refusal:
    outcome = "refused: " + str(refusal)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "added_mb": (peak - before) / 1024, "outcome": outcome}))
"""


def csv_file(path: Path, megabytes: int) -> None:
    line = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("Date,Description,Amount\n")
        while out.tell() < megabytes * MB:
            day = 1 + line % 28
            out.write(f"{day:02d}/{1 + line // 28 % 12:02d}/2025,CARD PAYMENT SUPERMARKET {line} MUNICH,-{1 + line % 90}.{line % 100:02d}\n")
            line += 1


def bomb_file(path: Path, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b"<sst><si><t>")
            for _ in range(megabytes):
                part.write(b"A" * MB)
            part.write(b"</t></si></sst>")


def xlsx_file(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Umsaetze")
    sheet.append(["Datum", "Verwendungszweck", "Betrag"])
    for line in range(rows):
        sheet.append([f"{1 + line % 28:02d}.{1 + line // 28 % 12:02d}.2025", f"KARTENZAHLUNG REWE {line}",
                      -(1 + line % 90) - (line % 100) / 100])
    book.save(path)


def measure(path: Path, step: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), step], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    if done.returncode != 0:
        return {"seconds": float("nan"), "added_mb": float("nan"), "outcome": "crashed: " + done.stderr[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv-mb", type=int, nargs="+", default=[10, 30],
                        help="CSV sizes (10 MB is about 170,000 rows, under IMPORT_MAX_ROWS; 30 MB is over it)")
    parser.add_argument("--bomb-mb", type=int, default=500)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        files = []
        tiny = Path(folder) / "tiny.csv"
        tiny.write_bytes(b"Date,Description,Amount\n01/03/2025,REWE,-5.00\n02/03/2025,SALARY,3000.00\n"
                         b"03/03/2025,RENT,-900.00\n")
        files.append(("3-row CSV (baseline)", tiny))
        for megabytes in args.csv_mb:
            big = Path(folder) / f"big-{megabytes}.csv"
            csv_file(big, megabytes)
            files.append((f"{megabytes} MB CSV", big))
        bomb = Path(folder) / "bomb.xlsx"
        bomb_file(bomb, args.bomb_mb)
        files.append((f"xlsx: one {args.bomb_mb} MB shared string, {bomb.stat().st_size / 1024:,.0f} KB packed", bomb))
        sheet = Path(folder) / "sheet.xlsx"
        xlsx_file(sheet, args.xlsx_rows)
        files.append((f"xlsx: {args.xlsx_rows:,} rows", sheet))

        print(f"{'file':<50} {'step':<8} {'seconds':>8} {'+MB':>8} {'x base':>7}  outcome")
        base: dict[str, float] = {}
        for label, path in files:
            for step in ("request", "worker"):
                result = measure(path, step)
                base.setdefault(step, max(result["added_mb"], 1.0))
                ratio = result["added_mb"] / base[step]
                print(f"{label:<50} {step:<8} {result['seconds']:>8.2f} {result['added_mb']:>8.1f} {ratio:>7.1f}  "
                      f"{result['outcome'][:110]}")


if __name__ == "__main__":
    main()
