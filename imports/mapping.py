"""Which column is which: propose a mapping for a table (with how sure it is), and resolve one a person gave.

A mapping is JSON (it is stored on the batch and, once confirmed, on the account). Columns are 0-based
indexes into the file's columns; names are accepted on input and resolved here:

    {"date": 0, "date_order": "dmy" | "mdy" | null, "decimal": "," | ".",
     "amount": 3 | null, "debit": null, "credit": null,          # amount, or debit + credit columns
     "flag": null, "negate": false,                              # D/C marker column; spending shown positive
     "description": [4, 5], "merchant": 2 | null, "currency": 6 | null, "currency_code": "SGD" | null,
     "external_id": null, "balance": 7 | null,                   # the running balance, to reconcile with
     "header_row": 1, "delimiter": ";", "encoding": "cp1252", "sheet": "Sheet1"}   # detected layout"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from imports.layout import CURRENCY_CODE, LAYOUT_KEYS, OPTION_KEYS, PROFILE_ROWS, ROLE_KEYS, Layout, column_values
from imports.parsing import (
    PENDING_WORDS,
    BadValue,
    cell_text,
    currency_in_header,
    date_parts,
    header_roles,
    infer_date_order,
    infer_decimal_separator,
    is_flag_column,
    looks_like_amount,
    normalise_header,
    parse_amount,
)
from imports.table import ImportRefused, Table
from transactions.currency import rate_table


@dataclass
class Proposal:
    mapping: dict[str, Any]
    confident: bool
    problems: list[str]


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
            if CURRENCY_CODE.fullmatch(text) and text.upper() in known:
                profile.codes += 1
            profile.text_length += len(text)
    return profiles


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
        return column_values(self.table, self.layout, index)


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
    mapping["balance"] = _balance_column(columns)
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


def _balance_column(columns: _Columns) -> int | None:
    """The running balance after each row ("Saldo", "Kontostand", "Solde"), named for it and holding amounts."""
    if not columns.header:
        return None
    balance = _best(columns.candidates("balance", lambda p, score: p.filled > 0 and _money_like(p, score),
                                       columns.used))
    if balance is not None:
        columns.used.add(balance)
    return balance


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
    if code and not CURRENCY_CODE.fullmatch(str(code)):
        raise ImportRefused(f"{code!r} is not a currency code.")
    mapping["negate"] = bool(mapping.get("negate"))
    if table is not None:
        money = ("amount", "debit", "credit")
        if "decimal" not in given and any(mapping.get(k) != base.get(k) for k in money):
            values = [v for k in money for v in column_values(table, layout, mapping.get(k))]
            mapping["decimal"], _ = infer_decimal_separator(values)
        if "date_order" not in given and mapping.get("date") != base.get("date") and mapping.get("date") is not None:
            mapping["date_order"], _ = infer_date_order(column_values(table, layout, mapping["date"]))
    if mapping.get("date") is None:
        raise ImportRefused("Choose the column that holds the date.")
    if mapping.get("amount") is None and mapping.get("debit") is None and mapping.get("credit") is None:
        raise ImportRefused("Choose the column that holds the amount, or the debit and credit columns.")
    return mapping
