"""OFX/QFX statements, 1.x SGML and 2.x XML: ofxtools builds the element tree, with a tolerant fallback for
files it rejects (empty tags, odd headers); the transactions are read and checked here."""

from __future__ import annotations

import io
import logging
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ofxtools.Parser import OFXTree

from imports.parsing import CENT, cell_text
from imports.readers.limits import check_ofx, check_row_count
from imports.table import ImportRefused, RowError, StatedBalance
from transactions.ingest import ImportRow

# ofxtools logs every parse at INFO; the importer reports problems itself.
logging.getLogger("ofxtools").setLevel(logging.WARNING)

OFX_COLUMNS = ["Date", "Amount", "Description", "Payee", "Bank id"]

_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TOKEN = re.compile(r"<(/?)([A-Za-z0-9_.]+)\s*>([^<]*)")
_AMOUNT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{2}(?:\d{2}(?:\d{2}(?:[.:]\d{1,3})?)?)?)?\s*(?:\[[^\]]*\])?")
_STMTTRN_START = re.compile(r"<STMTTRN>", re.IGNORECASE)


@dataclass
class OfxStatement:
    rows: list[ImportRow]
    errors: list[RowError]
    currency: str = ""
    account_id: str = ""
    notes: list[str] = field(default_factory=list)
    # The booked balance (LEDGERBAL), else the available one (AVAILBAL), to reconcile the account with.
    stated_balance: StatedBalance | None = None


def _encoding(data: bytes) -> str:
    head = data[:1024].decode("ascii", "replace")
    if m := re.search(r'encoding="([A-Za-z0-9_-]+)"', head):
        return m[1]
    if m := re.search(r"CHARSET:\s*(\d{3,4})", head):
        return f"cp{m[1]}"
    if re.search(r"ENCODING:\s*UTF-?8", head, re.IGNORECASE):
        return "utf-8"
    return "utf-8"


def _text(data: bytes) -> str:
    encoding = _encoding(data)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", "replace")


def _tolerant_tree(text: str) -> ET.Element:
    """SGML-style parsing: a tag followed by a value is a leaf whether or not it is closed."""
    start = text.upper().find("<OFX>")
    if start < 0:
        raise ImportRefused("This OFX file has no <OFX> body.")
    body = _CDATA.sub(lambda m: m[1].replace("<", "&lt;").replace(">", "&gt;"), text[start:])
    root = ET.Element("ROOT")
    stack = [root]
    for closing, tag, value in _TOKEN.findall(body):
        tag = tag.upper()
        if closing:
            if any(el.tag == tag for el in stack[1:]):
                while stack[-1].tag != tag:
                    stack.pop()
                stack.pop()
            continue
        element = ET.SubElement(stack[-1], tag)
        value = value.strip()
        if value:
            element.text = value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        else:
            stack.append(element)
    ofx = root.find("OFX")
    if ofx is None:
        raise ImportRefused("This OFX file has no <OFX> body.")
    return ofx


def _tree(data: bytes, text: str) -> ET.Element:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = OFXTree()
            parser.parse(io.BytesIO(data))
        return parser.getroot()
    except Exception:  # ofxtools is strict about headers and structure; real files often are not
        return _tolerant_tree(text)


def _find(element: ET.Element, tag: str) -> str:
    found = element.find(f".//{tag}")
    return cell_text(found.text) if found is not None and found.text else ""


def _status_error(element: ET.Element) -> str | None:
    status = element.find("STATUS")
    if status is None:
        return None
    code, severity = _find(status, "CODE"), _find(status, "SEVERITY").upper()
    if severity == "ERROR" or (code and code not in {"0", "1000"} and severity != "INFO"):
        message = _find(status, "MESSAGE") or "no reason given"
        return f"{message} (code {code or '?'})"
    return None


def _ofx_date(value: str) -> date:
    if not value:
        raise ValueError("is missing")
    match = _DATE.fullmatch(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not an OFX date")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date") from None


def _ofx_amount(value: str) -> Decimal:
    if not value:
        raise ValueError("is missing")
    if not _AMOUNT.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a number")
    return Decimal(value.strip().replace(",", ".")).quantize(CENT, rounding=ROUND_HALF_UP)


def _description(name: str, memo: str) -> str:
    if not memo or memo == name:
        return name
    if not name or memo.startswith(name.rstrip()):
        return memo  # the name is often the memo cut to 32 characters
    return f"{name} {memo}"


def read_ofx(data: bytes) -> OfxStatement:
    """The one bank or card statement in an OFX/QFX file, its transactions as rows (or their errors)."""
    check_ofx(data)
    text = _text(data)
    root = _tree(data, text)
    _refuse_a_signon_error(root)
    response, transactions = _the_statement(root)
    check_row_count(len(transactions))
    result = OfxStatement(rows=[], errors=[], currency=_find(response, "CURDEF").upper()[:3],
                          account_id=_find(response, "ACCTID"))
    if response.tag == "INVSTMTRS":
        result.notes.append("Only the cash transactions of this investment statement are imported; trades and "
                            "holdings are not.")
    result.stated_balance, balance_notes = _stated_balance(response, text)
    result.notes += balance_notes
    lines = _line_numbers(text, root, transactions)
    for index, element in enumerate(transactions):
        row, errors = _transaction_row(element, index=index, line=lines[index] if lines else index + 1,
                                       currency=result.currency)
        if row is None:
            result.errors.extend(errors)
        else:
            result.rows.append(row)
    return result


_BALANCES = (("LEDGERBAL", "ledger", "booked balance"), ("AVAILBAL", "available", "available balance"))


def _stated_balance(response: ET.Element, text: str) -> tuple[StatedBalance | None, list[str]]:
    """The statement's booked balance (LEDGERBAL: BALAMT at DTASOF), else its available balance (AVAILBAL);
    a balance that cannot be read is left out with a note naming it."""
    found: list[StatedBalance] = []
    notes = []
    for tag, source, words in _BALANCES:
        element = response.find(tag)
        if element is None:
            continue
        try:
            amount = _ofx_amount(_find(element, "BALAMT"))
        except ValueError as error:
            notes.append(f"{_where(tag, text)}: the {words} amount (BALAMT) {error}; it was not used to check the "
                         f"account's balance.")
            continue
        try:
            on = _ofx_date(_find(element, "DTASOF"))
        except ValueError as error:
            notes.append(f"{_where(tag, text)}: the date of the {words} (DTASOF) {error}; it was not used to check "
                         f"the account's balance.")
            continue
        found.append(StatedBalance(amount=amount, on=on, source=source))
    if not found:
        return None, notes
    chosen = found[0]
    for other in found[1:]:
        if other.amount != chosen.amount:
            notes.append(f"The bank also states an available balance of {other.amount:,.2f} on {other.on.day} {other.on:%b %Y} "
                         f"(what you can spend: it may count pending payments or an overdraft); Finsight compares "
                         f"with the booked balance.")
    return chosen, notes


def _where(tag: str, text: str) -> str:
    """"Line 42 (LEDGERBAL)" when the tag appears once in the file, else just the tag."""
    starts = [m.start() for m in re.finditer(f"<{tag}>", text, re.IGNORECASE)]
    if len(starts) != 1:
        return tag
    return f"Line {text.count(chr(10), 0, starts[0]) + 1} ({tag})"


def _refuse_a_signon_error(root: ET.Element) -> None:
    signon = root.find(".//SONRS")
    if signon is not None and (problem := _status_error(signon)):
        raise ImportRefused(f"This OFX file is the bank's refusal to sign on, not a statement: {problem}.")


def _the_statement(root: ET.Element) -> tuple[ET.Element, list[ET.Element]]:
    """The statement response that has transactions, and them; refused when there is none, or several."""
    statements: list[tuple[ET.Element, list[ET.Element]]] = []
    refusals: list[str] = []
    investment_only = 0
    for trnrs in root.iter():
        if trnrs.tag not in {"STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS"}:
            continue
        if problem := _status_error(trnrs):
            refusals.append(problem)
        for response in trnrs:
            if response.tag not in {"STMTRS", "CCSTMTRS", "INVSTMTRS"}:
                continue
            found = list(response.iter("STMTTRN"))
            if response.tag == "INVSTMTRS" and not found:
                investment_only += 1
            statements.append((response, found))
    if not statements:
        if refusals:
            raise ImportRefused(f"This OFX file is an error from the bank, not a statement: {refusals[0]}.")
        if root.find(".//ACCTINFORS") is not None:
            raise ImportRefused("This OFX file lists accounts, not transactions: download a statement instead.")
        raise ImportRefused("This OFX file contains no statement, so there is nothing to import.")
    with_transactions = [(response, found) for response, found in statements if found]
    if not with_transactions:
        if investment_only:
            raise ImportRefused("This is an investment statement (holdings and trades) with no bank transactions; "
                                "Finsight imports bank and credit-card transactions only.")
        raise ImportRefused("This OFX file contains no transactions: "
                            + ("its statements are" if len(statements) > 1 else "its statement is") + " empty.")
    if len(with_transactions) > 1:
        ids = ", ".join(_find(response, "ACCTID") or "?" for response, _ in with_transactions)
        raise ImportRefused(f"This OFX file holds statements for {len(with_transactions)} accounts ({ids}); "
                            "download one account at a time.")
    return with_transactions[0]


def _line_numbers(text: str, root: ET.Element, transactions: list[ET.Element]) -> list[int]:
    """The file line of each of the statement's transactions, in order; [] when they cannot be matched up."""
    lines, line, position = [], 1, 0
    for match in _STMTTRN_START.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    everyone = list(root.iter("STMTTRN"))
    if len(lines) != len(everyone):
        return []
    offset = everyone.index(transactions[0])
    return lines[offset:offset + len(transactions)]


def _transaction_row(element: ET.Element, *, index: int, line: int, currency: str
                     ) -> tuple[ImportRow | None, list[RowError]]:
    """One STMTTRN as a row, or the errors (each naming its tag) that keep it out."""
    direct = {child.tag: cell_text(child.text) for child in element}

    def value(tag: str) -> str:
        return direct.get(tag) or _find(element, tag)

    fitid = value("FITID")
    label = f"Transaction {index + 1}" + (f" (FITID {fitid})" if fitid else "")
    problems = []
    try:
        on = _ofx_date(value("DTPOSTED"))
    except ValueError as error:
        problems.append(RowError(line, "DTPOSTED", f"{label}: the posting date {error}."))
    try:
        amount = _ofx_amount(value("TRNAMT"))
    except ValueError as error:
        problems.append(RowError(line, "TRNAMT", f"{label}: the amount {error}."))
    if problems:
        return None, problems
    name, memo = value("NAME"), value("MEMO")
    own_currency = _find(element, "CURSYM").upper()[:3] if element.find("CURRENCY") is not None else ""
    return ImportRow(
        date=on, amount=amount, description=_description(name, memo) or value("TRNTYPE"),
        merchant=name if memo and memo != name else "", currency=own_currency or currency,
        external_id=fitid, row_number=line,
    ), []
