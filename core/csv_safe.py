"""CSV export helpers shared by the admin and the API: formula neutralisation and a streaming writer."""

from __future__ import annotations

import csv
import io
import unicodedata
from itertools import islice
from collections.abc import Iterable, Iterator, Sequence

# What makes a spreadsheet read a cell as a formula (OWASP's list: = + - @ tab CR), and the characters that
# look like them and that a spreadsheet, or a "normalise" step before it, may read the same way: the
# full-width and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫), superscript and subscript signs, the minus sign and the
# dashes, the heavy plus and minus.
FORMULA_PREFIXES = (
    "=+-@\t\r\n"
    "\uff1d\uff0b\uff0d\uff20"  # full-width = + - @
    "\ufe66\ufe62\ufe63\ufe6b"  # small = + - @
    "\u207c\u207a\u207b\u208c\u208a\u208b"  # superscript and subscript = + -
    "\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe58"  # minus sign, hyphens, dashes, small em dash
    "\u2795\u2796"  # heavy plus and minus
)


def _starts_like_formula(text: str) -> bool:
    # Spaces and invisible characters (a BOM, a zero-width space) before a formula count for nothing: a
    # spreadsheet that trims them on import would see the formula.
    for char in text:
        if char in FORMULA_PREFIXES:
            return True
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return False
    return False


def csv_cell(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in a text cell: a leading quote makes it text."""
    text = "" if value is None else str(value)
    # Most cells start with a letter or a digit, which no formula prefix is: answered without the scan (an export
    # of 100,000 rows has 700,000 text cells).
    if not text or text[0].isalnum():
        return text
    return "'" + text if _starts_like_formula(text) else text


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


def csv_blocks(header: list[str], rows: Iterable[Sequence[object]], *, rows_per_block: int = 1000) -> Iterator[str]:
    """The header, then the rows as CSV text ``rows_per_block`` rows at a time, for a streaming response.

    One string per line made Django's StreamingHttpResponse encode and hand on a hundred thousand small pieces
    for a large export, which cost more than writing them; a block of lines costs that once.
    """
    remaining = iter(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    while True:
        block = list(islice(remaining, rows_per_block))
        writer.writerows(block)
        yield out.getvalue()
        if len(block) < rows_per_block:
            return
        out.seek(0)
        out.truncate()
