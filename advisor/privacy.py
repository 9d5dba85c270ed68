"""What never reaches a model: IBANs, card numbers, account numbers, email addresses and phone numbers are
replaced by placeholders in the question, the conversation so far and every tool result before a prompt is sent.

Money amounts ("EUR 1,234.56", "1.234,56 €"), dates, percentages and years are left alone: they are what the
model is there to talk about. When a pattern could be either (a long digit run), it is stripped: a lost figure
costs a worse answer, a leaked account number cannot be taken back.
"""

from __future__ import annotations

import re

IBAN = "[iban]"
CARD = "[card]"
ACCOUNT = "[account number]"
EMAIL = "[email]"
PHONE = "[phone]"

# IBAN lengths by country (the SWIFT IBAN registry); a known country's IBAN is cut at exactly its length, so that
# an upper-case word printed after it on a bank statement ("... 0130 00 RENT") is not taken for part of it.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29,
    "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Two letters, two check digits, then the rest printed solid or in groups of four.
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?:[ \u00a0][A-Za-z0-9]{4}){2,7}(?:[ \u00a0][A-Za-z0-9]{1,4})?)"
                   r"(?![A-Za-z0-9])")
# Cards are printed in groups (4-4-4-4, 4-6-5, 4-4-4-4-3) or solid; 13-19 digits, Luhn-checked.
_CARD = re.compile(r"(?<![\d.,])\d{4}(?:[ \-]?\d{3,6}){2,4}(?![\d]|[.,]\d)")
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,3}(?:[ .\-/]?\(?\d{1,5}\)?){1,6}(?!\w)")
_PHONE_NORTH_AMERICA = re.compile(r"(?<![\w.,\-/])\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}(?![\w]|[.,]\d)")
# A local number starts with its trunk 0 and is split after the area code: 0170 1234567, (030) 1234-5678, 030/123456.
_PHONE_LOCAL = re.compile(r"(?<![\w.,\-/])(?:\(0\d{1,4}\)|0\d{1,4})[ \-/]?\d{3,}(?:[ \-]\d{2,})*(?![\w]|[.,]\d)")
_ACCOUNT_NAMED = re.compile(
    r"(?i)\b(?P<name>account|acct|a/c|konto|kto|sort\s+code|routing|blz|bsb)\.?(?P<sep>\s*(?:no\.?|nr\.?|number|num\.?|"
    r"nummer|#)?\s*[:#]?\s*)(?P<number>\d[\d \-]{3,}\d)(?![\d]|[.,]\d)")
# Digits printed in groups of four (an account or a card that fails its check), at least twelve of them.
_DIGIT_GROUPS = re.compile(r"(?<![\d.,])\d{4}(?:[ \-]\d{4}){2,}(?:[ \-]\d{1,4})?(?![\d]|[.,]\d)")
# A run of eight or more digits that is not the whole part of an amount ("12345678.90").
_LONG_RUN = re.compile(r"(?<![\d.,])\d{8,}(?![\d]|[.,]\d)")
_CENTS = re.compile(r"\d[.,]\d{2}$")
_DATE_LIKE = re.compile(r"^\(?\d{1,4}\)?[./\-]\d{1,2}[./\-]\d{1,4}$")


def _luhn(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _iban(match: re.Match[str]) -> str:
    text = match.group(0)
    length = IBAN_LENGTHS.get(text[:2].upper())
    # A known country, and mostly digits (every country's IBAN is), so that no run of words is taken for one.
    if length is None or sum(char.isdigit() for char in text[4:]) < 8:
        return text
    seen = 0
    for index, char in enumerate(text):
        seen += char.isalnum()
        if seen == length:
            # What follows a complete IBAN (a word printed right after it) stays.
            return IBAN + text[index + 1:]
    return IBAN


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if 13 <= len(digits) <= 19 and _luhn(digits):
        return CARD
    return match.group(0)


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    # A date, or an amount with its cents ("+12345.67"), is not a phone number.
    if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(text) or _CENTS.search(text):
        return text
    return PHONE


def _account_named(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group("number"))
    if len(digits) < 5:
        return match.group(0)
    return f"{match.group('name')}{match.group('sep')}{ACCOUNT}"


def pii_strip(text: str) -> str:
    """``text`` with IBANs, card, account and phone numbers and email addresses replaced by placeholders."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _IBAN.sub(_iban, text)
    text = _CARD.sub(_card, text)
    text = _ACCOUNT_NAMED.sub(_account_named, text)
    text = _PHONE_INTERNATIONAL.sub(_phone, text)
    text = _DIGIT_GROUPS.sub(ACCOUNT, text)
    text = _PHONE_NORTH_AMERICA.sub(_phone, text)
    text = _PHONE_LOCAL.sub(_phone, text)
    return _LONG_RUN.sub(ACCOUNT, text)
