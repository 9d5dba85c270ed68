"""A readable merchant name from a bank's raw description.

"POS PURCHASE SQ *BLUE BOTTLE COFFEE 0042 OAKLAND CA" -> "Blue Bottle Coffee". Processor prefixes,
payment-method words, store numbers, card numbers, dates, times, reference codes and trailing
locations are removed; what is left is title-cased. Conservative by design: when the cleaning would
leave nothing, the description itself (tidied) is kept.
"""

from __future__ import annotations

import re

# Payment-method and processor words that banks put before the merchant.
_PREFIXES = [
    r"pos\s+purchase", r"pos\s+debit", r"pos", r"card\s+payment(\s+to)?", r"card\s+purchase", r"debit\s+card",
    r"visa\s+debit", r"visa", r"mastercard", r"maestro", r"contactless", r"purchase", r"payment\s+to", r"payment",
    r"direct\s+debit", r"dd", r"standing\s+order", r"so", r"sepa[- ]lastschrift", r"sepa[- ]überweisung",
    r"sepa[- ]ueberweisung", r"sepa", r"lastschrift", r"kartenzahlung", r"ec[- ]karte", r"girocard", r"gutschrift",
    r"überweisung", r"ueberweisung", r"betaalautomaat", r"bea", r"gea", r"ideal", r"incasso",
    r"compra", r"pago", r"paiement\s+par\s+carte", r"cb", r"prlv\s+sepa", r"vir\s+sepa",
    r"sq\s*\*", r"sqr\s*\*", r"tst\s*\*", r"paypal\s*\*", r"pp\s*\*", r"sumup\s*\*", r"zettle_?\s*\*", r"iz\s*\*",
    r"amzn\s+mktp\s+\w{2}\s*\*?", r"google\s*\*", r"apple\.com/bill", r"\(effec\s*\)",
]
_PREFIX = re.compile(r"^(?:(?:" + "|".join(_PREFIXES) + r")\b[\s:*-]*)+", re.IGNORECASE)
# Words that are noise wherever they appear.
_NOISE = re.compile(
    r"\b(?:card\s+no\.?|karte\s+\d+|ref(?:erence)?[:.]?\s*\S+|auth\s*code\s*\S+|(?:pty\)?\s*)?ltd|gmbh|"
    r"sagt\s+danke|danke|inc|llc|plc|b\.?v\.?|s\.?a\.?r?\.?l?\.?|co\.?\s+kg)\b\.?",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b\d{1,4}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b",
    re.IGNORECASE,
)
# Digits-bearing tokens: store numbers, card numbers, terminal ids, order ids ("#1234", "2K4AB12", "X5100").
_NUMBERISH = re.compile(r"(?:#|\bno\.?\s*)?\b(?!\d+(?:st|nd|rd|th)\b)(?=\w*\d)[\w*-]{3,}\b|\*+\d+|\b\d+\b",
                        re.IGNORECASE)
_US_STATE = re.compile(r"\s+(?:[A-Z]{2})$")
_SPACES = re.compile(r"\s+")
_PUNCT_EDGES = re.compile(r"^[\s*#:/,.-]+|[\s*#:/,.-]+$")

_LOWER_WORDS = {"and", "of", "the", "de", "la", "du", "van", "der", "und", "&"}


# Descriptors whose merchant is the processor itself.
_ALIASES = [
    (re.compile(r"\bamzn\s+mktp\b|\bamazon\s+marketplace\b", re.IGNORECASE), "Amazon Marketplace"),
    (re.compile(r"\bamzn\b|\bamazon\.(?:com|de|co\.uk|fr|es|it|nl)\b", re.IGNORECASE), "Amazon"),
    (re.compile(r"\bapple\.com/bill\b|\bitunes\.com\b", re.IGNORECASE), "Apple"),
    (re.compile(r"\buber\s*\*?\s*eats\b", re.IGNORECASE), "Uber Eats"),
    (re.compile(r"\buber\b", re.IGNORECASE), "Uber"),
]


def merchant_clean(description: str) -> str:
    text = _SPACES.sub(" ", description or "").strip()
    if not text:
        return ""
    for pattern, name in _ALIASES:
        if pattern.search(text):
            return name
    cleaned = _PREFIX.sub("", text)
    cleaned = _DATE.sub(" ", cleaned)
    cleaned = _NOISE.sub(" ", cleaned)
    # Processor separators: keep what follows "SQ *" style markers, and cut at the first " * " reference.
    cleaned = cleaned.split(" * ")[0]
    cleaned = _NUMBERISH.sub(" ", cleaned)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    cleaned = _US_STATE.sub("", cleaned) if re.search(r"\s[A-Z]{2}$", cleaned) and len(cleaned.split()) > 2 else cleaned
    cleaned = _PUNCT_EDGES.sub("", cleaned)
    # Long descriptors carry places and references after the name: the first four words say who it was.
    cleaned = _PUNCT_EDGES.sub("", " ".join(cleaned.split()[:4]))
    if not cleaned:
        return _title(_PUNCT_EDGES.sub("", text))[:200]
    return _title(cleaned)[:200]


def _title(text: str) -> str:
    out = []
    for index, word in enumerate(text.split()):
        lower = word.lower()
        if index and lower in _LOWER_WORDS:
            out.append(lower)
        elif any(c.islower() for c in word) and any(c.isupper() for c in word[1:]):
            out.append(word)  # keep brand casing such as "McDonald's" or "iTunes"
        elif "." in word and len(word) > 4:
            out.append(lower)  # domains: netflix.com
        else:
            out.append(word[:1].upper() + word[1:].lower())
    return " ".join(out)
