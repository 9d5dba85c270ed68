"""CSV export helpers shared by the admin and the API: formula neutralisation and a streaming writer."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in a text cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header, then one CSV line per row, produced lazily."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)
