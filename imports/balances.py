"""The balance a table's balance column states: the running balance after the last transaction in date order,
checked against the amounts (a file may list the newest row first, and a card may show what is owed as a
positive balance)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from imports.parsing import BadValue, cell_text, parse_amount
from imports.table import StatedBalance
from transactions.ingest import ImportRow

COLUMN = "column"
_CENT = Decimal("0.01")
_PLAIN_DOT = re.compile(r"[+-]?\d{1,11}(?:\.\d{1,2})?")
_PLAIN_COMMA = re.compile(r"[+-]?\d{1,11}(?:,\d{1,2})?")


@dataclass
class _Walk:
    """The balances of one reading (an order of the rows and a sign of the column) checked one after another."""

    chronological: list[tuple[ImportRow, Decimal | None]]
    sign: int
    agree: int = 0
    disagree: int = 0
    first_disagreement: tuple[int, Decimal, Decimal] | None = None  # (row, expected, stated), as the file shows

    def run(self) -> _Walk:
        previous: Decimal | None = None
        since = Decimal(0)  # the amounts of rows without a balance since the last one that had it
        for row, stated in self.chronological:
            if stated is None:
                since += row.amount
                continue
            balance = stated * self.sign
            if previous is not None:
                expected = previous + since + row.amount
                if expected == balance:
                    self.agree += 1
                else:
                    self.disagree += 1
                    if self.first_disagreement is None:
                        self.first_disagreement = (row.row_number, expected * self.sign, stated)
            previous, since = balance, Decimal(0)
        return self

    def closing(self) -> StatedBalance | None:
        """The balance after the last row: the last balance given, plus the rows after it."""
        given = [(index, stated) for index, (_, stated) in enumerate(self.chronological) if stated is not None]
        if not given:
            return None
        last, stated = given[-1]
        balance = stated * self.sign + sum((row.amount for row, _ in self.chronological[last + 1:]), Decimal(0))
        return StatedBalance(amount=balance.quantize(_CENT), on=self.chronological[-1][0].date, source=COLUMN)


def _best_reading(stated: list[tuple[ImportRow, Decimal | None]], *, newest_first: bool) -> _Walk:
    """The reading under which most balances follow from the amounts: the rows in date order with the column's
    own sign first, then the other sign and the other order (only when the first has balances that do not)."""
    best: _Walk | None = None
    for reverse in (newest_first, not newest_first):
        chronological = stated[::-1] if reverse else stated
        for sign in (1, -1):
            walk = _Walk(chronological=chronological, sign=sign).run()
            if best is None or walk.agree > best.agree:
                best = walk
            if not best.disagree:
                return best
    assert best is not None
    return best


def column_balance(rows: list[ImportRow], cells_by_row: dict[int, Any], column: int, column_name: str,
                   decimal_sep: str) -> tuple[StatedBalance | None, list[str]]:
    """(the closing balance, notes) from the balance column; None with a note saying why when it cannot be
    trusted (a cell that is not an amount, or balances that mostly do not follow from the amounts)."""
    stated: list[tuple[ImportRow, Decimal | None]] = []
    append, plain = stated.append, (_PLAIN_DOT if decimal_sep == "." else _PLAIN_COMMA).fullmatch
    for row in rows:
        cells = cells_by_row.get(row.row_number, ())
        raw = cells[column] if column < len(cells) else ""
        if raw.__class__ is str and plain(raw):
            # The common case ("1234.56", at most two decimals), read here: a big file has 100,000 balances.
            append((row, Decimal(raw.replace(",", "."))))
            continue
        if not cell_text(raw):
            stated.append((row, None))
            continue
        try:
            stated.append((row, parse_amount(raw, decimal_sep)))
        except BadValue as error:
            return None, [f"Row {row.row_number}, column {column_name!r}: {error} The balance column was not used "
                          f"to check the account's balance."]
    if not any(balance is not None for _, balance in stated):
        return None, []
    best = _best_reading(stated, newest_first=len(rows) > 1 and rows[0].date > rows[-1].date)
    notes = []
    if best.first_disagreement is not None:
        row, expected, given = best.first_disagreement
        where = (f"Row {row}, column {column_name!r}: after the rows before it the balance would be {expected:,.2f}, "
                 f"but the file says {given:,.2f}")
        if best.disagree > best.agree:
            return None, [f"{where}. The balance column does not follow from the amounts, so it was not used to "
                          f"check the account's balance."]
        notes.append(f"{where} ({best.disagree} of {best.agree + best.disagree} balances do not follow from the "
                     f"amounts: a row may be missing from the file). The last balance is used all the same.")
    return best.closing(), notes
