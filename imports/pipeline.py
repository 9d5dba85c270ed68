"""From a table of cells to transactions: find the header, propose a column mapping, convert every row.

A mapping is JSON (it is stored on the batch and, once confirmed, on the account). Columns are 0-based
indexes into the file's columns; names are accepted on input and resolved here:

    {"date": 0, "date_order": "dmy" | "mdy" | null, "decimal": "," | ".",
     "amount": 3 | null, "debit": null, "credit": null,          # amount, or debit + credit columns
     "flag": null, "negate": false,                              # D/C marker column; spending shown positive
     "description": [4, 5], "merchant": 2 | null, "currency": 6 | null, "currency_code": "SGD" | null,
     "external_id": null,
     "header_row": 1, "delimiter": ";", "encoding": "cp1252", "sheet": "Sheet1"}   # detected layout
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, Callable

from imports.parsing import (
    FLAG_CREDIT,
    FLAG_DEBIT,
    PENDING_WORDS,
    BadValue,
    cell_text,
    currency_in_header,
    date_parts,
    flag_token,
    header_roles,
    infer_date_order,
    infer_decimal_separator,
    is_flag_column,
    looks_like_amount,
    looks_like_date,
    normalise_header,
    parse_amount,
    parse_date,
)
from imports.table import ImportRefused, RowError, Table
from transactions.ingest import ImportRow

from transactions.currency import rate_table

ROLE_KEYS = ("date", "amount", "debit", "credit", "flag", "description", "merchant", "currency", "external_id")
OPTION_KEYS = ("date_order", "decimal", "negate", "currency_code")
LAYOUT_KEYS = ("header_row", "delimiter", "encoding", "sheet")
HEADER_SCAN = 40
PROFILE_ROWS = 2000
MAX_ERRORS = 100
_CODE = re.compile(r"[A-Za-z]{3}")
_SUMMARY_START = ("opening balance", "closing balance", "turnover", "total", "totaal", "totals", "summe", "sum",
                  "summa", "suma", "somme", "totale", "gesamt", "insgesamt", "total credits", "total debits",
                  "anfangssaldo", "endsaldo", "alter kontostand", "neuer kontostand", "kontostand", "saldo",
                  "balance", "solde", "beginsaldo", "eindsaldo", "begin saldo", "eind saldo", "ending balance",
                  "beginning balance", "starting balance", "zwischensumme", "ubertrag", "uebertrag",
                  "balance brought forward", "balance carried forward", "footer row test")


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
            elif all(_CODE.fullmatch(cell_text(v)) for v in values):
                kinds.append("c")
            else:
                kinds.append("t")
        return f"n:{table.file_format}:{table.delimiter!r}:{''.join(kinds)}"


@dataclass
class Proposal:
    mapping: dict[str, Any]
    confident: bool
    problems: list[str]


@dataclass
class Conversion:
    rows: list[ImportRow]
    errors: list[RowError]
    skipped: Counter = field(default_factory=Counter)
    skipped_rows: dict[str, list[int]] = field(default_factory=dict)
    rows_seen: int = 0


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


# --- proposing a mapping --------------------------------------------------------------------------

@dataclass
class _Profile:
    filled: int = 0
    dates: int = 0
    amounts: int = 0
    codes: int = 0
    text_length: int = 0
    values: list[Any] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0


def _profiles(table: Table, layout: Layout) -> list[_Profile]:
    data = table.records[layout.data_start:]
    sample = data[:PROFILE_ROWS] + (data[-200:] if len(data) > PROFILE_ROWS else [])
    known = set(rate_table())
    profiles = [_Profile() for _ in layout.columns]
    for _, cells in sample:
        for index, value in enumerate(cells[:len(profiles)]):
            text = cell_text(value)
            if not text or (text[0].isalpha() and normalise_header(text) in PENDING_WORDS):
                continue
            profile = profiles[index]
            profile.filled += 1
            profile.values.append(value)
            is_date = isinstance(value, date) or bool(date_parts(text))
            profile.dates += is_date
            if not is_date and looks_like_amount(value) and not (text.isdigit() and len(text) >= 9):
                profile.amounts += 1
            if _CODE.fullmatch(text) and text.upper() in known:
                profile.codes += 1
            profile.text_length += len(text)
    return profiles


def _column_values(table: Table, layout: Layout, index: int | None) -> list[Any]:
    if index is None:
        return []
    return [cells[index] for _, cells in table.records[layout.data_start:] if index < len(cells)]


def _complementary(table: Table, layout: Layout, columns: list[int]) -> tuple[int, int] | None:
    for first, second in zip(columns, columns[1:], strict=False):
        both = one = 0
        for _, cells in table.records[layout.data_start:layout.data_start + PROFILE_ROWS]:
            a = first < len(cells) and cells[first] != ""
            b = second < len(cells) and cells[second] != ""
            both += a and b
            one += a != b
        if one and not both:
            return first, second
    return None


def _best(candidates: list[tuple[float, int]]) -> int | None:
    """The column with the highest score; the leftmost of equals."""
    return max(candidates, key=lambda c: (c[0], -c[1]))[1] if candidates else None


def empty_mapping() -> dict[str, Any]:
    return {**{key: None for key in ROLE_KEYS}, "description": [], "negate": False, "currency_code": None,
            "date_order": None, "decimal": "."}


@dataclass
class _Columns:
    """The file's columns as a proposal weighs them: header names, role scores from the names, value profiles,
    and the columns already given a role."""
    table: Table
    layout: Layout
    account_currency: str
    profiles: list[_Profile]
    header: list[str]
    scores: list[dict[str, float]]
    used: set[int] = field(default_factory=set)

    def candidates(self, role: str, accept: Callable[[_Profile, float], bool],
                   exclude: set[int] = frozenset()) -> list[tuple[float, int]]:
        """(score, index) of the columns whose name suits the role and whose values pass ``accept``."""
        found = []
        for index, profile in enumerate(self.profiles):
            score = self.scores[index].get(role, 0)
            if score and index not in exclude and accept(profile, score):
                if currency_in_header(self.header[index], {self.account_currency}):
                    score += 5  # "Amount (EUR)" beside "Amount" on a euro account
                found.append((score, index))
        return found

    def values(self, index: int | None) -> list[Any]:
        return _column_values(self.table, self.layout, index)


# A column named exactly for its role may hold some bad values: those rows are reported as errors.
def _date_like(p: _Profile, score: float = 0) -> bool:
    return p.filled > 0 and p.share(p.dates) >= (0.5 if score >= 90 else 0.8)


def _money_like(p: _Profile, score: float = 0) -> bool:
    return p.filled == 0 or p.share(p.amounts) >= (0.5 if score >= 90 else 0.8)


def _texty(p: _Profile, _: float = 0) -> bool:
    return p.share(p.dates) < 0.5 and p.share(p.amounts) < 0.5


def propose_mapping(table: Table, layout: Layout, *, account_currency: str, account_kind: str = "") -> Proposal:
    """The column mapping this file most likely has, whether it can be used without asking, and what to check."""
    header = layout.header_cells
    columns = _Columns(table=table, layout=layout, account_currency=account_currency,
                       profiles=_profiles(table, layout), header=header,
                       scores=[header_roles(header[i]) if i < len(header) else {} for i in range(len(layout.columns))])
    mapping = empty_mapping()
    mapping["date"] = _date_column(columns)
    mapping.update(_money_columns(columns))
    mapping["flag"] = _flag_column(columns, amount=mapping["amount"])
    mapping.update(_currency_columns(columns, money=[mapping[k] for k in ("amount", "debit", "credit")
                                                     if mapping[k] is not None]))
    mapping["external_id"] = _external_id_column(columns)
    mapping.update(_text_columns(columns))

    problems: list[str] = []
    mapping["date_order"], decided = _date_order(columns, mapping["date"], problems)
    mapping["decimal"] = _decimal_separator(columns, mapping)
    confident = _confidence(columns, mapping, decided=decided, account_kind=account_kind, problems=problems)
    return Proposal(mapping=mapping, confident=confident, problems=problems)


def _date_column(columns: _Columns) -> int:
    """The transaction date: the best column named for it, else the first that holds nearly only dates."""
    date_column = _best(columns.candidates("date", _date_like)) if columns.header else None
    if date_column is None:
        date_column = next((i for i, p in enumerate(columns.profiles) if p.filled and p.share(p.dates) >= 0.9), None)
    if date_column is None:
        raise ImportRefused("This does not look like a bank export: no column holds dates.")
    columns.used.add(date_column)
    return date_column


def _money_columns(columns: _Columns) -> dict[str, int | None]:
    """The signed amount column, or the debit (money out) and credit (money in) columns."""
    found = _named_money_columns(columns) if columns.header else _unnamed_money_columns(columns)
    columns.used.update(index for index in found.values() if index is not None)
    if all(index is None for index in found.values()):
        raise ImportRefused("This does not look like a bank export: no column holds amounts.")
    return found


def _named_money_columns(columns: _Columns) -> dict[str, int | None]:
    """Amount, or debit and credit, by the header's names; an amount named for money in pairs with a debit."""
    used = columns.used
    amount = _best(columns.candidates("amount", lambda p, score: p.filled > 0 and _money_like(p, score), used))
    debit = _best(columns.candidates("debit", _money_like, used))
    credit = _best(columns.candidates("credit", _money_like, used | ({debit} if debit is not None else set())))
    if amount is not None and debit is not None and credit is None and \
            normalise_header(columns.header[amount]) in {"inflow", "credit", "deposits", "paid in", "money in"}:
        amount, credit = None, amount  # "Outflow" and "Inflow" columns
    if amount is not None:
        return {"amount": amount, "debit": None, "credit": None}
    return {"amount": None, "debit": debit, "credit": credit}


def _unnamed_money_columns(columns: _Columns) -> dict[str, int | None]:
    """Without a header: a debit and credit pair of amount columns, else the fullest amount column."""
    profiles = columns.profiles
    amounts = [i for i, p in enumerate(profiles) if i not in columns.used and p.filled and p.share(p.amounts) >= 0.9]
    pair = _complementary(columns.table, columns.layout, amounts)
    if pair:
        # Two columns never filled on the same row: money out and money in (the order is a guess).
        return {"amount": None, "debit": pair[0], "credit": pair[1]}
    amount = max(amounts, key=lambda i: (profiles[i].filled, -i)) if amounts else None
    return {"amount": amount, "debit": None, "credit": None}


def _flag_column(columns: _Columns, *, amount: int | None) -> int | None:
    """Beside a single amount column, a debit/credit marker column (D/C, Af/Bij, CR), one named for it first."""
    if amount is None:
        return None
    flags = [i for i, p in enumerate(columns.profiles) if i not in columns.used and
             (columns.scores[i].get("flag") or not columns.scores[i]) and is_flag_column(p.values)]
    named_flags = [i for i in flags if columns.scores[i].get("flag")]
    if not (named_flags or flags):
        return None
    flag = (named_flags or flags)[0]
    columns.used.add(flag)
    return flag


def _currency_columns(columns: _Columns, *, money: list[int]) -> dict[str, Any]:
    """A column of currency codes, else the one code a money column's name gives ("Bedrag (EUR)")."""
    currency = _best(columns.candidates("currency", lambda p, _: p.filled > 0 and p.share(p.codes) >= 0.9,
                                        columns.used))
    if currency is not None:
        columns.used.add(currency)
        return {"currency": currency, "currency_code": None}
    known = set(rate_table())
    for index in money:
        if index < len(columns.header) and (code := currency_in_header(columns.header[index], known)):
            return {"currency": None, "currency_code": code}
    return {"currency": None, "currency_code": None}


def _external_id_column(columns: _Columns) -> int | None:
    """The bank's own transaction id: a column named for it with a value, all different, on every data row."""
    if not columns.header:
        return None
    external = _best(columns.candidates("external_id", lambda p, _: p.filled > 0, columns.used))
    if external is None:
        return None
    values = [cell_text(v) for v in columns.values(external)]
    data_rows = sum(1 for _, cells in columns.table.records[columns.layout.data_start:]
                    if any(cell_text(c) for c in cells))
    if not (all(values) and len(set(values)) == len(values) == data_rows):
        return None
    columns.used.add(external)
    return external


def _text_columns(columns: _Columns) -> dict[str, Any]:
    """The description columns and the merchant (payee) column; without names, the longest text is the
    description."""
    description, merchant = _named_text_columns(columns) if columns.header else ([], None)
    if not description and merchant is None:
        texts = [(p.text_length / max(p.filled, 1), i) for i, p in enumerate(columns.profiles)
                 if i not in columns.used and p.filled and _texty(p)]
        if texts:
            description = [max(texts)[1]]
    return {"description": description, "merchant": merchant}


def _named_text_columns(columns: _Columns) -> tuple[list[int], int | None]:
    """The best description column with its numbered siblings ("Verwendungszweck 1", "... 2"), and the payee."""
    description: list[int] = []
    descriptions = columns.candidates("description", _texty, columns.used)
    descriptions = [(s, i) for s, i in descriptions if s >= 80] or descriptions
    if descriptions:
        first = _best(descriptions)
        base = re.sub(r"\s*\d+$", "", normalise_header(columns.header[first]))
        siblings = [i for _, i in descriptions
                    if re.fullmatch(re.escape(base) + r"\s*\d+", normalise_header(columns.header[i]))]
        description = sorted(set([first, *siblings]))
        columns.used.update(description)
    merchant = _best(columns.candidates("merchant", _texty, columns.used))
    if merchant is not None:
        columns.used.add(merchant)
        if not description:
            # The payee is the only text: it is the description as the bank wrote it.
            description, merchant = [merchant], None
    return description, merchant


def _date_order(columns: _Columns, date_column: int, problems: list[str]) -> tuple[str | None, bool]:
    """Day or month first, from the whole date column; when every date reads both ways, the account's currency
    guesses and the person is asked."""
    order, decided = infer_date_order(columns.values(date_column))
    if order is None and not decided:
        order = "mdy" if columns.account_currency == "USD" else "dmy"
        problems.append("Every date in the file reads both as day/month and as month/day; choose the order.")
    return order, decided


def _decimal_separator(columns: _Columns, mapping: dict[str, Any]) -> str:
    """The decimal separator the money columns' values use."""
    money_values = []
    for key in ("amount", "debit", "credit"):
        money_values += columns.values(mapping[key])
    return infer_decimal_separator(money_values)[0]


def _confidence(columns: _Columns, mapping: dict[str, Any], *, decided: bool, account_kind: str,
                problems: list[str]) -> bool:
    """Whether the proposal can be used without asking: named columns, a decided date order and a description;
    amounts that are all positive are a question too (spending shown positive is a card's habit)."""
    confident = bool(columns.header) and decided and (bool(mapping["description"]) or mapping["merchant"] is not None)
    if not columns.header:
        problems.append("The file has no header row naming its columns; check which column is which.")
    if not mapping["description"] and mapping["merchant"] is None:
        problems.append("No column with a description was found.")
    if _amounts_all_positive(columns, mapping):
        confident = False
        problems.append("Every amount is positive. If this file shows spending as positive numbers (common "
                        "for credit cards), tick “amounts are positive for money out”.")
        mapping["negate"] = account_kind == "credit_card"
    return confident


def _amounts_all_positive(columns: _Columns, mapping: dict[str, Any]) -> bool:
    """At least five amounts in a single amount column without a D/C marker, and none below zero."""
    if mapping["amount"] is None or mapping["flag"] is not None:
        return False
    signs = [v for v in columns.values(mapping["amount"]) if cell_text(v)][:PROFILE_ROWS]
    try:
        parsed = [parse_amount(v, mapping["decimal"]) for v in signs]
    except BadValue:
        parsed = []
    return len(parsed) >= 5 and all(a >= 0 for a in parsed)


# --- applying a mapping ---------------------------------------------------------------------------

def resolve_mapping(given: dict[str, Any], layout: Layout, base: dict[str, Any],
                    table: Table | None = None) -> dict[str, Any]:
    """The proposal with the caller's choices on top; column names are turned into indexes and checked.

    With the table, a date or money column the caller moved gets its date order and decimal separator read
    from its own values, unless the caller chose them too.
    """
    mapping = dict(base)
    names = {name.casefold(): index for index, name in reversed(list(enumerate(layout.columns)))}

    def column(value: Any, key: str) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise ImportRefused(f"The mapping for {key} is not a column.")
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            index = int(value)
        elif isinstance(value, str) and value.strip().casefold() in names:
            index = names[value.strip().casefold()]
        else:
            raise ImportRefused(f"The mapping for {key} names a column that is not in the file: {value!r}.")
        if not 0 <= index < len(layout.columns):
            raise ImportRefused(f"The mapping for {key} names a column that is not in the file: {value!r}.")
        return index

    for key in ROLE_KEYS:
        if key not in given:
            continue
        if key == "description":
            value = given[key]
            values = value if isinstance(value, list) else [value]
            mapping[key] = [i for i in (column(v, key) for v in values) if i is not None]
        else:
            mapping[key] = column(given[key], key)
    if "amount" in given and given["amount"] not in (None, ""):
        if "debit" not in given:
            mapping["debit"] = None
        if "credit" not in given:
            mapping["credit"] = None
    elif given.get("debit") not in (None, "") or given.get("credit") not in (None, ""):
        if "amount" not in given:
            mapping["amount"] = None
    for key in OPTION_KEYS + LAYOUT_KEYS:
        if key in given:
            mapping[key] = given[key]
    if mapping.get("date_order") not in (None, "dmy", "mdy"):
        raise ImportRefused("The date order must be 'dmy' (day first) or 'mdy' (month first).")
    if mapping.get("decimal") not in (".", ","):
        raise ImportRefused("The decimal separator must be '.' or ','.")
    code = mapping.get("currency_code")
    if code and not _CODE.fullmatch(str(code)):
        raise ImportRefused(f"{code!r} is not a currency code.")
    mapping["negate"] = bool(mapping.get("negate"))
    if table is not None:
        money = ("amount", "debit", "credit")
        if "decimal" not in given and any(mapping.get(k) != base.get(k) for k in money):
            values = [v for k in money for v in _column_values(table, layout, mapping.get(k))]
            mapping["decimal"], _ = infer_decimal_separator(values)
        if "date_order" not in given and mapping.get("date") != base.get("date") and mapping.get("date") is not None:
            mapping["date_order"], _ = infer_date_order(_column_values(table, layout, mapping["date"]))
    if mapping.get("date") is None:
        raise ImportRefused("Choose the column that holds the date.")
    if mapping.get("amount") is None and mapping.get("debit") is None and mapping.get("credit") is None:
        raise ImportRefused("Choose the column that holds the amount, or the debit and credit columns.")
    return mapping


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
    flag_values = {flag_token(v) for v in set(map(_text, _column_values(table, layout, flag_col)))} - {""}
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
    if currency and not _CODE.fullmatch(currency):
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
