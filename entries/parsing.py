"""A sentence, spoken or typed, in English or German, read as a draft transaction: every field with a confidence.

Pure: the caller gives today's date (on the user's clock), their accounts, currency, groups and the merchants they
paid before, and may give a way to recognise a business by name (entries.services asks the categorizer); nothing is
read or saved here. The category is a hint from words people use ("lunch" → restaurants, "Kontoführungsgebühr" →
bank fees), for every category of the standard tree; entries.services asks the categorizer about the merchant and
those words and decides. Money moved between the person's own accounts ("moved 200 to savings", "100 abgehoben")
is a transfer, with the taxonomy's transfer category and no merchant.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from rapidfuzz import fuzz

EXPENSE, INCOME, REFUND, TRANSFER = "expense", "income", "refund", "transfer"
KINDS = (EXPENSE, INCOME, REFUND, TRANSFER)
NAME_CUTOFF = 80  # rapidfuzz score (0–100) for an account or a person named loosely ("visa" for "Visa card")

AccountChoice = tuple[int, str, str]  # (id, name, kind)
GroupChoice = tuple[int, str, Sequence[str]]  # (id, name, member names)


@dataclass
class Draft:
    """What a sentence says; ``confidence`` holds 0–1 per field (0: not said, a default or nothing)."""

    text: str
    amount: Decimal | None = None  # positive; ``kind`` says which way the money went
    currency: str = ""
    kind: str = EXPENSE
    date: dt.date | None = None
    merchant: str = ""
    category_key: str = ""  # a key of transactions.taxonomy, from words; the services may decide another
    category_words: str = ""  # the words the category was read from ("lunch"), for the categorizer
    account_id: int | None = None
    group_id: int | None = None
    split_with: list[str] = field(default_factory=list)
    note: str = ""
    confidence: dict[str, float] = field(default_factory=dict)

    @property
    def signed_amount(self) -> Decimal | None:
        """Negative for money out, as the ledger stores it; a refund comes in; a transfer leaves the account said
        (or the one the person last used) for another of their own."""
        if self.amount is None:
            return None
        return -self.amount if self.kind in (EXPENSE, TRANSFER) else self.amount


# ---- numbers written as words -------------------------------------------------------------------------------

_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_DE_UNITS = {"null": 0, "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
             "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
             "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_DE_TENS = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
            "siebzig": 70, "achtzig": 80, "neunzig": 90}


def _german_number(word: str) -> int | None:
    """ "dreiundzwanzig" → 23, "zweihundertfünfzig" → 250, "tausend" → 1000; None for any other word."""
    if not word:
        return None
    if word in ("hundert", "einhundert"):
        return 100
    if word in ("tausend", "eintausend"):
        return 1000
    for big, size in (("tausend", 1000), ("hundert", 100)):
        if big in word:
            head, _, tail = word.partition(big)
            head_value = _german_number(head) if head else 1
            tail_value = _german_number(tail) if tail else 0
            if head_value is None or tail_value is None:
                return None
            return head_value * size + tail_value
    if word in _DE_UNITS and word not in ("ein", "eine"):
        return _DE_UNITS[word]
    if word in _DE_TENS:
        return _DE_TENS[word]
    unit, und, tens = word.partition("und")
    if und and unit in _DE_UNITS and tens in _DE_TENS:
        return _DE_UNITS[unit] + _DE_TENS[tens]
    return None


def _word_value(word: str) -> int | None:
    if word in _EN_UNITS:
        return _EN_UNITS[word]
    if word in _EN_TENS:
        return _EN_TENS[word]
    found = re.fullmatch(r"([a-z]+)-([a-z]+)", word)  # "twenty-five"
    if found and found.group(1) in _EN_TENS and found.group(2) in _EN_UNITS:
        return _EN_TENS[found.group(1)] + _EN_UNITS[found.group(2)]
    return _german_number(word)


_WORD = re.compile(r"[a-zäöüß]+(?:-[a-z]+)?")


def _number_groups(text: str) -> list[tuple[int, int, int]]:
    """Runs of number words in lowercased text: (start, end, value). "a hundred and twenty" → 120."""
    groups: list[tuple[int, int, int]] = []
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        word = words[i].group(0)
        start = words[i].start()
        total, current, used = 0, 0, 0
        j = i
        if word in ("a", "an", "one", "ein", "eine") and j + 1 < len(words) and words[j + 1].group(0) in (
                "hundred", "thousand"):
            current, used, j = 1, 1, j + 1
        while j < len(words):
            w = words[j].group(0)
            if w in ("hundred", "thousand") and used:
                current = current * (100 if w == "hundred" else 1000)
                if w == "thousand":
                    total, current = total + current, 0
            elif w == "and" and used and j + 1 < len(words) and _word_value(words[j + 1].group(0)) is not None:
                pass
            else:
                value = _word_value(w)
                if value is None or (w in ("ein", "eine")) or (used and current % 100 and value < 100 and
                                                              not (current % 100 in _EN_TENS.values() and value < 10)):
                    break
                if used and value >= 100:  # German compounds are one word; a second one starts a new number
                    break
                current += value
            used += 1
            j += 1
        if used:
            groups.append((start, words[j - 1].end(), total + current))
            i = j
        else:
            i += 1
    return groups


def _words_to_digits(text: str) -> str:
    """Number words as digits; two numbers in a row said as a price ("twelve fifty", "zwölf fünfzig") → 12.50."""
    groups = _number_groups(text)
    out, last = [], 0
    k = 0
    while k < len(groups):
        start, end, value = groups[k]
        if re.search(r"\b(?:at|bei|beim|@)\s+$", text[max(0, start - 6):start]):
            k += 1
            continue
        spoken = f"{value}"
        if k + 1 < len(groups):
            next_start, next_end, cents = groups[k + 1]
            between = text[end:next_start]
            if 10 <= cents <= 99 and value < 1000 and re.fullmatch(
                    r"\s+(?:(?:euros?|dollars?|bucks|pounds?|franken|francs?)\s+(?:und\s+|and\s+)?)?", between):
                spoken = f"{value}.{cents:02d}"
                out.append(text[last:start] + spoken + (" " + between.split()[0] if between.strip() else ""))
                last = next_end
                k += 2
                continue
        out.append(text[last:start] + spoken)
        last = end
        k += 1
    out.append(text[last:])
    return "".join(out)


# ---- amount and currency ------------------------------------------------------------------------------------

_CURRENCIES = [
    (r"€|euros?\b|eure\b|eur\b", "EUR"), (r"\$|usd\b|us dollars?\b|dollars?\b|bucks\b", "USD"),
    (r"£|gbp\b|pounds?\b|quid\b", "GBP"), (r"chf\b|franken\b|swiss francs?\b|francs?\b", "CHF"),
    (r"¥|jpy\b|yen\b", "JPY"), (r"sek\b|nok\b|dkk\b", ""), (r"pln\b|zł|zloty\b", "PLN"),
]
_CURRENCY = "|".join(p for p, _ in _CURRENCIES)
# Thousands grouped by "," or "." (1,250.50 / 2.500,00), by an apostrophe (Swiss 1'234.50) or by a space
# (1 234,56 €, "gehalt 2 950"): a count is followed by what was counted ("2 tickets 24"), not by three digits.
_GROUPED = r"\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d{1,3}(?:['’]\d{3})+(?:[.,]\d{1,2})?(?!\d)"
_SPACED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
_PLAIN = r"\d+(?:[.,]\d{1,2})?(?![\d.,]\d)"
_NUMBER = rf"{_GROUPED}|{_PLAIN}"
_MONEY = re.compile(
    rf"(?<![a-zäöüß])(?P<pre>{_CURRENCY})\s?(?P<a>{_SPACED}(?:[.,]\d{{1,2}})?(?![\d.,]\d)|{_NUMBER})"
    rf"|(?P<b>{_SPACED}(?:[.,]\d{{1,2}})?(?![\d.,]\d)|{_NUMBER})(?:\s?(?P<post>{_CURRENCY})(?:\s+(?:und\s+|and\s+)?(?P<cents>\d{{1,2}})(?!\d)(?!\s*(?:{_CURRENCY}))"
    rf"(?:\s*(?:cents?))?)?)?", re.IGNORECASE)
# A plain number that is a date, a count or a time, not money.
_NOT_MONEY_AFTER = re.compile(r"(?:st|nd|rd|th|am|h)\b|\.(?!\d)|\s*(?:%|percent|prozent|days?|tagen?|weeks?|wochen?|"
                              r"months?|monate?n?|years?|jahren?|a\.m\.|pm\b|p\.m\.|uhr\b|o'clock|:\d|people|leute|personen)",
                              re.IGNORECASE)
_NOT_MONEY_BEFORE = re.compile(r"(?:\bthe|\bam|\bden|\bvor|\bum)\s+$", re.IGNORECASE)


def _decimal(text: str) -> Decimal | None:
    """ "1,200" / "1.200,50" / "12,50" / "12.5" / "1'234.50" / "1 234,56" → Decimal."""
    text = re.sub(r"['’\s]", "", text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _currency_code(word: str) -> str:
    for pattern, code in _CURRENCIES:
        if re.fullmatch(pattern.replace("\\b", ""), word, re.IGNORECASE):
            return code or word.upper()
    return ""


def _amount_find(text: str, taken: list[tuple[int, int]]) -> tuple[Decimal | None, str, float, tuple[int, int]]:
    """(amount, currency code or "", confidence, span): a number with a currency first, else a plain number that
    is neither a date nor a count."""
    plain = []
    for found in _MONEY.finditer(text):
        if any(s <= found.start() < e for s, e in taken):
            continue
        digits = found.group("a") or found.group("b")
        value = _decimal(digits)
        if value is None or value <= 0:
            continue
        code = found.group("pre") or found.group("post")
        if code:
            if found.group("cents"):
                value += Decimal(found.group("cents")) / 100
            return value, _currency_code(code.strip()), 0.95, found.span()
        end = found.end()
        if _NOT_MONEY_AFTER.match(text, end) or _NOT_MONEY_BEFORE.search(text[max(0, found.start() - 6):found.start()]):
            continue
        if 1900 <= value <= 2100 and re.search(r"(?:in|of|seit)\s+$|[a-z]\s+$", text[max(0, found.start() - 4):
                                                                                     found.start()]) and "." not in digits:
            if re.search(rf"(?:{_MONTHS_RE})\s+$", text[:found.start()]):
                continue
        plain.append((value, found.span()))
    if plain:  # "2 coffees 7.40", "3 beers for 15": a price has cents or is the larger number, a count is small
        value, span = max(plain, key=lambda p: (p[0] != p[0].to_integral_value(), p[0]))
        return value, "", 0.8 if len(plain) == 1 else 0.6, span
    return None, "", 0.0, (0, 0)


# ---- kind ---------------------------------------------------------------------------------------------------

_REFUND = re.compile(r"\b(?:refund(?:ed)?|reimburse(?:d|ment)?|money back|returned|rückerstattung|erstattung|"
                     r"erstattet|zurückerstattet|zurückbekommen|geld zurück|gutschrift)\b")
_INCOME = re.compile(r"\b(?:got|get|received|receive|earned|earn|made|was paid|got paid|income|salary|paycheck|"
                     r"pay ?day|wages|bonus|interest|dividends?|sold|bekommen|erhalten|verdient|eingenommen|gehalt|"
                     r"lohn|einnahme|zinsen|verkauft|überwiesen bekommen)\b")
_EXPENSE = re.compile(r"\b(?:spent|spend|paid|pay|bought|buy|cost|costs|charged|ordered|tipped|gave|donated|"
                      r"ausgegeben|bezahlt|gezahlt|zahlte|gekauft|kostete|gekostet|bestellt|gespendet|getankt)\b")


_PAID_BACK = re.compile(r"\b(?:paid|gave|sent|transferred|paid back|hat)\s+(?:me|mir)\b|\bpaid\s+me\s+back\b|"
                        r"\bzurückgezahlt\b|\bzurückgegeben\b")


# Interest the person paid: "interest" alone is money in.
_CHARGED = re.compile(r"\b(?:overdraft|dispo\w*|sollzinsen|überziehungszinsen|kreditzinsen|interest charged)\b")


def _kind_find(text: str) -> tuple[str, float]:
    if _REFUND.search(text):
        return REFUND, 0.9
    if _CHARGED.search(text):
        return EXPENSE, 0.85
    if _PAID_BACK.search(text):  # "Anna paid me back 15": money in, though "paid" is said
        return INCOME, 0.85
    income, expense = _INCOME.search(text), _EXPENSE.search(text)
    if income and not expense:
        return INCOME, 0.9
    if expense and not income:
        return EXPENSE, 0.95
    if income and expense:  # "got paid" and "paid": the one said first is the verb
        return (INCOME, 0.6) if income.start() < expense.start() else (EXPENSE, 0.6)
    return EXPENSE, 0.6  # most spoken entries are spending


# ---- date ---------------------------------------------------------------------------------------------------

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan", "januar", "jänner"), ("february", "feb", "februar"), ("march", "mar", "märz", "maerz"),
    ("april", "apr"), ("may", "mai"), ("june", "jun", "juni"), ("july", "jul", "juli"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct", "oktober", "okt"), ("november", "nov"),
    ("december", "dec", "dezember", "dez")), 1) for name in names}
_MONTHS_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = {name: number for number, names in enumerate((
    ("monday", "montag", "mon"), ("tuesday", "dienstag", "tue"), ("wednesday", "mittwoch", "wed"),
    ("thursday", "donnerstag", "thu"), ("friday", "freitag", "fri"), ("saturday", "samstag", "sonnabend", "sat"),
    ("sunday", "sonntag", "sun"))) for name in names}
_WEEKDAYS_RE = "|".join(sorted((w for w in _WEEKDAYS if len(w) > 3), key=len, reverse=True))
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
             "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
             "twentieth": 20, "thirtieth": 30, "ersten": 1, "zweiten": 2, "dritten": 3, "vierten": 4, "fünften": 5,
             "sechsten": 6, "siebten": 7, "achten": 8, "neunten": 9, "zehnten": 10, "fünfzehnten": 15,
             "zwanzigsten": 20}
_ORDINALS_RE = "|".join(sorted(_ORDINALS, key=len, reverse=True))
_COUNT = r"\d+|a|an|one|two|three|four|five|six|seven|einem|einer|zwei|drei|vier|fünf|sechs|sieben"
_COUNTS = {"a": 1, "an": 1, "one": 1, "einem": 1, "einer": 1, "two": 2, "zwei": 2, "three": 3, "drei": 3, "four": 4,
           "vier": 4, "five": 5, "fünf": 5, "six": 6, "sechs": 6, "seven": 7, "sieben": 7}

_DATE_RULES: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(pattern)) for name, pattern in (
    ("iso", r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    ("dmy", r"\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})?(?!\d)"),
    ("slash", r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b"),
    ("day_month", rf"\b(?:on\s+(?:the\s+)?|am\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?({_MONTHS_RE})\b\.?"),
    ("month_day", rf"\b(?:on\s+)?({_MONTHS_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"),
    ("before_yesterday", r"\b(?:the\s+)?day\s+before\s+yesterday\b|\bvorgestern\b"),
    ("yesterday", r"\b(?:yesterday|gestern|last\s+night)\b"),
    ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|heute|heute\s+(?:morgen|mittag|abend))\b"),
    ("ago", rf"\b({_COUNT})\s+(days?|weeks?)\s+ago\b|\bvor\s+({_COUNT})\s+(tagen|tag|wochen|woche)\b"),
    ("last_week", r"\blast\s+week\b|\bletzte\s+woche\b|\bvorige\s+woche\b"),
    ("weekday", rf"\b(?:(last|this\s+past|on|letzten|letzte|vergangenen|am)\s+)?({_WEEKDAYS_RE})\b"),
    ("ordinal", rf"\b(?:on\s+the|the|am|den)\s+(\d{{1,2}})(?:st|nd|rd|th|\.)(?!\d)|\b(?:on\s+the|the|am|den)\s+"
                rf"({_ORDINALS_RE})\b"),
)]


def _latest(day: int, month: int, today: dt.date, year: int | None = None) -> dt.date | None:
    """The date of that day and month, last year's when this year's is still to come (entries are of the past)."""
    try:
        if year is not None:
            return dt.date(year if year > 99 else 2000 + year, month, day)
        found = dt.date(today.year, month, day)
        return found if found <= today else found.replace(year=today.year - 1)
    except ValueError:
        return None


def _date_find(text: str, today: dt.date) -> tuple[dt.date, float, tuple[int, int]]:
    for name, pattern in _DATE_RULES:
        found = pattern.search(text)
        if not found:
            continue
        g = found.groups()
        day: dt.date | None = None
        if name == "iso":
            try:
                day = dt.date(int(g[0]), int(g[1]), int(g[2]))
            except ValueError:
                day = None
        elif name in ("dmy", "slash"):
            day = _latest(int(g[0]), int(g[1]), today, int(g[2]) if g[2] else None)
        elif name == "day_month":
            day = _latest(int(g[0]), _MONTHS[g[1]], today)
        elif name == "month_day":
            day = _latest(int(g[1]), _MONTHS[g[0]], today)
        elif name == "before_yesterday":
            day = today - dt.timedelta(days=2)
        elif name == "yesterday":
            day = today - dt.timedelta(days=1)
        elif name == "today":
            day = today
        elif name == "ago":
            count_word, unit = (g[0], g[1]) if g[0] else (g[2], g[3])
            count = int(count_word) if count_word.isdigit() else _COUNTS[count_word]
            day = today - dt.timedelta(days=count * (7 if unit.startswith(("week", "woche")) else 1))
        elif name == "last_week":
            day = today - dt.timedelta(days=7)
        elif name == "weekday":
            # The last such day before today: "on Friday" said on a Friday is a week ago only when "last" says so.
            back = (today.weekday() - _WEEKDAYS[g[1]]) % 7
            if back == 0 and g[0] and g[0] not in ("on", "am"):
                back = 7
            day = today - dt.timedelta(days=back)
        elif name == "ordinal":
            number = int(g[0]) if g[0] else _ORDINALS[g[1]]
            for back in range(0, 3):
                month = today.replace(day=1) - relativedelta(months=back)
                try:
                    candidate = month.replace(day=number)
                except ValueError:
                    continue
                if candidate <= today:
                    day = candidate
                    break
        if day is not None:
            return day, 0.9, found.span()
    return today, 0.5, (0, 0)


# ---- account, group, merchant, category ---------------------------------------------------------------------

_ACCOUNT_KINDS = [
    ("credit_card", r"credit\s*card|kreditkarte|visa|mastercard|amex|american express"),
    ("cash", r"cash|in bar|bar bezahlt|bargeld|\bbar\b"),
    ("checking", r"debit\s*card|checking(?:\s+account)?|current account|girokonto|girocard|ec-?karte|bank\s*card|"
                 r"bankkarte|debitkarte"),
    ("savings", r"savings(?:\s+account)?|sparkonto|tagesgeld|sparbuch"),
]
_ACCOUNT_LEAD = r"(?:with|using|on|from|via|by|paid by|through|mit|per|vom|von|über|auf)\s+(?:my|the|our|meiner|meinem|" \
                r"meine|der|dem|die|unserer)?\s*"


def _account_find(text: str, accounts: Sequence[AccountChoice]) -> tuple[int | None, float, tuple[int, int]]:
    """An account named ("with my Visa", "from Savings") or, when one account has that kind, its kind."""
    lead = re.compile(_ACCOUNT_LEAD + r"((?:[\w&'-]+\s*){1,3})")
    best: tuple[int, float, tuple[int, int]] | None = None
    for found in lead.finditer(text):
        said = found.group(1).strip()
        for account_id, name, _kind in accounts:
            lowered = name.lower()
            score = fuzz.partial_ratio(lowered, said) if len(lowered) >= 3 else 0
            if lowered in said or (score >= 90 and len(said) >= 3):
                end = found.start(1) + len(said.split(lowered.split()[-1])[0]) + len(lowered.split()[-1]) \
                    if lowered.split()[-1] in said else found.end()
                candidate = (account_id, 0.95, (found.start(), end))
                if best is None:
                    best = candidate
        if best:
            return best
    for kind, pattern in _ACCOUNT_KINDS:
        said = re.search(rf"(?:{_ACCOUNT_LEAD})?\b(?:{pattern})(?:\s+(?:card|karte|account|konto))?\b", text)
        if not said:
            continue
        found = said
        if kind == "cash" and found.group(0).strip() == "bar" and not re.search(
                r"(?:,|\b(?:in|mit))\s+bar\b|\bbar\s+bezahlt|(?<!the )\bbar$", text):
            continue
        of_kind = [a for a in accounts if a[2] == kind]
        if len(of_kind) == 1:
            return of_kind[0][0], 0.9, found.span()
        if of_kind:
            return of_kind[0][0], 0.5, found.span()
        return None, 0.0, found.span()
    return None, 0.0, (0, 0)


# ---- transfers between the person's own accounts ------------------------------------------------------------

_WITHDRAWAL = re.compile(r"\b(?:withdr[ae]w\w*|atm|cash machine|geldautomat\w*|abgehoben|abheben|bargeld geholt)\b")
_CARD_PAYMENT = re.compile(r"\bcredit\s*card\s+(?:bill|payment|balance)\b|\bpaid\s+off\s+(?:my\s+|the\s+)?(?:credit\s*card|"
                           r"visa|amex|mastercard)\b|\bkreditkarten?abrechnung\b|\bkreditkarte\s+(?:ausgeglichen|abbezahlt)\b")
_TRANSFER_VERB = re.compile(r"\b(?:transfer(?:red|ring|s)?|move[ds]?|moving|put|sent|send|überwiesen|überweisung|"
                            r"überweise|umgebucht|umbuchung|gespart|zurückgelegt)\b")
_TRANSFER_TO = re.compile(r"\b(?:to|into|onto|in|an|auf|aufs|zum|zur|ins)\s+(?:my\s+|the\s+|our\s+|meine?[nm]?\s+|das\s+|"
                          r"die\s+|den\s+|dem\s+)?")
_TRANSFER_KEYS = {"savings": "transfers.savings_transfer", "credit_card": "transfers.credit_card_payment",
                  "checking": "transfers.between_accounts"}


def _own_account_kind(text: str, accounts: Sequence[AccountChoice]) -> tuple[str, int]:
    """The kind of the person's account that ``text`` starts with ("savings", "Tagesgeld") and its length;
    cash is not a place money is transferred to (that is a withdrawal)."""
    for _id, name, kind in accounts:
        if kind != "cash" and len(name) >= 3 and re.match(rf"{re.escape(name.lower())}\b", text):
            return kind, len(name)
    for kind, pattern in _ACCOUNT_KINDS:
        found = re.match(rf"(?:{pattern})(?:\s+(?:card|karte|account|konto))?\b", text)
        if kind != "cash" and found:
            return kind, found.end()
    return "", 0


def _transfer_find(text: str, accounts: Sequence[AccountChoice]) -> tuple[str, float, tuple[int, int]]:
    """Money moved between the person's own accounts: (a key of the taxonomy's transfers, confidence, the span
    naming where it went, which is not the account it left). A transfer to someone else is spending."""
    withdrawal = _WITHDRAWAL.search(text)
    if withdrawal:
        return "transfers.cash_withdrawal", 0.85, withdrawal.span()
    card = _CARD_PAYMENT.search(text)
    if card:
        return "transfers.credit_card_payment", 0.8, card.span()
    if not _TRANSFER_VERB.search(text):
        return "", 0.0, (0, 0)
    for lead in _TRANSFER_TO.finditer(text):
        kind, length = _own_account_kind(text[lead.end():], accounts)
        if kind in _TRANSFER_KEYS:
            return _TRANSFER_KEYS[kind], 0.85, (lead.start(), lead.end() + length)
    return "", 0.0, (0, 0)


def _masked(text: str, span: tuple[int, int]) -> str:
    """The text with a span blanked out, positions kept."""
    return text[:span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


_SPLIT = re.compile(r"\b(?:split|shared?|splitting|geteilt|teilen|teile)\s+(?:it\s+|this\s+|that\s+|es\s+)?"
                    r"(?:with|mit)\s+([\w'-]+(?:\s*(?:,|and|und|&)\s*[\w'-]+)*)"
                    r"|\b(?:mit)\s+([\w'-]+(?:\s*(?:,|und|&)\s*[\w'-]+)*)\s+geteilt\b")


def _split_find(text: str, groups: Sequence[GroupChoice]) -> tuple[list[str], int | None, float, tuple[int, int]]:
    found = _SPLIT.search(text)
    if not found:
        return [], None, 0.0, (0, 0)
    names = [n for n in re.split(r"\s*(?:,|\band\b|\bund\b|&)\s*", (found.group(1) or found.group(2)).strip()) if n]
    names = [n for n in names if n not in ("me", "mir", "my", "the", "group")]
    for group_id, group_name, _members in groups:
        if any(fuzz.ratio(n, group_name.lower()) >= NAME_CUTOFF for n in names):
            return names, group_id, 0.9, found.span()
    matches = []
    for group_id, _name, members in groups:
        firsts = [m.lower().split()[0] for m in members if m.strip()]
        if names and all(any(fuzz.ratio(n, f) >= NAME_CUTOFF for f in firsts) for n in names):
            matches.append((len(members), group_id))
    if matches:
        matches.sort()  # the smallest group holding everyone named
        confidence = 0.9 if len(matches) == 1 else 0.6
        return names, matches[0][1], confidence, found.span()
    return names, None, 0.0, found.span()


# Words people say → a key of transactions.taxonomy: every category of the standard tree, in English and German.
# German compounds carry their category in a part ("Kontoführungsgebühr", "Krankenversicherung"), hence the
# \w* around those parts. Where two phrases start at the same word, the longer wins, then the earlier here.
_CATEGORY_WORDS: list[tuple[str, str]] = [
    ("income.refunds", r"refunds?|rückerstattung|erstattung"),
    ("income.salary", r"salary|paycheck|pay ?day|wages|\w*gehalt\w*|\w*lohn"),
    ("income.interest", r"interest|\w*zinsen"),
    ("food_drink.coffee_shops", r"coffees?|cappuccinos?|lattes?|espressos?|flat whites?|macchiatos?|kaffee|café|cafe|"
                                r"coffee shop"),
    ("food_drink.fast_food", r"pizzas?|burgers?|fast food|kebabs?|döner|doener|fries|pommes|hot dogs?|imbiss|"
                             r"currywurst|falafel|nuggets|burritos?|tacos?|nachos"),
    ("food_drink.restaurants", r"lunch|dinner|breakfast|brunch|restaurants?|sushi|mittagessen|abendessen|frühstück|"
                               r"essen gehen|essen|meal|takeout|take-away|takeaway|food|sandwich(?:es)?|uber eats|"
                               r"lieferando|deliveroo|doordash|food delivery|ramen|tapas|steakhouse|gaststätte|"
                               r"wirtshaus|lieferdienst"),
    ("food_drink.bars", r"beers?|drinks|cocktails?|wine|bier|getränke|bar tab|pub|the bar|kneipe|pints?|aperol|spritz"),
    ("food_drink.groceries", r"groceries|grocery|supermarket|food shopping|lebensmittel|einkauf|einkaufen|"
                             r"wocheneinkauf|supermarkt|\w*lebensmittel\w*|obst|gemüse|fruit|vegetables|veggies|"
                             r"milk|milch|bread|brot|eggs|eier"),
    ("transportation.gas_fuel", r"gas|fuel|petrol|diesel|tanken|benzin|sprit|getankt|\w*tank\w*|charging|"
                                r"ladesäule|strom tanken"),
    ("transportation.rideshare", r"taxi|cab|uber|lyft|rides?|taxifahrt|\w*taxi"),
    ("transportation.public_transit", r"train|bus|metro|subway|tram|transit|bahn|zug|u-bahn|fahrkarte|ticket|bahnticket|"
                                      r"zugticket|busticket|\w*bahn\w*|\w*fahrkarte\w*|monatskarte|deutschlandticket|"
                                      r"ferry|fähre|fernbus|nahverkehr|öpnv"),
    ("transportation.parking", r"parking|parken|parkhaus|parkplatz|parkschein|parkticket|parkgebühr\w*"),
    ("transportation.car_maintenance", r"car repair|oil change|car wash|werkstatt|reifen|tires|tyres|mechanic|tüv|"
                                       r"inspektion|ölwechsel|waschstraße|autowäsche|autowerkstatt|car service"),
    ("housing.rent", r"rent|\w*miete|vermieter|landlord"),
    ("housing.mortgage", r"mortgage|hypothek\w*|kreditrate|baufinanzierung|darlehen"),
    ("housing.utilities", r"electricity|power bill|water bill|heating|gas bill|\w*strom\w*|nebenkosten\w*|\w*heizung\w*|"
                          r"heizkosten|wasserrechnung|müllgebühr\w*|rundfunkbeitrag|gez"),
    ("housing.internet_phone", r"internet|phone bill|mobile|wifi|handy\w*|\w*internet\w*|mobilfunk\w*|dsl|glasfaser|"
                               r"festnetz|phone plan|data plan|prepaid"),
    ("housing.home_improvement", r"hardware store|baumarkt|diy|paint|farbe|werkzeug|tools|renovation|renovierung|"
                                 r"handwerker|tapete|wallpaper"),
    ("housing.insurance", r"home insurance|contents insurance|renters insurance|liability insurance|hausrat\w*|"
                          r"wohngebäudeversicherung|haftpflicht\w*"),
    ("shopping.clothing", r"clothes|clothing|shoes|jacket|shirt|jeans|kleidung|\w*schuhe|\w*jacke|hose|sneakers?|"
                          r"socks|socken|pullover|sweater|hoodie|dress|kleid|t-shirts?|mantel|coat"),
    ("shopping.electronics", r"electronics|headphones|laptop|charger|cable|kopfhörer|ladekabel|phone case|handyhülle|"
                             r"fernseher|tv|monitor|tablet|smartphone|kamera|camera|usb|tastatur|keyboard|drucker|"
                             r"printer"),
    ("shopping.home_goods", r"furniture|home goods|\w*möbel|haushalt\w*|regal|lampe|lamp|bettwäsche|bedding|"
                            r"geschirr|towels|handtücher|deko|decor|sofa|couch|matratze|mattress"),
    ("shopping.online_shopping", r"online shopping|online order|onlinebestellung|online bestellt"),
    ("health_wellness.pharmacy", r"pharmacy|medicine|drugstore|\w*apotheke\w*|medikamente?|tabletten|drogerie|"
                                 r"toiletries|shampoo|zahnpasta|toothpaste|soap|seife|toilet paper|klopapier|"
                                 r"ibuprofen|aspirin|paracetamol|vitamins?|vitamine|prescription|rezept"),
    ("health_wellness.gym_fitness", r"gym|fitness|yoga|fitnessstudio|pilates|crossfit|bouldern|climbing|"
                                    r"schwimmbad|swimming pool|sportverein|personal trainer"),
    ("health_wellness.doctor", r"doctor|dentist|\w*arzt\w*|\w*ärztin|physio\w*|therapy|therapie|hospital|"
                               r"krankenhaus|clinic|klinik|optiker|optician|orthodontist|kieferorthopäde"),
    ("health_wellness.health_insurance", r"health insurance|krankenversicherung|krankenkasse|zusatzversicherung"),
    ("entertainment.movies_events", r"movies?|cinema|concert|tickets for|theater|theatre|kino\w*|\w*konzert\w*|"
                                    r"festival|museum|ausstellung|exhibition|musical|oper|opera|zoo|bowling|"
                                    r"escape room|freizeitpark|theme park|tickets"),
    ("entertainment.streaming_services", r"netflix|spotify|streaming|disney\+?"),
    ("entertainment.games", r"games?|spiel|spiele|videospiel|gaming"),
    ("entertainment.hobbies", r"hobby|hobbies|crafts?|basteln|bastelbedarf|knitting|wolle|yarn|angeln|fishing|"
                              r"gardening|gartenbedarf|guitar|gitarre|lego"),
    ("travel.flights", r"flights?|plane tickets?|flug\w*|\w*flüge|airfare"),
    ("travel.hotels", r"hotel|airbnb|hostel|unterkunft|\w*hotel\w*|motel|ferienwohnung|übernachtung\w*|"
                      r"accommodation"),
    ("travel.car_rental", r"car rental|rental car|rent a car|mietwagen|autovermietung|leihwagen|carsharing|"
                          r"car sharing"),
    ("travel.vacation", r"vacation|holidays?|urlaub\w*|ferien|pauschalreise|package holiday"),
    ("subscriptions", r"subscriptions?|abonnement|\w*abo|mitgliedsbeitrag|zeitung|newspaper|magazine|zeitschrift"),
    ("personal_care.hair_beauty", r"haircut|hairdresser|barber|friseur\w*|frisör\w*|haare|nails?|nägel|nagel\w*|"
                                  r"maniküre|manicure|pediküre|pedicure|kosmetik\w*|cosmetics|make-?up|beauty|waxing|"
                                  r"massage|spa"),
    ("education.tuition", r"tuition|studiengebühr\w*|semesterbeitrag|semestergebühr\w*|school fees|schulgeld"),
    ("education.books_courses", r"books?|online course|courses?|buch|bücher|kurs|\w*kurs|e-?books?|hörbuch|"
                                r"audiobooks?|workshop|seminar"),
    ("gifts_donations.gifts", r"gifts?|presents?|\w*geschenke?\w*|blumen|flowers|bouquet|souvenirs?"),
    ("gifts_donations.charity", r"donation|charity|\w*spende\w*|gespendet|fundraiser"),
    ("fees_charges.bank_fees", r"bank fees?|account fees?|atm fees?|overdraft fees?|card fees?|\w*kontoführung\w*|"
                               r"bankgebühr\w*|kartengebühr\w*|kontogebühr\w*|überziehungsgebühr\w*"),
    ("fees_charges.interest_charged", r"interest|dispozinsen|sollzinsen|überziehungszinsen|kreditzinsen|zinsen"),
    ("taxes", r"taxes|tax|tax bill|\w*steuer\w*|finanzamt"),
]
_CATEGORY_RES = [(key, re.compile(rf"\b(?:{pattern})\b")) for key, pattern in _CATEGORY_WORDS]
# A compound word that starts or ends with a category's word of four letters or more, the rest four or more:
# "reifenwechsel" (tyres), "bookstore"; not "training" nor "busfahrt".
_COMPOUND_RES = [(key, re.compile(rf"(?:{pattern})(?=\w{{4,}}$)|(?<=\w{{4}})(?:{pattern})$"))
                 for key, pattern in _CATEGORY_WORDS]


def _category_matches(text: str) -> list[tuple[int, int, int, str]]:
    """Every category word said: (start, end, its order in _CATEGORY_WORDS, key); a compound word only when no
    category's words name it whole."""
    found = [(f.start(), f.end(), order, key) for order, (key, pattern) in enumerate(_CATEGORY_RES)
             for f in pattern.finditer(text)]
    for word in re.finditer(r"\w{8,}", text):
        if any(s < word.end() and word.start() < e for s, e, _, _ in found):
            continue
        for order, (key, pattern) in enumerate(_COMPOUND_RES):
            part = pattern.search(word.group(0))
            if part and len(part.group(0)) >= 4:
                found.append((word.start(), word.end(), order, key))
                break
    return found

_MERCHANT_LEAD = re.compile(r"(?:^|\s)(?:at|bei|beim|from|von|vom|@|on)\s+(?:the\s+|der\s+|dem\s+|den\s+)?")
# Places that are not a business's name: "at the pharmacy", "beim Friseur".
_GENERIC_PLACES = {
    "pharmacy", "pub", "bar", "cinema", "movies", "garage", "bakery", "bäcker", "baker", "friseur", "frisör", "barber",
    "hairdresser", "doctor", "doctor's", "dentist", "arzt", "zahnarzt", "apotheke", "supermarket", "supermarkt",
    "kiosk", "mechanic", "plumber", "gym", "station", "airport", "tankstelle", "gas", "restaurant", "café", "cafe",
    "office", "work", "market", "markt", "store", "shop", "mall", "bank", "post", "vet", "metzger", "butcher",
    "italiener", "chinese", "grieche", "inder", "club", "concert", "theater", "theatre", "zoo", "museum", "hotel",
}
_NAME_JOINERS = {"im", "de", "la", "le", "del", "du", "am"}
# Small words inside a capitalised name, joined only between two capitalised words.
_NAME_CONNECTORS = {"the", "of", "and", "&", "de", "la", "le", "du", "del", "von", "der", "und"}
_MERCHANT_STOP = {
    "on", "for", "with", "using", "via", "by", "yesterday", "today", "tonight", "last", "this", "split", "and", "paid",
    "mit", "für", "am", "gestern", "heute", "letzten", "letzte", "vorgestern", "und", "bezahlt", "ausgegeben",
    "gekauft", "the", "a", "in", "from", "at", "bei", "to", "von", "im", "per", "über", "ago", "vor", "geteilt",
    "cash", "bar", "dollars", "euros", "euro", "bucks", "of", "my", "meiner", "meinem", "den", "der", "die",
    "das", "um", "around", "ungefähr", "about", "bekommen", "erhalten", "zurück", "back", "note", "notiz",
    "spent", "got", "received", "refund", "refunded", "is", "was", "it", "war", "eingekauft", "gezahlt", "getankt",
    "gegessen",
}
_NOT_MERCHANTS = {"me", "mir", "cash", "bar", "my", "work", "home", "the", "lunch", "dinner", "breakfast", "town",
                  "friday", "monday", "tuesday", "wednesday", "thursday", "saturday", "sunday", "total", "all", "once",
                  "noon", "midnight", "night", "lunchtime", "mittag", "least", "most", "first", "last"}


def _merchant_find(text: str, original: str, taken: list[tuple[int, int]], kind: str) -> tuple[str, float, tuple[int, int]]:
    for found in _MERCHANT_LEAD.finditer(text):
        lead = found.group(0).split()[0]
        start = found.end()
        if any(s <= start < e for s, e in taken) or any(s <= found.start() + 1 < e for s, e in taken):
            continue
        words: list[str] = []
        position = start
        for word_match in re.finditer(r"[^\s,;:!?]+", text[start:]):
            word = word_match.group(0).rstrip(".")
            absolute = start + word_match.start()
            joins = word in _NAME_JOINERS and words and original[absolute + len(word) + 1:absolute + len(word) + 2].isupper()
            if (word in _MERCHANT_STOP and not joins) or any(s <= absolute < e for s, e in taken) or \
                    re.fullmatch(r"[\d.,€$£]+", word):
                break
            words.append(word)
            position = start + word_match.end()
            if len(words) == 4:
                break
        if not words or words[0][0].isdigit() or words[0] in _NOT_MERCHANTS or words[0] in _MONTHS or (
                words[0] in _GENERIC_PLACES and (len(words) == 1 or original[start:position].islower())):
            continue
        said = original[start:position].strip(" .")
        is_name = any(ch.isupper() for ch in said) or lead in ("at", "bei", "beim", "@")
        if lead == "on" and not any(ch.isupper() for ch in said):
            continue  # "on lunch": what it was, not where
        if lead == "on" and any(pattern.search(" ".join(words)) for _, pattern in _CATEGORY_RES):
            continue
        if lead in ("from", "von", "vom") and kind == EXPENSE and not any(ch.isupper() for ch in said):
            continue
        if not is_name:
            continue
        merchant = said if any(ch.isupper() for ch in said) else said.title()
        return merchant, 0.9 if lead in ("at", "bei", "beim", "@") else 0.75, (found.start(), position)
    return "", 0.0, (0, 0)


# ---- a merchant named without "at" ("netflix 12.99", "12 EUR Lidl", "tanken 61,30 esso") ---------------------

# Brands that are also a category's word ("uber" is rideshare): named, they are the merchant too.
_BRANDS = re.compile(r"\b(?:uber eats|uber|lyft|netflix|spotify|disney\+?|lieferando|deliveroo|doordash|airbnb)(?![\w+])"
                     r"|\bdisney\+")
# Words that do not name a business on their own: what was bought or how, plans, people, times, amounts.
_FILLER = {
    "i", "i've", "im", "ich", "hab", "habe", "hat", "we", "wir", "you", "just", "some", "new", "old", "neu", "neue",
    "neuen", "neues", "alt", "bill", "rechnung", "payment", "zahlung", "tip", "trinkgeld", "total", "order",
    "bestellung", "stuff", "things", "sachen", "zeug", "family", "premium", "student", "duo", "abo", "monthly",
    "monatlich", "membership", "mitgliedschaft", "plan", "vertrag", "fee", "week", "weekend", "woche", "wochenende",
    "month", "monat", "year", "jahr", "morning", "evening", "afternoon", "morgen", "abend", "mittag", "nachmittag",
    "mom", "mum", "dad", "mama", "papa", "mutter", "vater", "brother", "sister", "bruder", "schwester", "friend",
    "friends", "freund", "freundin", "freunden", "kids", "kinder", "wife", "husband", "frau", "mann", "took", "take",
    "had", "have", "has", "went", "came", "in", "out", "up", "down", "off", "each", "per", "only", "nur",
    "noch", "schon", "auch", "also", "again", "wieder", "quick", "kurz", "small", "big", "klein", "großer", "kleine",
    "home", "online", "insurance", "versicherung", "christmas", "xmas", "weihnachten", "birthday", "geburtstag",
    "easter", "ostern", "nach", "hause", "zuhause", "there", "here", "dort", "hier", "so", "too", "much", "viel", "fürs", "an",
}
_ARTICLES = {"the", "a", "my", "our", "der", "die", "das", "den", "dem", "ein", "eine", "einen", "einem",
             "mein", "meine", "meinen", "meinem", "unser", "unsere"}
# After these a name is a place or a person the money went to ("train to Hamburg", "Spende an das Rote Kreuz"),
# or one more thing bought ("sandwich and juice").
_PLACE_LEADS = {"to", "into", "in", "im", "nach", "zum", "zur", "ins", "an", "towards", "near", "around", "for",
                "für", "fürs", "with", "mit", "of", "and", "und", "plus"}

_PAYEE_LEADS = {"to", "an"}
_PAYING = re.compile(r"\b(?:paid|pay|paying|donated?|donation|bezahlt|gezahlt|überwiesen|gespendet|spende)\b")

MerchantKnown = Callable[[str], bool]  # does the caller's knowledge (the categorizer) recognise this name?


# German common nouns by their ending: "Lieferung", "Reinigung", "Mitgliedschaft" (German writers capitalise them).
_GERMAN_NOUN = re.compile(r"\w{3,}(?:ung|ungen|heit|keit|schaft|kosten|beitrag|rechnung|karte|zahlung)")


def _is_filler(word: str) -> bool:
    return bool(
        len(word) < 2 or word in _FILLER or word in _ARTICLES or word in _MERCHANT_STOP or word in _NOT_MERCHANTS
        or word in _GENERIC_PLACES or word in _MONTHS or word in _WEEKDAYS or re.search(r"\d", word)
        or _GERMAN_NOUN.fullmatch(word)
        or _currency_code(word) or _word_value(word) is not None
        or any(pattern.fullmatch(word) for pattern in (_EXPENSE, _INCOME, _REFUND, _TRANSFER_VERB)))


def _leftover_runs(text: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Runs of up to three words that no other field explains: (start, end, the word before, articles skipped)."""
    runs: list[tuple[int, int, str]] = []
    run: list[re.Match[str]] = []
    lead, previous = "", ""
    for word in re.finditer(r"\w[\w&'+.-]*", text):
        token = word.group(0).rstrip(".'-")
        if any(s <= word.start() < e for s, e in blocked) or _is_filler(token):
            if run:
                runs.append((run[0].start(), run[-1].end(), lead))
                run = []
        elif len(run) < 3:
            lead = previous if not run else lead
            run.append(word)
        if token not in _ARTICLES:
            previous = token
    if run:
        runs.append((run[0].start(), run[-1].end(), lead))
    return runs


def _as_said(original: str, span: tuple[int, int]) -> str:
    said = original[span[0]:span[1]].strip(" .,")
    return said if any(ch.isupper() for ch in said) else said.title()


def _looks_like_a_name(original: str, start: int, end: int) -> bool:
    """Capitalised where a sentence's first word would not be: "12 EUR Lidl", "McFit", "BVG"."""
    words = original[start:end].split()
    return any((w[:1].isupper() and start > 0) or any(ch.isupper() for ch in w[1:]) for w in words)


def _known_find(text: str, merchants: Sequence[str]) -> tuple[str, tuple[int, int]]:
    """The person's own merchants (the longest name first), named anywhere ("burger king 9.80"), unless the name
    is a common word or category word ("Coffee") or follows "with", "for", "to" (a person: "dinner with Ben")."""
    for name in sorted(merchants, key=len, reverse=True):
        lowered = name.lower()
        if len(lowered) < 3 or _is_filler(lowered) or any(p.fullmatch(lowered) for _, p in _CATEGORY_RES):
            continue
        for found in re.finditer(rf"(?<!\w){re.escape(lowered)}(?!\w)", text):
            before = [w for w in re.findall(r"[\w']+", text[:found.start()]) if w not in _ARTICLES]
            if not before or before[-1] not in _PLACE_LEADS:
                return name, found.span()
    return "", (0, 0)


def _writes_names_capitalised(original: str) -> bool:
    """Someone who capitalised a word after the first ("Movie tickets on Saturday") writes names so: their
    words in lower case are not names."""
    return any(word[:1].isupper() for word in original.split()[1:])


def _bare_merchant_find(text: str, original: str, taken: list[tuple[int, int]], merchants: Sequence[str],
                        known: MerchantKnown | None, kind: str) -> tuple[str, float, tuple[int, int]]:
    """A merchant said without "at": one of the person's own, a brand that is a category's word, words the
    caller's knowledge recognises, or a capitalised name. The span is (0, 0) for a brand, whose word still
    says the category. Money coming in names its payer with "from"; only the person's own merchants count."""
    name, span = _known_find(text, merchants)
    if name and not any(s <= span[0] < e for s, e in taken):
        return name, 0.85, span
    brand = next((b for b in _BRANDS.finditer(text) if not any(s <= b.start() < e for s, e in taken)), None)
    if brand:
        return _as_said(original, brand.span()), 0.8, (0, 0)
    if kind == INCOME:
        return "", 0.0, (0, 0)
    lower_is_name = not _writes_names_capitalised(original)
    blocked = taken + [(start, end) for start, end, _, _ in _category_matches(text)]
    for start, end, lead in _leftover_runs(text, blocked):
        # "paid 39.99 to Vodafone": after "to", in a sentence about paying, only a business the caller knows is
        # the payee; a place ("train to Hamburg") or a person it does not know ("45 to the plumber") stays out.
        payee = lead in _PAYEE_LEADS and kind == EXPENSE and bool(_PAYING.search(text))
        if lead in _PLACE_LEADS and not payee:
            continue
        ends = sorted({end, *(m.end() + start for m in re.finditer(r"\S+", text[start:end]))}, reverse=True)
        capitalised = _looks_like_a_name(original, start, end)
        for stop in ends:  # "hbo max" before "hbo"
            if known is not None and (capitalised or lower_is_name) and known(text[start:stop]):
                if capitalised:  # the whole capitalised name: "Save the Children", not the word known
                    start, stop = _capitalised_neighbours(original, start, stop, taken)
                return _as_said(original, (start, stop)), 0.7, (start, stop)
        if capitalised and not payee:
            start, end = _capitalised_neighbours(original, start, end, taken)
            return _as_said(original, (start, end)), 0.6, (start, end)
    return "", 0.0, (0, 0)


def _capitalised_neighbours(original: str, start: int, end: int, taken: list[tuple[int, int]]) -> tuple[int, int]:
    """A capitalised name with the capitalised words next to it, category words too ("Pizza Hut", "Burger King"),
    never the sentence's first word (capitalised by the keyboard) nor another field's words."""
    def joins(word: re.Match[str], offset: int) -> bool:
        absolute = offset + word.start(1)
        return absolute > 0 and word.group(1)[:1].isupper() and not _is_filler(word.group(1).lower()) \
            and not any(s <= absolute < e for s, e in taken)

    def before_word(end: int) -> re.Match[str] | None:
        found = re.search(r"(\w[\w&'+-]*)\s+$", original[:end])
        if found and found.group(1) in _NAME_CONNECTORS:  # "Save the Children", "Bank of America"
            beyond = re.search(r"(\w[\w&'+-]*)\s+$", original[:found.start(1)])
            return beyond if beyond and joins(beyond, 0) else None
        return found

    def after_word(start: int) -> re.Match[str] | None:
        found = re.match(r"\s+(\w[\w&'+-]*)", original[start:])
        if found and found.group(1) in _NAME_CONNECTORS:
            beyond = re.match(r"\s+(\w[\w&'+-]*)", original[start + found.end(1):])
            if beyond and joins(beyond, start + found.end(1)):
                return re.match(r"\s+\w[\w&'+-]*\s+(\w[\w&'+-]*)", original[start:])
            return None
        return found

    before = before_word(start)
    while before and joins(before, 0):
        start = before.start(1)
        before = before_word(start)
    after = after_word(end)
    while after and joins(after, end):
        end += after.end(1)
        after = after_word(end)
    return start, end


def _category_find(text: str, kind: str, merchant_span: tuple[int, int] = (0, 0)) -> tuple[str, str, float]:
    """The first thing named that says a category; a word of the merchant's name ("Subway") is left to the
    categorizer, which knows the merchant."""
    if kind == REFUND:
        return "income.refunds", "refund", 0.8
    said = [(start, start - end, order, key, text[start:end]) for start, end, order, key in _category_matches(text)
            if not merchant_span[0] <= start < merchant_span[1]
            and (key.startswith("income") == (kind == INCOME) or key == "income.refunds")]
    if said:  # the first thing named ("breakfast at Café Einstein" is a meal), the longest words there ("food shopping")
        _, _, _, key, words = min(said)
        return key, words, 0.85
    return "", "", 0.0


_NOTE = re.compile(r"\b(?:note|notiz|memo|comment)\s*:?\s*(.+)$")


def sentence_parse(text: str, *, today: dt.date, accounts: Sequence[AccountChoice] = (), currency: str = "EUR",
                   groups: Sequence[GroupChoice] = (), merchants: Sequence[str] = (),
                   merchant_known: MerchantKnown | None = None) -> Draft:
    """Read a sentence ("Spent 12.50 on lunch at Chipotle yesterday with my credit card") as a draft.

    ``merchants`` are names the person has paid before; ``merchant_known`` says whether a name not said after
    "at" is a business the caller knows (entries.services asks the categorizer)."""
    original = re.sub(r"\s+", " ", text).strip()
    draft = Draft(text=original)
    note = _NOTE.search(original.lower())
    if note:
        draft.note = original[note.start(1):].strip()
        original = original[:note.start()].strip()
    # Number words become digits; the original keeps its case for the merchant, so both are rewritten alike.
    lowered = original.lower()
    spoken = _words_to_digits(lowered)
    if spoken != lowered:
        original = _recase(original, spoken)
        lowered = spoken
    taken: list[tuple[int, int]] = []

    date, date_confidence, date_span = _date_find(lowered, today)
    if date_span != (0, 0):
        taken.append(date_span)
    names, group_id, group_confidence, split_span = _split_find(lowered, groups)
    if split_span != (0, 0):
        taken.append(split_span)
    transfer_key, transfer_confidence, destination = _transfer_find(lowered, accounts)
    if transfer_key:
        taken.append(destination)
    account_id, account_confidence, account_span = _account_find(_masked(lowered, destination), accounts)
    if transfer_key == "transfers.cash_withdrawal" and any(a[0] == account_id and a[2] == "cash" for a in accounts):
        account_id, account_confidence = None, 0.0  # the cash is where the money went, not where it came from
    if account_span != (0, 0):
        taken.append(account_span)
    amount, code, amount_confidence, amount_span = _amount_find(lowered, taken)
    if amount_span != (0, 0):
        taken.append(amount_span)
        if spoken != text.lower() and amount_confidence:
            amount_confidence = min(amount_confidence, 0.85)  # words heard as numbers are read less surely
    kind, kind_confidence = (TRANSFER, transfer_confidence) if transfer_key else _kind_find(lowered)
    if transfer_key:  # between one's own accounts: no merchant, the transfer's own category
        merchant, merchant_confidence = "", 0.0
        category_key, words, category_confidence = transfer_key, "", 0.8
    else:
        merchant, merchant_confidence, merchant_span = _merchant_find(lowered, original, taken, kind)
        if not merchant:
            merchant, merchant_confidence, merchant_span = _bare_merchant_find(lowered, original, taken,
                                                                               merchants, merchant_known, kind)
        category_key, words, category_confidence = _category_find(lowered, kind, merchant_span)

    draft.amount = amount.quantize(Decimal("0.01")) if amount is not None else None
    draft.currency = code or currency
    draft.kind, draft.date, draft.merchant = kind, date, merchant
    draft.category_key, draft.category_words = category_key, words
    draft.account_id, draft.group_id, draft.split_with = account_id, group_id, names
    draft.confidence = {
        "amount": amount_confidence, "currency": 0.95 if code else (0.6 if amount is not None else 0.0),
        "kind": kind_confidence, "date": date_confidence, "merchant": merchant_confidence,
        "category": category_confidence, "account": account_confidence,
        "group": group_confidence, "note": 0.9 if draft.note else 0.0,
    }
    return draft


def _recase(original: str, spoken: str) -> str:
    """The spoken form with the original's capitals kept on the words that did not change."""
    capitals = {word.lower(): word for word in original.split()}
    return " ".join(capitals.get(word, word) for word in spoken.split(" "))
