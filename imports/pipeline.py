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


def propose_mapping(table: Table, layout: Layout, *, account_currency: str, account_kind: str = "") -> Proposal:
    profiles = _profiles(table, layout)
    header = layout.header_cells
    scores = [header_roles(header[i]) if i < len(header) else {} for i in range(len(layout.columns))]
    problems: list[str] = []
    known = set(rate_table())

    def candidates(role: str, accept: Callable[[_Profile, float], bool], exclude: set[int] = frozenset()) -> list:
        found = []
        for index, profile in enumerate(profiles):
            score = scores[index].get(role, 0)
            if score and index not in exclude and accept(profile, score):
                if currency_in_header(header[index], {account_currency}):
                    score += 5  # "Amount (EUR)" beside "Amount" on a euro account
                found.append((score, index))
        return found

    # A column named exactly for its role may hold some bad values: those rows are reported as errors.
    def date_like(p: _Profile, score: float = 0) -> bool:
        return p.filled > 0 and p.share(p.dates) >= (0.5 if score >= 90 else 0.8)

    def money_like(p: _Profile, score: float = 0) -> bool:
        return p.filled == 0 or p.share(p.amounts) >= (0.5 if score >= 90 else 0.8)

    used: set[int] = set()
    mapping = empty_mapping()

    if header:
        mapping["date"] = _best(candidates("date", date_like))
    if mapping["date"] is None:
        mapping["date"] = next((i for i, p in enumerate(profiles) if p.filled and p.share(p.dates) >= 0.9), None)
    if mapping["date"] is None:
        raise ImportRefused("This does not look like a bank export: no column holds dates.")
    used.add(mapping["date"])

    if header:
        amount = _best(candidates("amount", lambda p, score: p.filled > 0 and money_like(p, score), used))
        debit = _best(candidates("debit", money_like, used))
        credit = _best(candidates("credit", money_like, used | ({debit} if debit is not None else set())))
        if amount is not None and debit is not None and credit is None and \
                normalise_header(header[amount]) in {"inflow", "credit", "deposits", "paid in", "money in"}:
            amount, credit = None, amount  # "Outflow" and "Inflow" columns
        if amount is not None:
            mapping["amount"] = amount
        elif debit is not None or credit is not None:
            mapping["debit"], mapping["credit"] = debit, credit
    else:
        amounts = [i for i, p in enumerate(profiles) if i not in used and p.filled and p.share(p.amounts) >= 0.9]
        pair = _complementary(table, layout, amounts)
        if pair:
            # Two columns never filled on the same row: money out and money in (the order is a guess).
            mapping["debit"], mapping["credit"] = pair
        elif amounts:
            mapping["amount"] = max(amounts, key=lambda i: (profiles[i].filled, -i))
    for key in ("amount", "debit", "credit"):
        if mapping[key] is not None:
            used.add(mapping[key])
    if mapping["amount"] is None and mapping["debit"] is None and mapping["credit"] is None:
        raise ImportRefused("This does not look like a bank export: no column holds amounts.")

    if mapping["amount"] is not None:
        flags = [i for i, p in enumerate(profiles) if i not in used and
                 (scores[i].get("flag") or not scores[i]) and is_flag_column(p.values)]
        named_flags = [i for i in flags if scores[i].get("flag")]
        if named_flags or flags:
            mapping["flag"] = (named_flags or flags)[0]
            used.add(mapping["flag"])

    currency = _best(candidates("currency", lambda p, _: p.filled > 0 and p.share(p.codes) >= 0.9, used))
    if currency is not None:
        mapping["currency"] = currency
        used.add(currency)
    else:
        money_columns = [mapping[k] for k in ("amount", "debit", "credit") if mapping[k] is not None]
        for index in money_columns:
            if index < len(header) and (code := currency_in_header(header[index], known)):
                mapping["currency_code"] = code
                break

    if header:
        external = _best(candidates("external_id", lambda p, _: p.filled > 0, used))
        if external is not None:
            values = [cell_text(v) for v in _column_values(table, layout, external)]
            data_rows = sum(1 for _, cells in table.records[layout.data_start:] if any(cell_text(c) for c in cells))
            if all(values) and len(set(values)) == len(values) == data_rows:
                mapping["external_id"] = external
                used.add(external)

    def texty(p: _Profile, _: float = 0) -> bool:
        return p.share(p.dates) < 0.5 and p.share(p.amounts) < 0.5

    if header:
        descriptions = candidates("description", texty, used)
        descriptions = [(s, i) for s, i in descriptions if s >= 80] or descriptions
        if descriptions:
            first = _best(descriptions)
            base = re.sub(r"\s*\d+$", "", normalise_header(header[first]))
            siblings = [i for _, i in descriptions
                        if re.fullmatch(re.escape(base) + r"\s*\d+", normalise_header(header[i]))]
            mapping["description"] = sorted(set([first, *siblings]))
            used.update(mapping["description"])
        mapping["merchant"] = _best(candidates("merchant", texty, used))
        if mapping["merchant"] is not None:
            used.add(mapping["merchant"])
            if not mapping["description"]:
                # The payee is the only text: it is the description as the bank wrote it.
                mapping["description"], mapping["merchant"] = [mapping["merchant"]], None
    if not mapping["description"] and mapping["merchant"] is None:
        texts = [(p.text_length / max(p.filled, 1), i) for i, p in enumerate(profiles)
                 if i not in used and p.filled and texty(p)]
        if texts:
            mapping["description"] = [max(texts)[1]]

    order, decided = infer_date_order(_column_values(table, layout, mapping["date"]))
    if order is None and not decided:
        order = "mdy" if account_currency == "USD" else "dmy"
        problems.append("Every date in the file reads both as day/month and as month/day; choose the order.")
    mapping["date_order"] = order
    money_values = []
    for key in ("amount", "debit", "credit"):
        money_values += _column_values(table, layout, mapping[key])
    mapping["decimal"], _ = infer_decimal_separator(money_values)

    confident = bool(header) and decided and (bool(mapping["description"]) or mapping["merchant"] is not None)
    if not header:
        problems.append("The file has no header row naming its columns; check which column is which.")
    if not mapping["description"] and mapping["merchant"] is None:
        problems.append("No column with a description was found.")
    if mapping["amount"] is not None and mapping["flag"] is None:
        signs = [v for v in _column_values(table, layout, mapping["amount"]) if cell_text(v)][:PROFILE_ROWS]
        try:
            parsed = [parse_amount(v, mapping["decimal"]) for v in signs]
        except BadValue:
            parsed = []
        if len(parsed) >= 5 and all(a >= 0 for a in parsed):
            confident = False
            problems.append("Every amount is positive. If this file shows spending as positive numbers (common "
                            "for credit cards), tick “amounts are positive for money out”.")
            mapping["negate"] = account_kind == "credit_card"
    return Proposal(mapping=mapping, confident=confident, problems=problems)


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


def convert_rows(table: Table, layout: Layout, mapping: dict[str, Any], *, account_currency: str,
                 today: date, progress: Callable[[int, int], None] | None = None) -> Conversion:
    """Every data row as an ImportRow, or the errors; blank, pending, footer and balance lines are skipped.

    This loop runs once per row of files with 100,000 rows: the common case is kept short.
    """
    columns = layout.columns
    width = len(columns)
    empty = width  # rows are padded with one more cell, always empty, for roles that have no column
    date_col = mapping["date"]
    amount_col, debit_col, credit_col = mapping.get("amount"), mapping.get("debit"), mapping.get("credit")
    flag_col, currency_col = mapping.get("flag"), mapping.get("currency")
    merchant_col, external_col = mapping.get("merchant"), mapping.get("external_id")
    description_cols = list(mapping.get("description") or [])
    order = mapping.get("date_order") or "dmy"
    decimal_sep = mapping.get("decimal") or "."
    plain = _PLAIN_DOT if decimal_sep == "." else _PLAIN_COMMA
    negate = bool(mapping.get("negate"))
    default_currency = (mapping.get("currency_code") or account_currency).upper()
    money_cols = [c for c in (amount_col, debit_col, credit_col) if c is not None]
    text_cols = description_cols + ([merchant_col] if merchant_col is not None else [])
    money_of = itemgetter(*money_cols, empty)
    texts_of = itemgetter(*text_cols, empty)
    single_description = description_cols[0] if len(description_cols) == 1 else None
    padding = [""] * (width + 1)
    typed = table.file_format != "csv"
    keep_typed = {date_col, *money_cols}
    CENT = Decimal("0.01")

    flag_values: set[str] = set()
    if flag_col is not None:
        flag_values = {flag_token(v) for v in set(map(_text, _column_values(table, layout, flag_col)))} - {""}
    only_credit = bool(flag_values) and flag_values <= FLAG_CREDIT
    only_debit = bool(flag_values) and flag_values <= FLAG_DEBIT

    date_cache: dict[Any, date] = {}
    outcomes: list[tuple[str, Any]] = []  # ("row", ImportRow) | ("error", ...) | ("skip", reason) | ...
    append = outcomes.append
    data = table.records[layout.data_start:]
    total = len(data)

    for position, (number, cells) in enumerate(data, start=1):
        if progress and position % 5000 == 0:
            progress(position, total)
        if not any(cells):
            append(("skip", "blank"))
            continue
        if typed:
            cells = [c if i in keep_typed else cell_text(c) for i, c in enumerate(cells)]
        if len(cells) <= width:
            cells = cells + padding[:width + 1 - len(cells)]
        raw_date = cells[date_col]
        date_text = raw_date if raw_date.__class__ is str else cell_text(raw_date)
        if date_text and not date_text[0].isdigit() and normalise_header(date_text) in PENDING_WORDS:
            append(("skip", "pending"))
            continue
        if not any(money_of(cells)):
            if not date_text and any(texts_of(cells)) and outcomes and outcomes[-1][0] in ("row", "continued"):
                # A description that runs on over the next line (OCBC and others).
                previous = next(o[1] for o in reversed(outcomes) if o[0] == "row")
                extra = " ".join(t for t in (_text(cells[c]) for c in text_cols) if t)
                previous.description = f"{previous.description} {extra}".strip()[:500]
                append(("continued", None))
                continue
            if not isinstance(raw_date, date) and not looks_like_date(date_text):
                # No date and no amount: a section title or a note, not a transaction (reported, not imported).
                append(("skip", ("note", number)))
                continue
        errors: list[RowError] = []
        on = date_cache.get(raw_date)
        if on is None:
            try:
                on = date_cache[raw_date] = parse_date(raw_date, order, today=today)
            except BadValue as error:
                errors.append(RowError(number, columns[date_col], str(error)))
        failed = amount_col
        try:
            if amount_col is not None:
                raw_amount = cells[amount_col]
                if raw_amount.__class__ is str and plain.fullmatch(raw_amount):
                    amount = Decimal(raw_amount.replace(",", ".")).quantize(CENT)
                else:
                    amount = parse_amount(raw_amount, decimal_sep)
                if flag_col is not None:
                    token = flag_token(cells[flag_col])
                    if token in FLAG_CREDIT or (not token and only_debit):
                        amount = abs(amount)
                    elif token in FLAG_DEBIT or (not token and only_credit):
                        amount = -abs(amount)
                    else:
                        shown = _text(cells[flag_col])
                        errors.append(RowError(number, columns[flag_col],
                                               (f"{shown!r} is" if shown else "An empty cell is") +
                                               " not a debit/credit marker."))
            else:
                debit_raw = cells[empty if debit_col is None else debit_col]
                credit_raw = cells[empty if credit_col is None else credit_col]
                if not _text(debit_raw) and not _text(credit_raw):
                    failed = debit_col if debit_col is not None else credit_col
                    raise BadValue("The amount is missing: the debit and the credit are both empty.")
                failed = debit_col
                debit = abs(parse_amount(debit_raw, decimal_sep)) if _text(debit_raw) else 0
                failed = credit_col
                credit = abs(parse_amount(credit_raw, decimal_sep)) if _text(credit_raw) else 0
                amount = credit - debit
            if negate:
                amount = -amount
        except BadValue as error:
            errors.append(RowError(number, columns[failed], str(error)))
        currency = ""
        if currency_col is not None:
            currency = cells[currency_col].upper()
            if currency and not _CODE.fullmatch(currency):
                errors.append(RowError(number, columns[currency_col], f"{currency!r} is not a currency code."))
        if errors:
            append(("error", (errors, cells, raw_date)))
            continue
        if single_description is not None:
            description = cells[single_description]
        else:
            description = " ".join(t for t in (cells[c] for c in description_cols) if t)
        merchant = " ".join(cells[merchant_col].split()) if merchant_col is not None else ""
        label = description or merchant
        if label[:1].isalpha() and label[:30].lower().startswith(_SUMMARY_START) and \
                _summary_line(normalise_header(label)):
            append(("skip", "balance line"))
            continue
        append(("row", ImportRow(on, amount, label[:500], merchant[:200], currency or default_currency,
                                 cells[external_col][:200] if external_col is not None else "", None, number)))

    rows_at = [i for i, (kind, _) in enumerate(outcomes) if kind == "row"]
    first, last = (rows_at[0], rows_at[-1]) if rows_at else (len(outcomes), -1)
    result = Conversion(rows=[], errors=[], rows_seen=total)
    more = 0
    for index, (kind, payload) in enumerate(outcomes):
        if kind == "row":
            result.rows.append(payload)
        elif kind == "skip":
            if isinstance(payload, tuple):
                payload, number = payload
                result.skipped_rows.setdefault(payload, []).append(number)
            result.skipped[payload] += 1
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
    if not result.rows and not result.errors:
        raise ImportRefused("The file has no transactions to import.")
    return result


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
