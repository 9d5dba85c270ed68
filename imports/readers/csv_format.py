"""Delimited text exports: any of , ; tab |, any common encoding, preamble and footer lines included."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from imports.parsing import header_roles
from imports.readers.detect import decode_text
from imports.readers.limits import check_row_count, max_rows
from imports.table import ImportRefused, Table

DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_RECORDS = 60

csv.field_size_limit(1_000_000)
# Control characters other than tab and line ends (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(cell: str) -> str:
    if "\n" in cell or "\r" in cell:
        return " ".join(cell.split())  # a quoted value that spans lines reads as one line
    return cell.strip()


def _strip(row: list[str]) -> list[str]:
    return list(map(str.strip, row))


def _records(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', skipinitialspace=False,
                        strict=False)
    try:
        if limit:
            rows = []
            for row in reader:
                rows.append(row)
                if len(rows) >= limit:
                    break
            return rows
        rows = []
        most = max_rows()  # read once: a setting looked up per row was a tenth of reading a large file
        for row in reader:
            rows.append(row)
            if len(rows) > most:
                check_row_count(len(rows), reader.line_num)
    except csv.Error as error:
        raise ImportRefused(f"The file could not be read as CSV: {error}.") from None
    if reader.line_num != len(rows):
        # Some quoted value spans lines; elsewhere a plain strip is all a cell needs.
        return [[_clean(cell) for cell in row] for row in rows]
    return list(map(_strip, rows))


def _delimiter_score(records: list[list[str]]) -> float:
    counts = [len(r) for r in records if any(c.strip() for c in r)]
    wide = [c for c in counts if c > 1]
    if not wide:
        return 0.0
    modal, _ = Counter(wide).most_common(1)[0]
    consistent = sum(1 for c in counts if c == modal)
    # A header that names columns is strong evidence that the split is right.
    named = max((sum(1 for cell in r if header_roles(cell)) for r in records[:40]), default=0)
    # Ties go to the split with more columns: a comma inside "-33,87" splits a ;-file into fewer.
    return consistent + 5 * min(named, 4) + min(modal, 10) / 10


def sniff_delimiter(text: str) -> str:
    sample = text[:65_536]
    scores = {d: _delimiter_score(_records(sample, d, SAMPLE_RECORDS)) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(sample[:8192], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed]:
        scores[sniffed] += 0.05
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best] else ","


def read_csv(data: bytes, *, delimiter: str | None = None, encoding: str | None = None) -> Table:
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ImportRefused(f"The file cannot be read as {encoding}.") from None
    else:
        text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    if not text.strip():
        raise ImportRefused("The file is empty.")
    delimiter = delimiter or sniff_delimiter(text)
    records = list(enumerate(_records(text, delimiter), start=1))
    return Table(file_format="csv", records=records, encoding=encoding, delimiter=delimiter)
