"""What every importer produces: normalised rows, row errors and a table of cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from transactions.models import Category


@dataclass(slots=True)
class ImportRow:
    """One transaction as a bank file (or the demo seeder) states it, ready for the ledger."""

    date: date
    amount: Decimal  # signed: negative is money out
    description: str
    merchant: str = ""
    currency: str = ""  # empty: the account's currency
    external_id: str = ""  # the bank's own id (OFX FITID), used for de-duplication when present
    category: Category | None = None
    row_number: int = 0  # where the user finds it in the file
    # The categorizer's decision, made before the insert so that it is written with the row.
    decided: bool = False  # False: the category (if any) comes from the file or the seeder ("import")
    category_source: str = ""
    category_confidence: Decimal | None = None
    category_explanation: str = ""
    suggested_category: Category | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(Exception):
    """The file is not a bank export we can read; the message says why, for the user."""


@dataclass
class Table:
    """A sheet of cells: CSV text cells, or typed Excel cells (str, Decimal, date or None)."""

    file_format: str
    records: list[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)
