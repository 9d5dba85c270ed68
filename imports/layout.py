"""Where a table's transactions are: the header row, the columns, and the layout's signature (a file from the
same bank export has the same one, so its confirmed column mapping is found again)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from imports.parsing import (
    cell_text,
    date_parts,
    header_roles,
    is_flag_column,
    looks_like_amount,
    normalise_header,
)
from imports.table import ImportRefused, Table

ROLE_KEYS = ("date", "amount", "debit", "credit", "flag", "description", "merchant", "currency", "external_id",
             "balance")


OPTION_KEYS = ("date_order", "decimal", "negate", "currency_code")


LAYOUT_KEYS = ("header_row", "delimiter", "encoding", "sheet")


HEADER_SCAN = 40


PROFILE_ROWS = 2000


CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")


@dataclass
class Layout:
    columns: list[str]
    header_index: int | None  # index into table.records; None when the file has no header row
    data_start: int
    header_cells: list[str] = field(default_factory=list)

    @property
    def header_row(self) -> int:
        return 0 if self.header_index is None else self.header_index + 1

    def signature(self, table: Table) -> str:
        """The key under which a confirmed mapping is remembered for the next file with these columns."""
        if self.header_cells:
            names = "|".join(normalise_header(c) for c in self.header_cells)
            return "h:" + hashlib.sha256(names.encode()).hexdigest()[:20]
        # Without names, the kind of value in each column stands in for them.
        kinds = []
        sample = table.records[self.data_start:self.data_start + 50]
        for index in range(len(self.columns)):
            values = [cells[index] for _, cells in sample if index < len(cells) and cells[index] != ""]
            if not values:
                kinds.append("e")
            elif all(isinstance(v, date) or date_parts(cell_text(v)) for v in values):
                kinds.append("d")
            elif all(looks_like_amount(v) for v in values):
                kinds.append("a")
            elif is_flag_column(values):
                kinds.append("f")
            elif all(CURRENCY_CODE.fullmatch(cell_text(v)) for v in values):
                kinds.append("c")
            else:
                kinds.append("t")
        return f"n:{table.file_format}:{table.delimiter!r}:{''.join(kinds)}"


def _records_index_of_row(table: Table, row_number: int) -> int | None:
    for index, (number, _) in enumerate(table.records):
        if number == row_number:
            return index
    return None


def _is_header(cells: list[Any]) -> tuple[int, set[str]]:
    roles: set[str] = set()
    named = 0
    for cell in cells:
        if not isinstance(cell, str):
            continue
        scores = header_roles(cell)
        strong = {role for role, score in scores.items() if score >= 50}
        if strong:
            named += 1
            roles |= strong
    return named, roles


def _row_is_transaction_like(cells: list[Any]) -> bool:
    has_date = any(isinstance(c, date) or (isinstance(c, str) and date_parts(c)) for c in cells)
    has_amount = any(looks_like_amount(c) and not (isinstance(c, str) and date_parts(c)) for c in cells)
    return has_date and has_amount


def find_layout(table: Table, header_row: int | None = None) -> Layout:
    records = table.records
    if not any(any(cell_text(c) for c in cells) for _, cells in records):
        raise ImportRefused("The file is empty.")
    header_index = None
    if header_row is not None:
        header_index = None if header_row == 0 else _records_index_of_row(table, header_row)
        if header_row and header_index is None:
            raise ImportRefused(f"The file has no row {header_row}.")
    else:
        best = (0, -1)
        for index, (_, cells) in enumerate(records[:HEADER_SCAN]):
            named, roles = _is_header(cells)
            if "date" in roles and roles & {"amount", "debit", "credit"} and named >= 2 and named > best[0]:
                best = (named, index)
        if best[1] >= 0:
            header_index = best[1]
    if header_index is not None:
        header_cells = [cell_text(c) for c in records[header_index][1]]
        data_start = header_index + 1
    elif header_row == 0:
        header_cells, data_start = [], 0  # the person says the file has no header: every row is data
    else:
        header_cells = []
        data_start = next((i for i, (_, cells) in enumerate(records) if _row_is_transaction_like(cells)), None)
        if data_start is None:
            raise ImportRefused("This does not look like a bank export: no row has both a date and an amount.")
    width = max([len(header_cells)] + [len(cells) for _, cells in records[data_start:data_start + PROFILE_ROWS]])
    columns = [(header_cells[i] if i < len(header_cells) else "") or f"Column {i + 1}" for i in range(width)]
    return Layout(columns=columns, header_index=header_index, data_start=data_start, header_cells=header_cells)


def column_values(table: Table, layout: Layout, index: int | None) -> list[Any]:
    if index is None:
        return []
    return [cells[index] for _, cells in table.records[layout.data_start:] if index < len(cells)]
