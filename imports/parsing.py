"""Reading the cells of bank exports: dates, amounts, debit/credit markers and header names in several languages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Iterable

from core.dates import date_problem

CENT = Decimal("0.01")
# The model stores 14 digits with 2 decimals.
AMOUNT_LIMIT = Decimal("1e12")


# --- text -----------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def cell_text(value: Any) -> str:
    """A cell as the user reads it, without control characters (PostgreSQL refuses NUL in text)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return text.strip()


def normalise_header(text: Any) -> str:
    """'Date de l'opération' -> 'date de l operation'; 'Betrag (EUR)' -> 'betrag eur'."""
    text = unicodedata.normalize("NFKD", cell_text(text).replace("\ufeff", "")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("ß", "ss")
    return " ".join(re.findall(r"[a-z0-9]+", text))


# --- dates ----------------------------------------------------------------------------------------

MONTHS = {
    # English, German, French, Dutch, Spanish, Italian, Portuguese abbreviations and names
    "jan": 1, "january": 1, "januar": 1, "janv": 1, "janvier": 1, "januari": 1, "ene": 1, "enero": 1,
    "gen": 1, "gennaio": 1, "janeiro": 1, "jän": 1, "jaen": 1, "janner": 1,
    "feb": 2, "february": 2, "februar": 2, "fev": 2, "fevr": 2, "fevrier": 2, "februari": 2, "febrero": 2,
    "febbraio": 2, "fevereiro": 2,
    "mar": 3, "march": 3, "marz": 3, "maerz": 3, "mrz": 3, "mars": 3, "maart": 3, "mrt": 3, "marzo": 3,
    "marco": 3,
    "apr": 4, "april": 4, "avr": 4, "avril": 4, "abr": 4, "abril": 4, "aprile": 4,
    "may": 5, "mai": 5, "mei": 5, "mayo": 5, "mag": 5, "maggio": 5, "maio": 5,
    "jun": 6, "june": 6, "juni": 6, "juin": 6, "junio": 6, "giu": 6, "giugno": 6, "junho": 6,
    "jul": 7, "july": 7, "juli": 7, "juil": 7, "juillet": 7, "julio": 7, "lug": 7, "luglio": 7, "julho": 7,
    "aug": 8, "august": 8, "aout": 8, "augustus": 8, "ago": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9, "septiembre": 9, "set": 9, "settembre": 9,
    "setembro": 9,
    "oct": 10, "october": 10, "okt": 10, "oktober": 10, "octobre": 10, "octubre": 10, "ott": 10,
    "ottobre": 10, "out": 10, "outubro": 10,
    "nov": 11, "november": 11, "novembre": 11, "noviembre": 11, "novembro": 11,
    "dec": 12, "december": 12, "dez": 12, "dezember": 12, "decembre": 12, "dic": 12, "diciembre": 12,
    "dicembre": 12, "dezembro": 12,
}

_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\.?(?:[ T].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{6})?(?:\.\d+)?(?:\[.*\])?")
_NUMERIC = re.compile(r"(\d{1,2})([-/. ])(\d{1,2})\2(\d{4}|\d{2})\.?(?:\s+\d{1,2}:\d{2}.*)?")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\.?[-/ ]([^\W\d_]{3,9})\.?[-/ ,]+(\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}.*)?")
_MONTH_NAME_DAY = re.compile(r"([^\W\d_]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")
# A cell that is clearly meant as a date even if it is not a valid one ("31.02.2018", "2018-13-01").
_DATE_SHAPED = re.compile(r"(?:\d{1,4}[-/. ]\d{1,2}[-/. ]\d{1,4}\.?|\d{8}|"
                          r"\d{1,2}\.?[-/ ][^\W\d_]{3,9}\.?[-/ ,]+\d{2,4}|"
                          r"[^\W\d_]{3,9}\.? \d{1,2},? \d{4})(?:[ T]\d{1,2}:\d{2}.*)?")

PENDING_WORDS = {"pending", "vorgemerkt", "ausstehend", "in behandeling", "en attente", "en cours", "pendiente",
                 "in sospeso", "pendente", "processing", "authorised", "authorized", "reserviert", "offen"}


class BadValue(ValueError):
    pass


def looks_like_date(text: str) -> bool:
    return bool(_DATE_SHAPED.fullmatch(text.strip()))


def _year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: the nearest century that does not put the date far in the future.
        year += 2000 if year <= (today.year % 100) + 5 else 1900
    return year


def _month_number(name: str) -> int | None:
    return MONTHS.get(normalise_header(name).replace(" ", ""))


def date_parts(text: str) -> tuple[str, int, int, str] | None:
    """(kind, a, b, year digits): kind 'ymd' (a=month, b=day), 'ab' (day/month order undecided) or 'named'
    (a=day, b=month)."""
    if m := _YMD.fullmatch(text):
        return "ymd", int(m[2]), int(m[3]), m[1]
    if m := _COMPACT.fullmatch(text):
        return "ymd", int(m[2]), int(m[3]), m[1]
    if m := _NUMERIC.fullmatch(text):
        return "ab", int(m[1]), int(m[3]), m[4]
    if m := _DAY_MONTH_NAME.fullmatch(text):
        month = _month_number(m[2])
        if month:
            return "named", int(m[1]), month, m[3]
    if m := _MONTH_NAME_DAY.fullmatch(text):
        month = _month_number(m[1])
        if month:
            return "named", int(m[2]), month, m[3]
    return None


def parse_date(value: Any, order: str, *, today: date) -> date:
    """A cell as a date; ``order`` ('dmy' or 'mdy') settles 01/02/2024. Raises BadValue with a user message."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        raise BadValue("The date is missing.")
    parts = date_parts(text)
    if parts is None:
        raise BadValue(f"{text!r} is not a date.")
    kind, a, b, year_digits = parts
    year = _year(year_digits, today)
    if kind == "ymd":
        month, day = a, b
    elif kind == "named" or order != "mdy":
        day, month = a, b
    else:
        month, day = a, b
    try:
        result = date(year, month, day)
    except ValueError:
        raise BadValue(f"{text!r} is not a valid date.") from None
    if date_problem(result, today=today):
        raise BadValue(f"{text!r} is not a plausible transaction date.")
    return result


def infer_date_order(values: Iterable[Any]) -> tuple[str | None, bool]:
    """('dmy' | 'mdy' | None, decided) over a whole column: any first number above 12 means day-first.

    Dates written with dots (18.09.2017) are day-first by convention wherever dots are used. None with
    decided=True: no value needs an order (ISO dates, month names, typed dates).
    """
    day_first = month_first = ambiguous = dotted = 0
    for value in set(values):
        if isinstance(value, date):
            continue
        text = cell_text(value)
        parts = date_parts(text)
        if parts is None or parts[0] != "ab":
            continue
        _, a, b, _ = parts
        if a > 12 >= b:
            day_first += 1
        elif b > 12 >= a:
            month_first += 1
        elif a != b:
            ambiguous += 1
            dotted += "." in text
    if day_first or month_first:
        return ("dmy" if day_first >= month_first else "mdy"), True
    if ambiguous and dotted == ambiguous:
        return "dmy", True
    return (None, True) if not ambiguous else (None, False)


# --- amounts --------------------------------------------------------------------------------------

_CURRENCY_WORDS = re.compile(
    r"^(?:[A-Z]{3}|kč|kc|zł|zl|kr|ft|fr|sfr|lei|лв|руб|din)\.?(?=[\s\d(+\-−])|(?<=[\d\s)])(?:[A-Z]{3}|kč|kc|zł|zl|kr|"
    r"ft|fr|sfr|lei|лв|руб|din)\.?$",
    re.IGNORECASE,
)
_SYMBOLS = re.compile(r"[€$£¥₹₽₩₪₺₴₦฿₫]")
_SPACE_CHARS = re.compile(r"[\s\u00a0\u202f\u2009\u2007'’`´]")
_PLAIN = re.compile(r"[+-]?\d+(?:\.\d+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|[.,]\d+")


def _strip_amount(text: str) -> tuple[str, int]:
    """Remove currency marks and signs: ('1.234,56', -1)."""
    sign = 1
    text = _SYMBOLS.sub("", text).strip()
    text = _CURRENCY_WORDS.sub("", text).strip()
    upper = text.upper()
    if upper.endswith(("CR", "DR")) and len(text) > 2 and not upper[-3].isalpha():
        sign = 1 if upper.endswith("CR") else -1
        text = text[:-2]
    text = _SPACE_CHARS.sub("", text).replace("−", "-").replace("–", "-")
    text = _SYMBOLS.sub("", _CURRENCY_WORDS.sub("", text))
    if text.startswith("(") and text.endswith(")"):
        sign, text = -sign, text[1:-1]
    if text.endswith("-"):
        sign, text = -sign, text[:-1]
    elif text.endswith("+"):
        text = text[:-1]
    if text.startswith("-"):
        sign, text = -sign, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    # "-€12.50" and "€-12.50" both happen
    text = _SYMBOLS.sub("", text)
    if text.startswith("-"):
        sign, text = -sign, text[1:]
    return text, sign


def decimal_evidence(text: str) -> str | None:
    """Which character is the decimal separator in this one value, when the value shows it."""
    digits, _ = _strip_amount(text)
    if "." in digits and "," in digits:
        return "." if digits.rfind(".") > digits.rfind(",") else ","
    for sep in ".,":
        count = digits.count(sep)
        if count > 1:
            return "," if sep == "." else "."
        if count == 1:
            decimals = len(digits) - digits.index(sep) - 1
            if decimals != 3:
                return sep
    return None


def infer_decimal_separator(values: Iterable[Any]) -> tuple[str, bool]:
    """(separator, shown): the first value that shows it decides; '1,234' alone reads as a thousands separator."""
    fallback = None
    for value in values:
        if not isinstance(value, str) or not value:
            continue
        evidence = decimal_evidence(value)
        if evidence:
            return evidence, True
        if fallback is None:
            digits, _ = _strip_amount(value)
            if "," in digits:
                fallback = "."
            elif "." in digits:
                fallback = ","
    return fallback or ".", False


def parse_amount(value: Any, decimal_sep: str = ".") -> Decimal:
    """A cell as a signed Decimal rounded to cents. Raises BadValue with a user message."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(repr(value))
    else:
        text = cell_text(value)
        if not text:
            raise BadValue("The amount is missing.")
        if _PLAIN.fullmatch(text) and decimal_sep == ".":
            number = Decimal(text)
        else:
            digits, sign = _strip_amount(text)
            if not _NUMBER.fullmatch(digits or "x"):
                raise BadValue(f"{text!r} is not an amount.")
            thousands = "," if decimal_sep == "." else "."
            whole, _, fraction = digits.rpartition(decimal_sep) if decimal_sep in digits else (digits, "", "")
            if decimal_sep in whole or (fraction and not fraction.isdigit()):
                raise BadValue(f"{text!r} is not an amount with {decimal_sep!r} as the decimal separator.")
            groups = whole.split(thousands)
            if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
                raise BadValue(f"{text!r} is not an amount with {decimal_sep!r} as the decimal separator.")
            try:
                number = Decimal("".join(groups) + ("." + fraction if fraction else "") or "0") * sign
            except InvalidOperation:
                raise BadValue(f"{text!r} is not an amount.") from None
    if not number.is_finite():
        raise BadValue(f"{value!r} is not an amount.")
    try:
        number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise BadValue(f"{cell_text(value)!r} is too large.") from None
    if abs(number) >= AMOUNT_LIMIT:
        raise BadValue(f"{cell_text(value)!r} is too large.")
    return number


def looks_like_amount(value: Any) -> bool:
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return True
    text = cell_text(value)
    if not text or len(text) > 30:
        return False
    digits, _ = _strip_amount(text)
    return bool(_NUMBER.fullmatch(digits or "x"))


# --- debit/credit markers -------------------------------------------------------------------------

FLAG_CREDIT = {"c", "cr", "credit", "bij", "h", "haben", "k", "kredit", "credito", "in", "inflow", "i", "+",
               "bevetel", "gutschrift", "deposit", "income", "incoming", "received"}
FLAG_DEBIT = {"d", "dr", "debit", "debet", "af", "s", "soll", "out", "outflow", "o", "-", "kiadas",
              "lastschrift", "withdrawal", "belastung", "outgoing", "paid", "debito"}


def flag_token(value: Any) -> str:
    text = cell_text(value)
    return normalise_header(text) or text.strip()


def is_flag_column(values: list[Any]) -> bool:
    """Every non-empty value is a debit/credit marker (at most three kinds), and there is at least one."""
    tokens = {flag_token(v) for v in values} - {""}
    return bool(tokens) and len(tokens) <= 3 and tokens <= FLAG_CREDIT | FLAG_DEBIT


# --- header names ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Synonym:
    phrase: str
    weight: int


def _s(weight: int, *phrases: str) -> list[Synonym]:
    return [Synonym(p, weight) for p in phrases]


HEADER_SYNONYMS: dict[str, list[Synonym]] = {
    "date": [
        *_s(100, "date", "datum", "buchungstag", "buchungsdatum", "transaction date", "posting date", "booking date",
            "date processed", "fecha", "fecha operacion", "fecha de operacion", "data", "data operacao",
            "data operazione", "data contabile", "date operation", "date de l operation", "date de operation",
            "transactiedatum", "boekdatum", "boekingsdatum", "datum verrichting", "uitvoeringsdatum",
            "tranzakcio datuma", "datum provedeni", "datum zauctovani", "dato", "bokforingsdag", "bokforingsdatum",
            "transaktionsdatum", "completed date", "started date", "trans date", "posted date", "post date",
            "created", "date posted", "datum transakce", "kuupaev", "data transakcji", "data ksiegowania"),
        *_s(60, "belegdatum", "execution date", "datum verrekening", "date de valeur", "fecha valor", "valuta",
            "valutadatum", "wertstellung", "value date", "rentedatum", "ertek nap", "ertek", "datum valuty"),
    ],
    "amount": [
        *_s(100, "amount", "betrag", "bedrag", "importe", "montant", "umsatz", "castka", "zauctovana castka",
            "kwota", "belopp", "belop", "summa", "osszeg", "tranzakcio osszege", "valor", "importo",
            "transaction amount",
            "buchungsbetrag", "bedrag in eur", "betrag in eur", "amount in eur", "montant eur", "inflow",
            "transaction value", "bedrag eur", "castka czk", "amount czk", "suma", "iznos", "summe", "netto"),
    ],
    "debit": [
        *_s(100, "debit", "debet", "soll", "withdrawal", "withdrawals", "paid out", "money out", "outflow",
            "uitgaven", "ausgang", "ausgabe", "belastung", "cargo", "cargos", "debito", "retrait", "retraits",
            "debits", "debit amount", "kiadas", "vydaj", "outgoing", "afschrijving", "spent", "out"),
    ],
    "credit": [
        *_s(100, "credit", "kredit", "haben", "deposit", "deposits", "paid in", "money in", "ontvangsten",
            "eingang", "gutschrift", "abono", "abonos", "credito", "credits", "credit amount", "bevetel", "prijem",
            "incoming", "bijschrijving", "received", "in"),
    ],
    "flag": [
        *_s(100, "d c", "dc", "d k", "dk", "c d", "cd", "cr dr", "dr cr", "debit credit", "credit debit", "af bij",
            "bij af", "s h", "soll haben", "debit credit indicator", "credit debit indicator", "bevetel kiadas",
            "inflow outflow", "kredit debet", "debet kredit", "cdflag", "sign", "indicator", "in out", "h s"),
    ],
    "description": [
        *_s(100, "description", "beschreibung", "verwendungszweck", "omschrijving", "mededelingen", "libelle",
            "libelle operation", "libelle de l operation", "concepto", "descripcion", "details", "detail", "memo",
            "narrative", "transaction description", "transaktionsbeschreibung", "popis", "zprava",
            "zprava pro prijemce", "kozlemeny", "transaction details", "particulars", "remarks", "purpose",
            "omschrijving 1", "omschrijving 2", "omschrijving 3", "naam omschrijving", "causale", "descrizione",
            "opis", "tytul", "buchungsinformation", "transaktionstext", "beskrivning", "specifikation"),
        # Sometimes the description, sometimes only the kind of booking next to a better column.
        *_s(90, "buchungstext"),
        *_s(80, "text", "message", "vrije mededeling", "toelichting", "tekst", "reference", "message for payee"),
    ],
    "merchant": [
        *_s(100, "payee", "name", "naam", "counterparty", "counter party", "naam tegenpartij", "tegenpartij",
            "beneficiary", "empfanger", "empfaenger", "auftraggeber", "beguenstigter zahlungspflichtiger",
            "begunstigter zahlungspflichtiger", "auftraggeber empfanger", "zahlungsempfanger", "partner neve",
            "nazev protiuctu", "merchant", "merchant name", "handelaar", "beneficiario", "counterparty name",
            "payee name", "payer payee", "beneficiary name", "ordenante", "beneficiaire", "tiers", "kontrahent",
            "nazwa kontrahenta", "motparty", "mottagare", "nazev uctu protistrany", "counteraccount name",
            "name of counterparty", "empfanger auftraggeber", "zahlungspflichtiger", "begunstigter"),
    ],
    "currency": [
        *_s(100, "currency", "wahrung", "waehrung", "munt", "devise", "moneda", "mena", "mena uctu", "devizanem",
            "tranzakcio devizaneme", "buchungswahrung", "currency code", "ccy", "valuta", "divisa", "waluta",
            "valuta rekening", "transaction currency"),
    ],
    "external_id": [
        *_s(100, "id", "transaction id", "transactionid", "id transakce", "fitid", "transaktions id",
            "transaction reference id", "unique id"),
    ],
    "balance": [
        *_s(100, "balance", "saldo", "kontostand", "running balance", "saldo na trn", "egyenleg", "zustatek",
            "saldo na transactie", "solde", "saldo nach buchung", "balance eur", "available balance"),
    ],
}

# Words that stop a column from being the amount or currency: balances, rates, fees, foreign originals.
_NOT_MONEY = {"saldo", "balance", "kontostand", "egyenleg", "zustatek", "solde", "original", "originalbetrag",
              "orig", "fremdwahrung", "fremdwaehrung", "foreign", "kurs", "koers", "rate", "wechselkurs",
              "umrechnungskurs", "fee", "fees", "kosten", "gebuhr", "gebuehr", "commission", "local", "puvodni",
              "originalwahrung", "exchange", "tax", "vat", "count", "number", "nr", "id", "symbol", "kod"}


# Words that stop a column from being the description or the payee: account numbers and bank codes.
_NOT_TEXT = {"iban", "bic", "blz", "bankleitzahl", "swift", "kontonummer", "rekeningnummer", "nummer", "number",
             "nr", "cislo", "no", "id", "code", "kod", "symbol", "ref"}
_NOT_TEXT_ENDINGS = ("konto", "rekening", "account", "uctu", "ucet", "szam", "szamlaszam")
_NAME_WORDS = {"name", "naam", "nazev", "neve", "namn", "nom", "nombre", "nome", "nazwa"}


def header_roles(header: Any) -> dict[str, float]:
    """How well one header name matches each role, 0-100; a longer matching phrase wins a tie ("Naam
    tegenpartij" over "Naam")."""
    if not isinstance(header, str) or len(header) > 60 or not header[:1].isalpha():
        return {}  # data, not a column name: numbers, dates, long texts
    return _header_roles(normalise_header(header))


@lru_cache(maxsize=4096)
def _header_roles(name: str) -> dict[str, float]:
    if not name:
        return {}
    words = set(name.split())
    scores: dict[str, float] = {}
    for role, synonyms in HEADER_SYNONYMS.items():
        best = 0.0
        for synonym in synonyms:
            tiebreak = min(len(synonym.phrase), 30) / 100
            if name == synonym.phrase:
                best = max(best, synonym.weight + tiebreak)
            elif len(synonym.phrase) >= 4 and (f" {synonym.phrase} " in f" {name} "):
                best = max(best, synonym.weight * 0.6 + tiebreak)
            elif len(synonym.phrase) >= 5 and " " not in synonym.phrase and any(
                    w.startswith(synonym.phrase) for w in words):
                best = max(best, synonym.weight * 0.5 + tiebreak)
        if best and role in {"amount", "debit", "credit", "currency"} and words & _NOT_MONEY:
            best = 0
        if best and role in {"merchant", "description"} and not words & _NAME_WORDS and (
                words & _NOT_TEXT or any(w.endswith(_NOT_TEXT_ENDINGS) for w in words)):
            best = 0
        if best and role == "external_id" and name != "id" and len(words) > 3:
            best = 0
        if best:
            scores[role] = best
    return scores


CURRENCY_IN_HEADER = re.compile(r"\b([a-z]{3})\b")


def currency_in_header(header: Any, known: set[str]) -> str | None:
    """'Betrag (EUR)' -> 'EUR'; 'Withdrawals (SGD)' -> 'SGD'."""
    for word in CURRENCY_IN_HEADER.findall(normalise_header(header)):
        if word.upper() in known:
            return word.upper()
    return None


SUMMARY_WORDS = ("opening balance", "closing balance", "turnover", "total", "totaal", "summe", "anfangssaldo",
                 "endsaldo", "alter kontostand", "neuer kontostand", "kontostand", "saldo", "balance", "solde",
                 "footer", "subtotal", "sum of", "ending balance", "beginning balance", "begin saldo", "eind saldo",
                 "beginsaldo", "eindsaldo", "zwischensumme", "uebertrag", "ubertrag", "carried forward",
                 "brought forward", "statement total", "account total")


def looks_like_summary(cells: Iterable[Any]) -> bool:
    """A totals/balance line (or a trailing non-transaction line) rather than a transaction."""
    text = " ".join(normalise_header(c) for c in cells)
    return any(f" {w} " in f" {text} " for w in SUMMARY_WORDS)
