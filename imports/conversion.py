"""From a table and its column mapping to rows for the ledger: every row converted, or the errors naming its
row and column; summary, pending and empty lines skipped and counted."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, Callable

from imports.balances import column_balance
from imports.layout import CURRENCY_CODE, Layout, column_values
from imports.parsing import (
    FLAG_CREDIT,
    FLAG_DEBIT,
    PENDING_WORDS,
    BadValue,
    cell_text,
    flag_token,
    looks_like_date,
    normalise_header,
    parse_amount,
    parse_date,
)
from imports.table import ImportRefused, RowError, StatedBalance, Table
from transactions.ingest import ImportRow

MAX_ERRORS = 100


_SUMMARY_START = ("opening balance", "closing balance", "turnover", "total", "totaal", "totals", "summe", "sum",
                  "summa", "suma", "somme", "totale", "gesamt", "insgesamt", "total credits", "total debits",
                  "anfangssaldo", "endsaldo", "alter kontostand", "neuer kontostand", "kontostand", "saldo",
                  "balance", "solde", "beginsaldo", "eindsaldo", "begin saldo", "eind saldo", "ending balance",
                  "beginning balance", "starting balance", "zwischensumme", "ubertrag", "uebertrag",
                  "balance brought forward", "balance carried forward", "footer row test")


@dataclass
class Conversion:
    rows: list[ImportRow]
    errors: list[RowError]
    skipped: Counter = field(default_factory=Counter)
    skipped_rows: dict[str, list[int]] = field(default_factory=dict)
    rows_seen: int = 0
    stated_balance: StatedBalance | None = None  # the balance column's closing balance
    balance_notes: list[str] = field(default_factory=list)  # why the balance column was not used, or is off


_SUMMARY_TAIL = re.compile(r"(?:\s+(?:\d+|as|of|per|am|au|op|vom|zum|on|at|le|du|al|del|en|den|eur|usd|gbp|chf))*")


def _summary_line(text: str) -> bool:
    """'Closing balance', 'Kontostand am 31 03 2024', 'Beginning balance as of 03 01 2024' (normalised)."""
    for start in _SUMMARY_START:
        if text == start or (text.startswith(start + " ") and _SUMMARY_TAIL.fullmatch(text[len(start):])):
            return True
    return False


def _text(value: Any) -> str:
    # Table readers hand over stripped strings without control characters; only typed cells need work.
    return value if value.__class__ is str else cell_text(value)


_PLAIN_DOT = re.compile(r"[+-]?\d{1,11}(?:\.\d{1,2})?")


_PLAIN_COMMA = re.compile(r"[+-]?\d{1,11}(?:,\d{1,2})?")


_CENT = Decimal("0.01")


def convert_rows(table: Table, layout: Layout, mapping: dict[str, Any], *, account_currency: str,
                 today: date, progress: Callable[[int, int], None] | None = None) -> Conversion:
    """Every data row as an ImportRow, or the errors; blank, pending, footer and balance lines are skipped."""
    reader = _row_reader(table, layout, mapping, account_currency=account_currency, today=today)
    data = table.records[layout.data_start:]
    outcomes = _row_outcomes(reader, data, progress=progress)
    result = _conversion(outcomes, money_cols=reader.money_cols, rows_seen=len(data))
    if not result.rows and not result.errors:
        raise ImportRefused("The file has no transactions to import.")
    balance_col = mapping.get("balance")
    if balance_col is not None and result.rows and not result.errors:
        result.stated_balance, result.balance_notes = column_balance(
            result.rows, dict(data), balance_col, reader.columns[balance_col], reader.decimal_sep)
    return result


@dataclass(slots=True)
class _RowReader:
    """How every data row is read, worked out once from the mapping (the per-row code reads only this)."""
    columns: list[str]
    width: int
    empty: int  # rows are padded with one more cell, always empty, for roles that have no column
    date_col: int
    amount_col: int | None
    debit_col: int | None
    credit_col: int | None
    flag_col: int | None
    currency_col: int | None
    merchant_col: int | None
    external_col: int | None
    description_cols: list[int]
    single_description: int | None
    text_cols: list[int]
    money_cols: list[int]
    plain_amounts: bool  # a single amount column without D/C markers: plain numbers are read in the row loop
    money_of: Callable[[list[Any]], Any]
    texts_of: Callable[[list[Any]], Any]
    order: str
    decimal_sep: str
    plain: re.Pattern[str]
    negate: bool
    default_currency: str
    padding: list[str]
    typed: bool
    keep_typed: set[int]
    only_credit: bool
    only_debit: bool
    today: date
    dates: dict[Any, date] = field(default_factory=dict)  # each distinct date cell parsed once


def _row_reader(table: Table, layout: Layout, mapping: dict[str, Any], *, account_currency: str,
                today: date) -> _RowReader:
    """The mapping turned into what each row needs: column indexes, getters, the number format, the markers."""
    date_col = mapping["date"]
    width = len(layout.columns)
    amount_col, debit_col, credit_col = mapping.get("amount"), mapping.get("debit"), mapping.get("credit")
    flag_col, merchant_col = mapping.get("flag"), mapping.get("merchant")
    description_cols = list(mapping.get("description") or [])
    decimal_sep = mapping.get("decimal") or "."
    money_cols = [c for c in (amount_col, debit_col, credit_col) if c is not None]
    text_cols = description_cols + ([merchant_col] if merchant_col is not None else [])
    only_credit, only_debit = _flag_kinds(table, layout, flag_col)
    return _RowReader(
        columns=layout.columns, width=width, empty=width, date_col=date_col, amount_col=amount_col,
        debit_col=debit_col, credit_col=credit_col, flag_col=flag_col, currency_col=mapping.get("currency"),
        merchant_col=merchant_col, external_col=mapping.get("external_id"), description_cols=description_cols,
        single_description=description_cols[0] if len(description_cols) == 1 else None, text_cols=text_cols,
        money_cols=money_cols, plain_amounts=amount_col is not None and flag_col is None,
        money_of=itemgetter(*money_cols, width), texts_of=itemgetter(*text_cols, width),
        order=mapping.get("date_order") or "dmy", decimal_sep=decimal_sep,
        plain=_PLAIN_DOT if decimal_sep == "." else _PLAIN_COMMA, negate=bool(mapping.get("negate")),
        default_currency=(mapping.get("currency_code") or account_currency).upper(), padding=[""] * (width + 1),
        typed=table.file_format != "csv", keep_typed={date_col, *money_cols}, only_credit=only_credit,
        only_debit=only_debit, today=today)


def _flag_kinds(table: Table, layout: Layout, flag_col: int | None) -> tuple[bool, bool]:
    """Whether the D/C marker column holds credit markers only, or debit markers only (an empty cell is then
    the other kind)."""
    if flag_col is None:
        return False, False
    flag_values = {flag_token(v) for v in set(map(_text, column_values(table, layout, flag_col)))} - {""}
    return bool(flag_values) and flag_values <= FLAG_CREDIT, bool(flag_values) and flag_values <= FLAG_DEBIT


def _row_outcomes(reader: _RowReader, data: list[tuple[int, list[Any]]], *,
                  progress: Callable[[int, int], None] | None) -> list[tuple[str, Any]]:
    """What each data row is, in order: ("row", ImportRow), ("error", (errors, cells, raw date)), ("skip",
    reason), or ("continued", None) for a description's next line."""
    # This loop runs once per row of files with 100,000 rows: the common case is kept short, on locals, and
    # makes two calls per row (_row_outcome, then _import_row); each costs about 1-2% of the conversion.
    outcomes: list[tuple[str, Any]] = []
    append = outcomes.append
    total = len(data)
    width, padding, typed, date_col, money_of = reader.width, reader.padding, reader.typed, reader.date_col, \
        reader.money_of
    for position, (number, cells) in enumerate(data, start=1):
        if progress and position % 5000 == 0:
            progress(position, total)
        if not any(cells):
            append(("skip", "blank"))
            continue
        if typed:
            cells = _cells_as_text(reader, cells)
        if len(cells) <= width:
            cells = cells + padding[:width + 1 - len(cells)]
        raw_date = cells[date_col]
        date_text = raw_date if raw_date.__class__ is str else cell_text(raw_date)
        if not date_text[:1].isdigit() and normalise_header(date_text) in PENDING_WORDS:
            append(("skip", "pending"))
            continue
        if not any(money_of(cells)):
            moneyless = _moneyless_line(reader, outcomes, number, cells, raw_date, date_text)
            if moneyless is not None:
                append(moneyless)
                continue
        append(_row_outcome(reader, number, cells, raw_date))
    return outcomes


def _cells_as_text(reader: _RowReader, cells: list[Any]) -> list[Any]:
    """A spreadsheet row's cells as text, but for the typed dates and numbers of the date and money columns."""
    keep_typed = reader.keep_typed
    return [c if i in keep_typed else cell_text(c) for i, c in enumerate(cells)]


def _moneyless_line(reader: _RowReader, outcomes: list[tuple[str, Any]], number: int, cells: list[Any],
                    raw_date: Any, date_text: str) -> tuple[str, Any] | None:
    """A line without an amount: the previous description running on, a note, or (dated) a row to report."""
    if not date_text and any(reader.texts_of(cells)) and outcomes and outcomes[-1][0] in ("row", "continued"):
        # A description that runs on over the next line (OCBC and others).
        previous = next(o[1] for o in reversed(outcomes) if o[0] == "row")
        extra = " ".join(t for t in (_text(cells[c]) for c in reader.text_cols) if t)
        previous.description = f"{previous.description} {extra}".strip()[:500]
        return ("continued", None)
    if not isinstance(raw_date, date) and not looks_like_date(date_text):
        # No date and no amount: a section title or a note, not a transaction (reported, not imported).
        return ("skip", ("note", number))
    return None


def _row_outcome(reader: _RowReader, number: int, cells: list[Any], raw_date: Any) -> tuple[str, Any]:
    """The row's date, amount and currency checked: the row, or every error in it."""
    errors: list[RowError] = []
    on = reader.dates.get(raw_date)
    if on is None:
        on = _row_date(reader, number, raw_date, errors)
    raw_amount = cells[reader.amount_col] if reader.plain_amounts else None
    if raw_amount.__class__ is str and reader.plain.fullmatch(raw_amount):
        # The common case ("-12.50") is read here rather than in _row_amount: one call fewer on every row.
        amount = Decimal(raw_amount.replace(",", ".")).quantize(_CENT)
        amount = -amount if reader.negate else amount
    else:
        amount = _row_amount(reader, number, cells, errors)
    currency = cells[reader.currency_col].upper() if reader.currency_col is not None else ""
    if currency and not CURRENCY_CODE.fullmatch(currency):
        errors.append(RowError(number, reader.columns[reader.currency_col], f"{currency!r} is not a currency code."))
    if errors:
        return ("error", (errors, cells, raw_date))
    return _import_row(reader, number, cells, on, amount, currency)


def _row_date(reader: _RowReader, number: int, raw_date: Any, errors: list[RowError]) -> date | None:
    """The date cell parsed (and remembered for the rows that repeat it), or an error naming the date column."""
    try:
        on = reader.dates[raw_date] = parse_date(raw_date, reader.order, today=reader.today)
    except BadValue as error:
        errors.append(RowError(number, reader.columns[reader.date_col], str(error)))
        return None
    return on


def _row_amount(reader: _RowReader, number: int, cells: list[Any], errors: list[RowError]) -> Decimal | int | None:
    """An amount that is not a plain number: formatted ("1.234,56", "(84.12)"), signed by a D/C marker, or
    credit less debit; negated when the file shows spending as positive."""
    if reader.amount_col is not None:
        amount = _column_amount(reader, number, cells, errors)
    else:
        amount = _debit_credit_amount(reader, number, cells, errors)
    return -amount if reader.negate and amount is not None else amount


def _column_amount(reader: _RowReader, number: int, cells: list[Any], errors: list[RowError]) -> Decimal | None:
    """The amount cell's value, signed by the row's D/C marker when the file has a marker column."""
    raw_amount = cells[reader.amount_col]
    try:
        if raw_amount.__class__ is str and reader.plain.fullmatch(raw_amount):
            amount = Decimal(raw_amount.replace(",", ".")).quantize(_CENT)
        else:
            amount = parse_amount(raw_amount, reader.decimal_sep)
    except BadValue as error:
        errors.append(RowError(number, reader.columns[reader.amount_col], str(error)))
        return None
    return amount if reader.flag_col is None else _flag_signed(reader, number, cells, amount, errors)


def _flag_signed(reader: _RowReader, number: int, cells: list[Any], amount: Decimal,
                 errors: list[RowError]) -> Decimal:
    """The amount signed by its D/C marker; an empty marker, in a column of one kind only, is the other kind."""
    token = flag_token(cells[reader.flag_col])
    if token in FLAG_CREDIT or (not token and reader.only_debit):
        return abs(amount)
    if token in FLAG_DEBIT or (not token and reader.only_credit):
        return -abs(amount)
    shown = _text(cells[reader.flag_col])
    errors.append(RowError(number, reader.columns[reader.flag_col],
                           (f"{shown!r} is" if shown else "An empty cell is") + " not a debit/credit marker."))
    return amount


def _debit_credit_amount(reader: _RowReader, number: int, cells: list[Any],
                         errors: list[RowError]) -> Decimal | int | None:
    """Credit less debit, each read as a positive number; both empty is an error."""
    debit_raw = cells[reader.empty if reader.debit_col is None else reader.debit_col]
    credit_raw = cells[reader.empty if reader.credit_col is None else reader.credit_col]
    failed = reader.debit_col if reader.debit_col is not None else reader.credit_col
    try:
        if not _text(debit_raw) and not _text(credit_raw):
            raise BadValue("The amount is missing: the debit and the credit are both empty.")
        failed = reader.debit_col
        debit = abs(parse_amount(debit_raw, reader.decimal_sep)) if _text(debit_raw) else 0
        failed = reader.credit_col
        credit = abs(parse_amount(credit_raw, reader.decimal_sep)) if _text(credit_raw) else 0
    except BadValue as error:
        errors.append(RowError(number, reader.columns[failed], str(error)))
        return None
    return credit - debit


def _import_row(reader: _RowReader, number: int, cells: list[Any], on: date, amount: Decimal,
                currency: str) -> tuple[str, Any]:
    """The checked row as an ImportRow, labelled by its description (else its merchant); a balance line
    ("Closing balance", "Kontostand am 31.03.2024") is skipped instead."""
    if reader.single_description is not None:
        description = cells[reader.single_description]
    else:
        description = " ".join(t for t in (cells[c] for c in reader.description_cols) if t)
    merchant = " ".join(cells[reader.merchant_col].split()) if reader.merchant_col is not None else ""
    label = description or merchant
    if label[:1].isalpha() and label[:30].lower().startswith(_SUMMARY_START) and \
            _summary_line(normalise_header(label)):
        return ("skip", "balance line")
    external_id = cells[reader.external_col][:200] if reader.external_col is not None else ""
    return ("row", ImportRow(on, amount, label[:500], merchant[:200], currency or reader.default_currency,
                             external_id, None, number))


def _conversion(outcomes: list[tuple[str, Any]], *, money_cols: list[int], rows_seen: int) -> Conversion:
    """The rows, the errors (the first 100, then a count) and the skipped lines by reason; a line with errors
    before the first or after the last transaction is a title or a footer when it looks like one."""
    first, last = _transactions_span(outcomes)
    result = Conversion(rows=[], errors=[], rows_seen=rows_seen)
    more = 0
    for index, (kind, payload) in enumerate(outcomes):
        if kind == "row":
            result.rows.append(payload)
        elif kind == "skip":
            _skip_count(result, payload)
        elif kind == "error":
            errors, cells, raw_date = payload
            if (index < first or index > last) and _not_a_transaction(cells, raw_date, money_cols):
                result.skipped["footer" if index > last else "title"] += 1
            elif len(result.errors) < MAX_ERRORS:
                result.errors.extend(errors)
            else:
                more += 1
    if more:
        result.errors.append(RowError(None, None, f"…and {more} more rows with problems."))
    return result


def _transactions_span(outcomes: list[tuple[str, Any]]) -> tuple[int, int]:
    """The positions of the first and the last transaction among the outcomes (past the end when none)."""
    rows_at = [i for i, (kind, _) in enumerate(outcomes) if kind == "row"]
    return (rows_at[0], rows_at[-1]) if rows_at else (len(outcomes), -1)


def _skip_count(result: Conversion, reason: str | tuple[str, int]) -> None:
    """One more line skipped for this reason; a note's row number is kept to show it."""
    if isinstance(reason, tuple):
        reason, number = reason
        result.skipped_rows.setdefault(reason, []).append(number)
    result.skipped[reason] += 1


def _not_a_transaction(cells: list[Any], raw_date: Any, money_cols: list[int]) -> bool:
    """A line before the first or after the last transaction that is a title, a total or a balance."""
    if any(_summary_line(normalise_header(c)) for c in cells if isinstance(c, str) and c[:1].isalpha()):
        return True
    if isinstance(raw_date, date):
        return False
    date_text = cell_text(raw_date)
    if looks_like_date(date_text):
        return False
    text = " ".join(normalise_header(c) for c in cells if isinstance(c, str))
    summary = any(f" {w} " in f" {text} " for w in ("total", "totaal", "summe", "summa", "saldo", "balance",
                                                      "turnover", "kontostand", "somme", "totale"))
    no_money = not any(cell_text(cells[c]) for c in money_cols if c < len(cells))
    return summary or no_money or bool(re.search(r"[^\W\d_]", date_text))
