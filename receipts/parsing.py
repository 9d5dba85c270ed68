"""Reading a receipt's OCR text: merchant, date, total, tax, currency and line items.

Pure functions of the text (and `today`, so a date in the future is never taken): no database, no OCR.
Every figure is a `Decimal`; each field carries a confidence in [0, 1] that the review page can show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rapidfuzz import fuzz, process

MONTHS = {
    "jan": 1, "januar": 1, "january": 1, "jänner": 1, "janner": 1,
    "feb": 2, "februar": 2, "february": 2, "feber": 2,
    "mar": 3, "mär": 3, "mrz": 3, "märz": 3, "maerz": 3, "marz": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5, "mai": 5,
    "jun": 6, "june": 6, "juni": 6,
    "jul": 7, "july": 7, "juli": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "okt": 10, "october": 10, "oktober": 10,
    "nov": 11, "november": 11,
    "dec": 12, "dez": 12, "december": 12, "dezember": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d.,])(?P<d>\d{1,2})\s?[/.\-]\s?(?P<m>\d{1,2})\s?[/.\-]\s?(?P<y>\d{4}|\d{2})(?![\d,]|\.\d)"),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s.\-/]*" + _MONTH + r"[a-zä]*[\s.\-/,]*(?P<y>(?:19|20)?\d{2})(?!\d)",
        re.I,
    ),
    re.compile(
        r"(?<![a-z])" + _MONTH + r"[a-zä]*[\s.\-]*(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s*(?P<y>(?:19|20)\d{2})(?!\d)", re.I
    ),
]
# A date on such a line is when to pay, when a voucher expires or a product's best-before: not the purchase.
_NOT_PURCHASE_DATE = re.compile(
    r"\b(due|pay\s*by|payable\s*by|expir\w*|valid\w*|best\s*before|use\s*by|f[äa]llig\w*|zahlbar|g[üu]ltig\w*|mhd)\b",
    re.I,
)
_DATE_LABEL = re.compile(r"\b(date|datum|dated|bizdate|dd)\b", re.I)

_AMOUNT = re.compile(
    r"(?<![\d.,])(?P<sign>-\s?)?(?:RM|EUR|€|\$|£|CHF)?\s?"
    r"(?P<num>\d{1,3}(?:[.,' ]\d{3})+[.,]\d{2}|\d+[.,]\d{2})(?![\d%]|[.,]\d)(?P<trail>-)?"
)
_PERCENT = re.compile(r"@?\s*\d+(?:[.,]\d+)?\s*%")

_TOTAL_WORDS = (
    r"grand\s*total|total|amount\s*due|balance\s*due|summe|gesamt\w*|zu\s*zahlen|totaal|montant|"
    r"betrag|payable|nett?\s*amount|endbetrag"
)
_TOTAL = re.compile(r"\b(" + _TOTAL_WORDS + r")\b", re.I)
# What people pay: after rounding, after tax, "amount due".
_TOTAL_PAID = re.compile(
    r"\b(grand\s*total|rounded|after\s*adj\w*|nett?\s*total|total\s*payable|payable|amount\s*due|balance\s*due|"
    r"total\s*due|zu\s*zahlen|endbetrag|total\s*\(?rm\)?|total\s*incl\w*|total\s*with)\b",
    re.I,
)
_NOT_TOTAL = re.compile(
    r"\b(sub[\s\-]*total|zwischensumme|zw\.?\s*summe|excl?\w*|ex\)|netto|"
    r"total\s*(qty|quantity|items?|stück|pcs|saving\w*|discount\w*|stamps?|points?)|"
    r"qty|quantity|items?|change|wechselgeld|r[üu]ckgeld|tendered|gegeben|"
    r"round(ing)?\s*(amt|adj\w*)?\s*[:(]|round(ing)?\s*amt|total\s*\d+\s*%|"
    r"total\s*(gst|tax|vat|mwst|ust)\b(?!\s*incl))",
    re.I,
)
_TAX = re.compile(r"\b(gst|vat|mwst|m\.?w\.?st|ust|tax|steuer|sst|tva|btw)\b", re.I)
_TAX_NOT_AMOUNT = re.compile(r"\b(id|no|reg\w*|number|nr|summary|code)\b\.?\s*[:#.]?", re.I)
_TAX_TABLE = re.compile(r"\b(gst|tax|vat|mwst|steuer)\s*(summary|analysis|übersicht)\b|\bsummary\b", re.I)
_PAYMENT = re.compile(
    r"\b(cash|bar|tendered|gegeben|change|wechselgeld|r[üu]ckgeld|visa|master\w*|card|karte|ec|girocard|"
    r"payment|paid|bezahlt)\b",
    re.I,
)
_DISCOUNT = re.compile(
    r"\b(discount|disc|rabatt|nachlass|saving|coupon|voucher|promo|aktion\w*|preisvorteil|less)\b", re.I
)
_DEPOSIT_RETURN = re.compile(r"leergut|pfand\s*-?\s*(r[üu]ck\w*|retour\w*)|bottle\s*return|deposit\s*return", re.I)

_CURRENCIES = [
    (re.compile(r"\bMYR\b|\bRM\s?\d|\(RM\)|\bRM\b"), "MYR"),
    (re.compile(r"€|\bEUR\b|\bEURO\b", re.I), "EUR"),
    (re.compile(r"£|\bGBP\b"), "GBP"),
    (re.compile(r"\bCHF\b|\bSFr\b|\bFr\.\s?\d"), "CHF"),
    (re.compile(r"\bS\$|\bSGD\b"), "SGD"),
    (re.compile(r"\bA\$|\bAUD\b"), "AUD"),
    (re.compile(r"\bC\$|\bCAD\b"), "CAD"),
    (re.compile(r"\bUS\$|\bUSD\b"), "USD"),
    (re.compile(r"¥|\bJPY\b"), "JPY"),
    (re.compile(r"₹|\bINR\b|\bRs\.?\s?\d"), "INR"),
    (re.compile(r"\bzł|\bPLN\b"), "PLN"),
    (re.compile(r"\bSEK\b|\bDKK\b|\bNOK\b"), ""),  # named below by the code itself
]
_DOLLAR_CURRENCIES = {"USD", "AUD", "CAD", "SGD", "NZD", "HKD"}

_COMPANY_SUFFIX = re.compile(
    r"\b(s[do0]n\.?\s*b[hn]d|bhd|berhad|gmbh|ltd|limited|inc|llc|plc|ag|kg|ohg|e\.?\s?k|co\.|corp\w*|"
    r"enterprise|trading|restaurant|store|stores|supermarket|mart|market|cafe|café|bakery|bakeries|"
    r"pharmacy|apotheke|markt|bäckerei|hardware|stationery|cash\s*&\s*carry)\b",
    re.I,
)
_NOT_MERCHANT = re.compile(
    r"\b(tel|fax|phone|telefon|email|e-mail|www|http|gst|vat|ust|mwst|reg|roc|co\.?\s*no|company\s*no|br\s*no|"
    r"invoice|receipt|rechnung|beleg|quittung|bon|kassenbon|copy|kopie|welcome|willkommen|date|datum|"
    r"jalan|jln|lot|no\.|straße|strasse|str\.|road|rd\.|street|st\.|avenue|taman|plaza|floor|flr|"
    r"kasse|cashier|table|tisch|order|thank|danke|steuer\w*|uid|hours)\b|@|\d{5}",
    re.I,
)
_REGISTRATION = re.compile(r"\(\s*[\w\s.:\-]*\d[\w\s.:\-]*\)")


@dataclass
class Field:
    value: Any
    confidence: float


@dataclass
class Item:
    description: str
    quantity: Decimal
    amount: Decimal


@dataclass
class ParsedReceipt:
    merchant: Field
    date: Field
    total: Field
    tax: Field
    currency: Field
    items: list[Item] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, date):
                return value.isoformat()
            return value

        fields = {
            name: {"value": plain(getattr(self, name).value), "confidence": round(getattr(self, name).confidence, 2)}
            for name in ("merchant", "date", "total", "tax", "currency")
        }
        return {
            **fields,
            "items": [
                {"description": item.description, "quantity": str(item.quantity), "amount": str(item.amount)}
                for item in self.items
            ],
        }


def receipt_parse(
    text: str,
    *,
    today: date,
    header: str = "",
    known_merchants: Sequence[str] = (),
    default_currency: str = "EUR",
) -> ParsedReceipt:
    """`header` is the top of the receipt read a second time, enlarged (see receipts.ocr): the name from it wins
    unless the whole-receipt read is clearly surer."""
    lines = _lines(text)
    merchant = merchant_find(lines, known_merchants=known_merchants)
    if header:
        from_header = merchant_find(_lines(header), known_merchants=known_merchants)
        # The enlarged read is the better one of the same line unless it is clearly less sure (a scrap).
        if from_header.value and from_header.confidence >= merchant.confidence - 0.1:
            merchant = from_header
    currency = currency_find(lines, default_currency=default_currency)
    items = items_find(lines)
    tax = tax_find(lines)
    return ParsedReceipt(
        merchant=merchant,
        date=date_find(lines, today=today, day_first=currency.value != "USD"),
        total=total_find(lines, items=items, tax=tax.value),
        tax=tax,
        currency=currency,
        items=items,
    )


def _lines(text: str) -> list[str]:
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def amount_parse(text: str) -> Decimal | None:
    """'1.234,56' and '1,234.56' are both 1234.56: the last separator before two digits is the decimal point."""
    digits = re.sub(r"[^\d.,]", "", text)
    if len(digits) < 4 or digits[-3] not in ".,":
        return None
    whole = re.sub(r"[.,]", "", digits[:-3])
    try:
        return Decimal(f"{whole or '0'}.{digits[-2:]}")
    except InvalidOperation:
        return None


def amounts_in(line: str) -> list[Decimal]:
    """Money amounts on a line (two decimals; '-' before or after makes it negative); rates like 6.00% are not."""
    values = []
    for match in _AMOUNT.finditer(_PERCENT.sub(" ", line)):
        value = amount_parse(match["num"])
        if value is None:
            continue
        values.append(-value if match["sign"] or match["trail"] else value)
    return values


def _date_from(match: re.Match[str], *, day_first: bool) -> date | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if year < 100:
        year += 2000
    elif year < 1900:
        return None
    if groups.get("mon"):
        month = MONTHS[groups["mon"].lower()]
        day = int(groups["d"])
    elif match.re is _DATE_PATTERNS[0]:
        day, month = int(groups["d"]), int(groups["m"])
    else:
        first, second = int(groups["d"]), int(groups["m"])
        day, month = (first, second) if day_first else (second, first)
        if month > 12 >= day:
            day, month = month, day
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Digits OCR takes for one another on thermal print; a year read as 2078 or 2918 was most likely 2018.
_DIGIT_CONFUSIONS = {"0": "689", "1": "7", "3": "8", "5": "6", "6": "058", "7": "1", "8": "0369", "9": "08"}


def _year_repaired(found: date, *, today: date) -> date | None:
    """The one recent year a single misread digit turns an impossible (future) year into, if there is one."""
    year = str(found.year)
    options = set()
    for position in (1, 2, 3):
        for digit in _DIGIT_CONFUSIONS.get(year[position], ""):
            candidate = int(year[:position] + digit + year[position + 1 :])
            if today.year - 10 <= candidate <= today.year:
                try:
                    repaired = found.replace(year=candidate)
                except ValueError:
                    continue
                if repaired <= today:
                    options.add(repaired)
    return options.pop() if len(options) == 1 else None


def date_find(lines: Sequence[str], *, today: date, day_first: bool = True) -> Field:
    """The purchase date: the topmost date that is not a due, expiry or best-before date, nor in the future.
    A future year one misread digit away from a recent one is taken only when no date reads cleanly."""
    candidates: list[tuple[int, int, date, bool]] = []
    for index, line in enumerate(lines):
        not_purchase = bool(_NOT_PURCHASE_DATE.search(line))
        for pattern in _DATE_PATTERNS:
            for match in pattern.finditer(line):
                found = _date_from(match, day_first=day_first)
                kind = 2 if not_purchase else 0
                if found is not None and found > today and not not_purchase:
                    found, kind = _year_repaired(found, today=today), 1
                if found is None or found > today or found.year < today.year - 30:
                    continue
                candidates.append((kind, index, found, bool(_DATE_LABEL.search(line))))
    if not candidates:
        return Field(None, 0.0)
    kind, _, found, labelled = min(candidates, key=lambda c: (c[0], c[1]))
    confidence = {0: 0.9 if labelled else 0.75, 1: 0.45, 2: 0.4}[kind]
    return Field(found, confidence)


def currency_find(lines: Sequence[str], *, default_currency: str) -> Field:
    text = "\n".join(lines)
    counts: dict[str, int] = {}
    for pattern, code in _CURRENCIES:
        for match in pattern.finditer(text):
            name = code or match.group(0).upper()
            counts[name] = counts.get(name, 0) + 1
    dollars = len(re.findall(r"(?<![A-Z])\$", text)) - sum(counts.get(c, 0) for c in ("SGD", "AUD", "CAD", "USD"))
    if dollars > 0:
        dollar = default_currency if default_currency in _DOLLAR_CURRENCIES else "USD"
        counts[dollar] = counts.get(dollar, 0) + dollars
    if not counts:
        return Field(default_currency, 0.3)
    best = max(counts, key=lambda code: counts[code])
    return Field(best, 0.9 if counts[best] > 1 else 0.7)


_LEGAL_FORMS = [
    # After "SDN", a short word from B to D is BHD read badly: "SDN'BHD", "SDN BELD", "SON BILD".
    (re.compile(r"\bS[DO0]N[.,'’`]?\s*B[A-Z]{0,2}D\b\.?", re.I), "SDN BHD"),
    (re.compile(r"\bGMB[HN]\b|\bGmbI-I\b", re.I), "GmbH"),
]


# OCR reads a letter as the digit that looks like it: "0JC", "W1LLY". In a word of letters, it is the letter.
_DIGIT_AS_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B"})


def _digit_repaired(word: str) -> str:
    letters = sum(ch.isalpha() for ch in word)
    digits = sum(ch.isdigit() for ch in word)
    if letters < 2 or not digits or digits * 2 > letters or any(ch.isdigit() and ch not in "0158" for ch in word):
        return word
    repaired = word.translate(_DIGIT_AS_LETTER)
    return repaired if word.isupper() or word[:1].isdigit() else repaired.lower()


def _merchant_clean(line: str) -> str:
    line = _REGISTRATION.sub(" ", line)
    line = re.sub(r"^[\W_]+|[^\w.)]+$", "", line)
    words = [_digit_repaired(word) for word in line.split()]
    # A name printed in capitals that ends in a lower-case scrap ("YONG CEN ENTERPRISE hid"): the scrap is a
    # neighbouring mark read as letters.
    if len(words) >= 3 and all(word.isupper() for word in words[:2]):
        while len(words) > 2 and not any(ch.isupper() for ch in words[-1]):
            words.pop()
        while len(words) > 2 and len(words[-1]) <= 4 and not words[-1].isupper() and words[-1][:1].isupper():
            words.pop()
    line = " ".join(words)
    for pattern, canonical in _LEGAL_FORMS:
        if canonical.isupper() == line.isupper() or canonical == "SDN BHD":
            line = pattern.sub(canonical, line)
    return line.strip()


def merchant_find(lines: Sequence[str], *, known_merchants: Sequence[str] = ()) -> Field:
    """The shop's name among the top lines: a known merchant when one is close, else a company-like name."""
    joined: list[str] = []
    for line in lines[:10]:
        # "THE COFFEE BEAN" / "& TEA LEAF (M) SDN. BHD." is one name on two lines.
        if joined and (line.startswith("&") or joined[-1].endswith("&")):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    joined = [_merchant_clean(line) for line in joined]
    if known_merchants:
        match = process.extractOne(
            " ".join(joined[:6]).upper(),
            [name.upper() for name in known_merchants],
            scorer=fuzz.partial_token_set_ratio,
        )
        if match is not None and match[1] >= 90:
            return Field(known_merchants[match[2]], round(match[1] / 100, 2))
    best: tuple[float, str] | None = None
    for index, line in enumerate(joined[:8]):
        letters = sum(ch.isalpha() for ch in line)
        if letters < 3 or letters < 0.5 * len(line.replace(" ", "")):
            continue
        score = 1.0 - index * 0.08
        if _COMPANY_SUFFIX.search(line):
            score += 0.6
        if _NOT_MERCHANT.search(line):
            score -= 0.8
        if " " not in line and line.islower():
            score -= 0.5  # one lower-case word alone on top is usually a logo read as letters
        if best is None or score > best[0]:
            best = (score, line)
    if best is None:
        return Field("", 0.0)
    return Field(best[1], max(0.1, min(0.95, best[0] * 0.6)))


def tax_find(lines: Sequence[str]) -> Field:
    """The tax paid: the first line naming GST, VAT, MwSt or USt with an amount (a table's total comes later)."""
    for line in lines:
        if not _TAX.search(line) or re.search(r"\bexcl\w*|\(ex", line, re.I):
            continue
        total = _TOTAL.search(line)
        tax_word = _TAX.search(line)
        if total and tax_word and total.start() < tax_word.start() and re.search(r"incl|inc\.|with|inklu", line, re.I):
            continue  # "TOTAL INCL GST 81.00" is the total, not the tax
        values = [v for v in amounts_in(_TAX_NOT_AMOUNT.sub(" ", line)) if v >= 0]
        if values:
            return Field(values[-1], 0.7)
    return Field(None, 0.0)


def _total_candidates(lines: Sequence[str]) -> list[tuple[float, int, Decimal]]:
    candidates = []
    in_tax_table = False
    for index, line in enumerate(lines):
        if _TAX_TABLE.search(line):
            in_tax_table = True
        if not _TOTAL.search(line) or _NOT_TOTAL.search(line):
            continue
        tax_word, total_word = _TAX.search(line), _TOTAL.search(line)
        if tax_word and total_word and tax_word.start() < total_word.start():
            continue  # "GST @6% INCLUDED IN TOTAL 0.24"
        values = amounts_in(line)
        if not values and index + 1 < len(lines) and not re.search(r"[a-z]{3}", lines[index + 1], re.I):
            values = amounts_in(lines[index + 1])  # the label and its figure read as two lines
        values = [v for v in values if v > 0]
        if not values:
            continue
        rank = 3.0 if _TOTAL_PAID.search(line) else 2.0
        if len(values) > 1 or in_tax_table:
            rank -= 1.5  # a summary table's row: net and tax side by side
        candidates.append((rank, index, values[-1]))
    return candidates


_TENDERED = re.compile(
    r"\b(cash(?!\s*&)|tendered|cash\s*received|customer'?s\s*payment|bar|gegeben|given)\b", re.I
)
_CHANGE = re.compile(r"\b(change|wechselgeld|r[üu]ckgeld)\b", re.I)
_ROUNDING = re.compile(r"\bround(ing)?\b|\brundung\b", re.I)
# Two figures that should be equal may differ by a rounding to 5 cents.
_AGREE = Decimal("0.05")


def _labelled_amount(lines: Sequence[str], label: re.Pattern[str]) -> Decimal | None:
    """The figure on the first line (from the middle down) with this label, or on the line below it."""
    for index in range(len(lines) // 3, len(lines)):
        if not label.search(lines[index]):
            continue
        values = amounts_in(lines[index])
        if not values and index + 1 < len(lines) and not re.search(r"[a-z]{3}", lines[index + 1], re.I):
            values = amounts_in(lines[index + 1])
        if values:
            return values[-1]
    return None


def _paid_from_payment(lines: Sequence[str]) -> Decimal | None:
    """Cash handed over less the change given back: what the receipt cost, read from two other lines."""
    tendered, change = _labelled_amount(lines, _TENDERED), _labelled_amount(lines, _CHANGE)
    if tendered is None or change is None or not tendered > change >= 0:
        return None
    return tendered - change


def total_find(lines: Sequence[str], *, items: Sequence[Item] = (), tax: Decimal | None = None) -> Field:
    """What was paid: a TOTAL/SUMME/AMOUNT DUE line (the rounded, tax-inclusive one first), checked against the
    items, the subtotal with tax and rounding, and cash less change. When no total line agrees with any of them
    but two of them agree with each other (a total line smudged or misread), that figure is the total; else
    the largest amount in the lower half that is not a payment or change line, or one of them that agrees."""
    candidates = _total_candidates(lines)
    items_sum = sum((item.amount for item in items), Decimal(0))
    subtotals = [
        values[-1]
        for line in lines
        if re.search(r"sub[\s\-]*total|zwischensumme", line, re.I) and (values := amounts_in(line))
    ]
    # Most complete first: a subtotal with tax and rounding is nearer what was paid than the bare subtotal.
    rounding = _labelled_amount(lines, _ROUNDING) or Decimal(0)
    tax_paid = tax or Decimal(0)
    built = [value + extra for extra in (tax_paid + rounding, tax_paid, rounding, Decimal(0)) for value in subtotals]
    paid = _paid_from_payment(lines)
    # Independent readings of the same figure: the items, the subtotal (with tax, rounding), the payment.
    sources = [[items_sum, items_sum + tax_paid], built, [paid] if paid is not None else []]

    def support(value: Decimal) -> int:
        return sum(any(check > 0 and abs(value - check) <= _AGREE for check in source) for source in sources)

    if candidates:

        def score(candidate: tuple[float, int, Decimal]) -> tuple[float, int]:
            rank, index, value = candidate
            return (rank + (1.0 if support(value) else 0.0), -index if rank < 2 else index)

        rank, index, value = max(candidates, key=score)
        if support(value):
            return Field(value, min(0.95, 0.7 + rank * 0.1))
        confirmed = _confirmed_elsewhere(sources, support)
        if confirmed is not None:
            return Field(confirmed, 0.6)
        return Field(value, min(0.95, 0.5 + rank * 0.1))
    confirmed = _confirmed_elsewhere(sources, support)
    if confirmed is not None:
        return Field(confirmed, 0.6)
    if paid is not None:
        return Field(paid, 0.45)
    lower = [
        value
        for line in lines[len(lines) // 2 :]
        if not _PAYMENT.search(line) and not _TAX.search(line)
        for value in amounts_in(line)
        if value > 0
    ]
    if lower:
        # The largest, unless a smaller one is confirmed by the items or the subtotal (the larger is then cash).
        best = max(lower, key=lambda value: (support(value) > 0, value))
        return Field(best, 0.5 if support(best) else 0.35)
    return Field(None, 0.0)


def _confirmed_elsewhere(sources: list[list[Decimal]], support: Any) -> Decimal | None:
    """A figure that two independent readings give (items and payment, subtotal and payment ...): the payment's
    own figure first, as it is what left the wallet."""
    for source in reversed(sources):
        for value in source:
            if value > 0 and support(value) >= 2:
                return value
    return None


_ITEM_STOP = re.compile(
    r"\b(total|sub[\s\-]*total|summe|gesamt|zu zahlen|zwischensumme|amount due|balance|totaal|montant)\b", re.I
)
_ITEM_SKIP = re.compile(
    r"\b(tel|fax|date|datum|time|zeit|invoice|receipt|rechnung|cashier|kasse|table|gst\s*(no|id|reg)|"
    r"change|cash|tendered|rounding|description|beschreibung|artikel\s*preis)\b|\b(tot\w*\s*)?qty\s*[:.]|@\s*\d+\s*%",
    re.I,
)
_QUANTITY_FIRST = re.compile(r"^(?P<q>\d{1,3})\s*[xX×*]\s+(?P<rest>.+)$")
_QUANTITY_TIMES_PRICE = re.compile(r"(?<![\d.,])(?P<q>\d{1,3}(?:[.,]\d{1,3})?)\s*[xX×*]\s*(?P<p>\d+[.,]\d{2})")


def items_find(lines: Sequence[str]) -> list[Item]:
    """Priced lines above the first total: description, quantity ('2 x 1,50', '2x ...', 'qty price amount'),
    amount; discounts and returned deposits (Leergut, Pfand-Rückgabe) are negative."""
    items: list[Item] = []
    previous_text = ""
    for line in lines:
        if _ITEM_STOP.search(line) and not _DISCOUNT.search(line):
            if items:
                break
            previous_text = ""
            continue
        values = amounts_in(line)
        letters_part = re.sub(r"[\d.,\-*xX×@%:]+", " ", _AMOUNT.sub(" ", line)).strip()
        if not values or _ITEM_SKIP.search(line):
            previous_text = line if not values and len(re.findall(r"[A-Za-zÄÖÜäöüß]", line)) >= 3 else ""
            continue
        quantity = Decimal(1)
        description = line
        times = _QUANTITY_TIMES_PRICE.search(line)
        if times:
            quantity = Decimal(times["q"].replace(",", "."))
            description = line[: times.start()] + line[times.end() :]
        elif first := _QUANTITY_FIRST.match(line):
            quantity = Decimal(first["q"])
            description = first["rest"]
        elif len(values) >= 2:
            # "1 193.00 193.00": a whole number before the unit price is the quantity.
            column = re.search(r"(?<![\d.,])(\d{1,3})\s+(?:RM\s?)?\d+[.,]\d{2}\b", line)
            if column and values[-1] != 0:
                quantity = Decimal(column.group(1))
        description = re.sub(r"\s+", " ", re.sub(r"(?<!\S)[-\d.,*xX×@%:]+(?!\S)", " ", _AMOUNT.sub(" ", description)))
        # A tax code or the currency printed after the price is not part of the name: "Milch EUR", "CABLE SR".
        description = re.sub(r"(\b(SR|ZR|[AB12]|EUR|RM|CHF|USD|GBP)|[€$£])$", "", description.strip()).strip(" -:*")
        if len(re.findall(r"[A-Za-zÄÖÜäöüß]", letters_part)) < 3 and previous_text:
            description = _merchant_clean(previous_text)
        if len(re.findall(r"[A-Za-zÄÖÜäöüß]", description)) < 2:
            previous_text = ""
            continue
        amount = values[-1]
        if (_DISCOUNT.search(line) or _DEPOSIT_RETURN.search(line)) and amount > 0:
            amount = -amount
        items.append(Item(description=description, quantity=quantity, amount=amount))
        previous_text = ""
    return items
