"""What every reader produces: a table of cells, row errors, or a refusal of the whole file.

The normalised rows themselves (ImportRow) belong to the ledger's insert path, transactions.ingest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True, slots=True)
class StatedBalance:
    """A balance the file states for the end of a day, to reconcile the account with."""

    amount: Decimal
    on: date
    source: str  # transactions.models.StatedBalanceSource: "ledger", "available" or "column"


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
