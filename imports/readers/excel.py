"""Excel exports: .xlsx through openpyxl (read-only), .xls through xlrd; rows numbered as the sheet shows them."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlrd

from imports.parsing import cell_text, header_roles
from imports.readers.limits import MAX_COLUMNS, check_row_count, check_xlsx
from imports.table import ImportRefused, Table

MAX_SCAN_ROWS = 40


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = cell_text(value)
    return " ".join(text.split()) if "\n" in text else text


def _trim(cells: list[Any]) -> list[Any]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _header_strength(records: list[tuple[int, list[Any]]]) -> int:
    return max((sum(1 for c in cells if isinstance(c, str) and header_roles(c)) for _, cells in
                records[:MAX_SCAN_ROWS]), default=0)


def _pick_sheet(sheets: list[tuple[str, list[tuple[int, list[Any]]]]], wanted: str | None) -> tuple[str, list]:
    if wanted:
        for name, records in sheets:
            if name == wanted:
                return name, records
        raise ImportRefused(f"The workbook has no sheet called {wanted!r}.")
    with_rows = [(name, records) for name, records in sheets if any(cells for _, cells in records)]
    if not with_rows:
        raise ImportRefused("The workbook's sheets are empty.")
    # The first sheet whose header names transaction columns; else the first sheet with data.
    return max(with_rows, key=lambda item: min(_header_strength(item[1]), 3))


def read_xlsx(data: bytes, *, sheet: str | None = None, limit: int | None = None) -> Table:
    """Every sheet's rows (the first ``limit`` of each, for a preview); the sheet with transactions is kept."""
    check_xlsx(data)
    # openpyxl imports NumPy when it is installed: loaded by the first .xlsx, not by every web worker.
    from openpyxl import load_workbook  # noqa: PLC0415 - heavy

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ImportRefused(f"The Excel file could not be opened ({error.__class__.__name__}); it may be damaged "
                            "or password-protected.") from None
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            records = []
            for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                if limit and number > limit:
                    break
                check_row_count(number, number)
                records.append((number, _trim([_cell(v) for v in row])))
            sheets.append((worksheet.title, records))
    finally:
        workbook.close()
    name, records = _pick_sheet(sheets, sheet)
    return Table(file_format="xlsx", records=records, sheet=name)


def read_xls(data: bytes, *, sheet: str | None = None, limit: int | None = None) -> Table:
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as error:  # xlrd raises a variety of errors on damaged or encrypted files
        raise ImportRefused(f"The .xls file could not be opened ({error.__class__.__name__}); it may be damaged "
                            "or password-protected.") from None
    try:
        sheets = []
        for index in range(book.nsheets):
            worksheet = book.sheet_by_index(index)
            rows = min(worksheet.nrows, limit) if limit else worksheet.nrows
            check_row_count(rows)
            records = []
            for row_index in range(rows):
                cells = []
                for cell in worksheet.row_slice(row_index, 0, MAX_COLUMNS):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode).date())
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            cells.append(str(cell.value))
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        cells.append("")
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        cells.append("#ERROR")
                    else:
                        cells.append(_cell(cell.value))
                records.append((row_index + 1, _trim(cells)))
            sheets.append((worksheet.name, records))
    finally:
        book.release_resources()
    name, records = _pick_sheet(sheets, sheet)
    return Table(file_format="xls", records=records, sheet=name)
