"""The intent matcher: a question in plain words → what it asks (an intent) and its arguments (an amount, a date,
a period, a goal, a category or merchant). No model: patterns with weights, and the person's own names (goals,
categories, merchants) matched loosely. ``advisor.writers`` turns the match into tool calls and an answer.

Each intent lists patterns that speak for it, with a weight; the question's best-scoring intent wins when it
reaches ``THRESHOLD``. Arguments found in the question add weight to the intents that use them (an amount makes
"can I afford" likelier). Unknown questions get ``UNKNOWN``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import dateparser
from dateutil.relativedelta import relativedelta
from rapidfuzz import fuzz, process, utils

from accounts.models import User
from core.months import month_add, month_end, month_start
from goals import selectors as goals
from mlcore import services as mlcore
from transactions.selectors import category_list

UNKNOWN = "unknown"
THRESHOLD = 2.0
NAME_CUTOFF = 82  # rapidfuzz score (0–100) for a loosely named goal, category or merchant


@dataclass
class Match:
    intent: str
    question: str
    score: float = 0.0
    amount: Decimal | None = None
    date: dt.date | None = None
    period: str | None = None  # a tools.PERIODS name or "YYYY-MM"
    goal: str | None = None  # a goal's exact name
    name: str | None = None  # a category or merchant, as the person's data spells it
    by: str = "category"  # what ``name`` is: category or merchant
    days: int | None = None  # "in the next 10 days"
    extra: dict[str, Any] = field(default_factory=dict)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# (intent, [(pattern, weight)]): weights add up; 2.0 decides alone.
INTENTS: list[tuple[str, list[tuple[re.Pattern[str], float]]]] = [(name, [(_rx(p), w) for p, w in rules]) for name, rules in (
    ("spent_more", [
        (r"\bwhy\b.{0,40}\b(?:spen[dt]|spending|expenses?|costs?|outgoings)\b.{0,30}\b(?:more|higher|high|up|so much|increase|"
         r"a lot|much)\b", 3.0),
        (r"\bwhy\b.{0,30}\b(?:more|higher)\b.{0,20}\b(?:spen[dt]|spending|expenses?)\b", 3.0),
        (r"\b(?:spen[dt]|spending)\s+(?:more|went up|increased|is up|so much)\b", 2.0),
        (r"\bwhat\s+(?:made|makes|caused|drove|is driving)\b.{0,40}\b(?:spending|expensive|costs?)\b", 2.5),
        (r"\boverspen[dt]\w*\b", 1.5),
        (r"\bwhy\b.{0,40}\b(?:expensive|costly|pricey|dear)\b", 3.0),
        (r"\b(?:more|so|very|extra)\s+expensive\b", 2.0),
    ]),
    ("where_money_goes", [
        (r"\bwhere\b.{0,25}\b(?:money|cash|salary|income|pay)\b.{0,10}\b(?:go|goes|going|gone|went)\b", 3.0),
        (r"\b(?:top|biggest|largest|main)\s+(?:merchants?|shops?|stores?|payees?)\b", 2.5),
        (r"\bwhat\b.{0,20}\b(?:do|did|am)\s+i\b.{0,20}\bspen[dt]\w*\b.{0,20}\b(?:most|on)\b", 2.0),
        (r"\b(?:biggest|largest|top|main)\s+(?:expenses?|spending|costs?|categor\w*|outgoings)\b", 2.5),
        (r"\b(?:spending|expense)\s+(?:breakdown|by category|split)\b", 2.5),
        (r"\bbreak\s*down\b.{0,20}\b(?:spending|expenses)\b", 2.5),
        (r"\bwhere\b.{0,30}\bspen[dt]\w*\b", 2.0),
        (r"\bwho\b.{0,20}\b(?:do|did)\s+i\s+(?:pay|spend)\b.{0,10}\bmost\b", 2.0),
        (r"\b(?:which|what)\s+(?:shops?|stores?|merchants?|places?|companies|businesses)\b", 2.5),
        (r"\bhow\s+much\b.{0,20}\b(?:did|have|do)\s+i\s+spen[dt]\b", 2.0),
    ]),
    ("afford", [
        (r"\bafford\w*\b", 3.0),
        (r"\b(?:do|will|would)\s+i\s+have\s+enough\b", 2.5),
        (r"\benough\s+(?:money|cash|funds)\b", 2.0),
        (r"\bis\b.{0,30}\b(?:ok|okay|fine|doable|realistic)\b", 1.0),
        (r"\b(?:can|could|may|should)\s+i\s+(?:buy|spend|pay\s+for|get|book|take|purchase|splurge)\b", 1.5),
        (r"\b(?:want|like|plan(?:ning)?|thinking\s+of|going)\s+to\s+(?:buy|spend|get|book|purchase)\b", 1.5),
        (r"\b(?:will|would)\s+i\s+be\s+able\s+to\s+(?:pay|buy|afford|spend|cover|get)\b", 3.0),
        (r"\bis\s+(?:buying|spending|getting|booking)\b", 2.0),
        (r"\b(?:good|bad|wise|smart)\s+idea\b", 1.0),
        (r"\b(?:be\s+a\s+problem|be\s+ok(?:ay)?|be\s+fine|hurt\s+me|be\s+too\s+much|break\s+the\s+bank)\b", 1.5),
        (r"\b(?:handle|cope\s+with|stretch\s+to|take)\b.{0,20}\b(?:purchase|spend\w*|cost|expense|payment)\b", 1.5),
        (r"\b(?:can|could)\s+i\s*\??$", 0.5),
    ]),
    ("goal_sooner", [
        (r"\b(?:reach|hit|get\s+to|achieve|complete|finish|meet|fill)\b.{0,40}\b(?:sooner|faster|earlier|quicker|quickly)\b",
         3.0),
        (r"\b(?:sooner|faster|earlier|quicker|speed\s+up)\b.{0,30}\bgoals?\b", 2.5),
        (r"\bgoals?\b.{0,30}\b(?:sooner|faster|earlier|quicker|speed\s+up)\b", 2.5),
        (r"\bhow\s+(?:can|do|could)\s+i\b.{0,30}\b(?:reach|hit|get\s+to|achieve|save\s+for)\b", 1.5),
        (r"\bif\s+i\s+(?:sav\w*|put\s+(?:aside|away|in)|add\w*|set\s+aside|pa(?:y|id)\s+in|contribut\w*)\b.{0,40}"
         r"\b(?:more|extra|additional)\b", 3.5),
        (r"\bsave\s+for\b.{0,40}\b(?:sooner|faster|earlier|quicker|quickly)\b", 3.0),
    ]),
    ("goals_status", [
        (r"\b(?:how\s+are|how's|status\s+of|progress\s+(?:on|of)|check\s+on)\b.{0,20}\bgoals?\b", 3.0),
        (r"\bgoals?\b.{0,20}\b(?:on\s+track|progress|going)\b", 2.5),
        (r"\bon\s+track\b", 1.5),
        (r"\bwhen\s+will\s+i\s+(?:reach|have|hit)\b", 2.0),
        (r"\bhow\s+much\b.{0,30}\b(?:need|left|to\s+go|missing|short)\b.{0,20}\bfor\b", 2.0),
    ]),
    ("invest_ready", [
        (r"\bready\s+to\s+(?:start\s+)?invest\w*\b", 3.0),
        (r"\bafford\s+to\s+invest\b", 4.5),
        (r"\b(?:good|right|bad)\s+(?:time|idea|moment)\b.{0,25}\binvest\w*\b", 3.0),
        (r"\b(?:put|start|begin)\b.{0,30}\b(?:stock\s+market|shares|etfs?|invest\w*)\b", 2.0),
        (r"\b(?:should|can|could|shall)\s+i\s+(?:start\s+)?invest\w*\b", 3.0),
        (r"\binvest\w*\s+readiness\b", 3.0),
        (r"\bhow\s+much\b.{0,20}\binvest\b", 2.5),
        (r"\binvest\w*\b", 1.5),
        (r"\b(?:stock\s+market|etf|index\s+funds?)\b", 1.0),
    ]),
    ("due_before_payday", [
        (r"\b(?:due|pay|owe|coming\s+out|go(?:ing)?\s+out)\b.{0,40}\bbefore\b.{0,20}\b(?:pay\s*day|pay\s*check|pay\s*cheque|"
         r"salary|i\s+get\s+paid|next\s+pay)\b", 3.5),
        (r"\b(?:bills?|payments?|direct\s+debits?|standing\s+orders?)\b.{0,30}\b(?:due|coming|upcoming|left|next|before)\b", 2.5),
        (r"\b(?:upcoming|next|outstanding)\s+(?:bills?|payments?)\b", 2.5),
        (r"\b(?:payments?|bills?|debits?|money)\b.{0,20}\b(?:going\s+out|leaving|coming\s+out|due)\b", 2.5),
        (r"\bpay\s*day\b", 1.5),
        (r"\bwhat\b.{0,20}\b(?:do\s+i\s+(?:still\s+)?have\s+to\s+pay|is\s+(?:still\s+)?due)\b", 2.5),
        (r"\b(?:what'?s|what\s+is|anything|something)\s+(?:still\s+)?due\b", 3.0),
        (r"\b(?:what'?s|what\s+is|what\s+will\s+be)\s+(?:going|coming)\s+out\b", 3.0),
    ]),
    ("changed", [
        (r"\bwhat\b.{0,20}\b(?:changed|different|moved|shifted)\b", 2.5),
        (r"\bcompar\w*\b.{0,30}\blast\s+month\b", 2.5),
        (r"\b(?:since|compared\s+(?:to|with)|versus|vs\.?|against|than)\s+last\s+month\b", 2.0),
        (r"\bmonth[- ]over[- ]month\b", 2.5),
        (r"\bdifferen\w*\b.{0,30}\blast\s+month\b", 2.0),
    ]),
    ("how_much_save", [
        (r"\bsurplus\b", 2.5),
        (r"\bsafe(?:ly)?\b.{0,30}\b(?:save|savings|put|set)\b", 3.0),
        (r"\bafford\s+to\s+(?:save|put|set)\b", 4.5),
        (r"\bleft\s+over\b", 2.0),
        (r"\bhow\s+much\b.{0,25}\b(?:can|could|should|shall|might)\s+i\b.{0,20}\b(?:save|saving|put\s+(?:aside|away)|set\s+aside|"
         r"squirrel)\b", 3.5),
        (r"\b(?:room|space|potential)\b.{0,20}\b(?:sav\w+)\b", 2.0),
        (r"\bsafe\s+(?:amount|surplus)\b", 2.5),
        (r"\bhow\s+much\b.{0,20}\b(?:left\s+over|spare|surplus)\b", 2.5),
    ]),
    ("savings_rate", [
        (r"\bsavings?\s+rate\b", 3.0),
        (r"\bhow\s+much\b.{0,20}\b(?:did|have|do)\s+i\s+(?:save|saved)\b", 3.0),
        (r"\bam\s+i\s+saving\b", 3.0),
        (r"\bhow\s+much\b.{0,20}\b(?:did|have)\s+i\s+(?:save|saved|put\s+(?:aside|away)|set\s+aside)\b", 3.5),
        (r"\b(?:percent(?:age)?|share|proportion|how\s+much)\b.{0,30}\bincome\b.{0,20}\b(?:save|saving|saved|put\s+aside)\b", 3.0),
        (r"\b(?:how\s+much|what)\b.{0,20}\b(?:do|did)\s+i\s+(?:earn|make|get\s+paid)\b", 2.5),
        (r"\b(?:my\s+)?(?:income|salary|earnings)\b", 1.0),
        (r"\bwhat'?s?\s+(?:is\s+)?my\s+(?:income|salary|earnings)\b", 2.0),
        (r"\b(?:came|come|comes|coming)\s+in\b", 2.5),
    ]),
    ("budget", [
        (r"\bbudgets?\b", 2.5),
        (r"\bover\s*spen[dt]\w*\b", 2.0),
        (r"\bhow\s+much\b.{0,20}\bleft\s+(?:to\s+spend|for|in)\b", 1.5),
    ]),
    ("forecast", [
        (r"\b(?:balance|money|cash)\b.{0,40}\b(?:end\s+of|next\s+month|forecast|will\s+be|expected|lowest|low)\b", 2.5),
        (r"\bwill\s+i\s+(?:run\s+out|be\s+overdrawn|go\s+(?:negative|into\s+(?:the\s+)?red|below))\b", 3.5),
        (r"\b(?:will\s+i|am\s+i\s+going\s+to|going\s+to)\s+(?:run|be|go|end\s+up)\s+(?:out|low|short|overdrawn|negative|"
         r"into|in\s+the\s+red)\b", 3.5),
        (r"\boverdra\w+\b|\b(?:in|into)\s+the\s+red\b|\bgo\s+(?:negative|below\s+zero)\b", 3.0),
        (r"\bwhat\s+will\s+i\s+have\b", 3.0),
        (r"\blowest\s+(?:point|balance)\b", 3.0),
        (r"\bforecast\w*\b", 2.5),
        (r"\bhow\s+much\s+will\s+i\s+have\b", 3.0),
        (r"\b(?:what'?s|what\s+is)\s+my\s+(?:balance|net\s+worth)\b", 2.5),
        (r"\bhow\s+much\s+(?:money|cash)?\s*(?:do\s+i\s+have|have\s+i\s+got|is\s+in\s+my\s+accounts?)\b", 3.0),
    ]),
    ("alerts", [
        (r"\b(?:unusual|suspicious|strange|odd|weird|unexpected|fraud\w*|unknown)\s+(?:charges?|payments?|transactions?|"
         r"activity|spending)\b", 3.0),
        (r"\b(?:double|twice)\s+charged\b|\bcharged\s+(?:me\s+)?(?:twice|double)\b|\bduplicate\s+(?:charges?|payments?)\b",
         3.0),
        (r"\balerts?\b", 2.0),
        (r"\banything\s+(?:unusual|odd|strange|wrong|suspicious)\b", 3.0),
        (r"\bfraud\w*\b", 2.0),
    ]),
    ("category_spend", [
        (r"\bhow\s+much\b.{0,30}\b(?:spen[dt]|pay|paid|cost|go(?:es)?|went)\b.{0,20}\b(?:on|at|for|to|in)\b", 2.0),
        (r"\b(?:spending|spent|spend)\s+(?:on|at)\b", 1.5),
        (r"\bcost\s+me\b", 1.0),
    ]),
    ("subscriptions", [
        (r"\bsubscriptions?\b", 3.0),
        (r"\b(?:recurring|regular|monthly|fixed)\s+(?:payments?|bills?|costs?|charges?|expenses)\b", 2.5),
        (r"\b(?:direct\s+debits?|standing\s+orders?|memberships?)\b", 2.0),
        (r"\bwhat\s+(?:are\s+)?(?:all\s+)?my\s+bills\b", 2.5),
        (r"\bbills?\b.{0,20}\bcost\b|\bhow\s+much\b.{0,20}\b(?:bills|subscriptions)\b", 2.5),
    ]),
    ("overview", [
        (r"\b(?:summary|overview|snapshot|check[- ]?up|health\s+check|review|recap)\b", 2.5),
        (r"\bhow\s+am\s+i\s+doing\b", 3.0),
        (r"\bhow\s+(?:are|is)\s+my\s+(?:finances|money)\b", 3.0),
        (r"\b(?:am\s+i|are\s+my\s+finances)\s+(?:ok|okay|fine|alright|in\s+good\s+shape)\b", 3.0),
    ]),
    ("cut_back", [
        (r"\b(?:cut\s+back|cut\s+down|spend\s+less|reduce\s+(?:my\s+)?(?:spending|expenses|costs)|save\s+more|"
         r"trim|tighten)\b", 3.0),
        (r"\bwhere\b.{0,20}\b(?:cut|save|economi[sz]e)\b", 2.5),
        (r"\bhow\s+(?:can|do|could)\s+i\s+save\b", 2.0),
    ]),
    ("debt", [
        (r"\b(?:debts?|owe|owing|loans?|borrow\w*)\b", 2.5),
        (r"\bcredit\s+cards?\b", 2.0),
        (r"\bpay\s+(?:off|down|back)\b", 2.0),
    ]),
    ("help", [
        (r"\bwhat\s+can\s+you\s+(?:do|answer|tell)\b", 3.0),
        (r"^\s*(?:help|\?|hi|hello|hey|hallo|good\s+(?:morning|evening|afternoon))\W*$", 3.0),
        (r"\bwhat\s+(?:should|can)\s+i\s+ask\b", 3.0),
        (r"^\s*(?:thanks?|thank\s+you|cheers|ok(?:ay)?|great|cool)\b.{0,20}$", 3.0),
    ]),
)]

# ---- arguments -----------------------------------------------------------------------------------------------

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan", "januar", "janvier"), ("february", "feb", "februar", "fevrier"), ("march", "mar", "märz", "maerz"),
    ("april", "apr"), ("may", "mai"), ("june", "jun", "juni"), ("july", "jul", "juli"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct", "oktober"), ("november", "nov"),
    ("december", "dec", "dezember")), 1) for name in names}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CURRENCY_WORD = r"(?:€|\$|£|eur|euros?|usd|dollars?|bucks|gbp|pounds?|chf|francs?|sek|nok|dkk|kr|pln|zł)"
_NUMBER = r"\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(
    rf"(?P<pre>{_CURRENCY_WORD})\s*(?P<a>{_NUMBER})\s*(?P<k>k\b|thousand\b|grand\b)?"
    rf"|(?P<b>{_NUMBER})\s*(?P<k2>k\b|thousand\b|grand\b)?\s*(?P<post>{_CURRENCY_WORD})?",
    re.IGNORECASE)
_NOT_MONEY_AFTER = re.compile(r"\s*(?:%|percent|days?|weeks?|months?|years?|yrs?|st\b|nd\b|rd\b|th\b|am\b|pm\b|:\d|"
                              r"(?:of\s+)?" + _MONTH + r")", re.IGNORECASE)
_DATE_PHRASES = [re.compile(p, re.IGNORECASE) for p in (
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?",
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\d)",
    r"\b(?:next|this|on|coming)\s+(?:" + "|".join(_WEEKDAYS) + r")\b",
    r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b",
    r"\bin\s+(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:days?|weeks?|months?|years?)\b",
    r"\b(?:end\s+of\s+(?:the\s+|this\s+)?(?:month|year)|end\s+of\s+next\s+month|christmas|new\s+year)\b",
    r"\b(?:today|tomorrow|next\s+week|next\s+month|next\s+year)\b",
)]
_MONTH_ONLY = re.compile(rf"\b(?:in|by|on|for|before|until|till|this|next|come)\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?\b",
                         re.IGNORECASE)
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "twelve": 12}


def _decimal(text: str) -> Decimal | None:
    """ "1,200" / "1.200,50" / "1 200" / "12.5" → Decimal."""
    text = text.replace(" ", "")
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


def amount_find(question: str, *, skip: list[tuple[int, int]] = ()) -> Decimal | None:
    """The money in a question: "EUR 1,200", "1.2k", "500 euros", "€80"; a number written with a currency first,
    else the largest plain number that is not a date, a count of days/months, or a percent."""
    with_currency, plain = [], []
    for found in _MONEY.finditer(question):
        if any(start <= found.start() < end for start, end in skip):
            continue
        digits = found.group("a") or found.group("b")
        value = _decimal(digits)
        if value is None:
            continue
        if found.group("k") or found.group("k2"):
            value *= 1000
        if found.group("pre") or found.group("post"):
            with_currency.append(value)
        elif not _NOT_MONEY_AFTER.match(question, found.end()) and not _year(question, found.start(), value):
            plain.append(value)
    if with_currency:
        return with_currency[0]
    return max(plain) if plain else None


_YEAR_BEFORE = re.compile(rf"(?:\b(?:in|since|until|till|by|of|from|to|before|after|during|year)|{_MONTH}),?\s*$",
                          re.IGNORECASE)


def _year(question: str, start: int, value: Decimal) -> bool:
    """A number that reads as a year: 1900–2100 after "in", "since", a month's name, ... ("in 2027", "March 2027")."""
    return 1900 <= value <= 2100 and value == value.to_integral_value() and bool(
        _YEAR_BEFORE.search(question[max(0, start - 20):start]))


def date_find(question: str, *, today: dt.date) -> tuple[dt.date | None, list[tuple[int, int]]]:
    """The date a question names ("by 15 March", "next Friday", "in 3 months", "in June", "end of the month"),
    never before today, and where it was written (so its numbers are not taken for money)."""
    base = dt.datetime.combine(today, dt.time(12))
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base, "PREFER_DAY_OF_MONTH": "first",
                "DATE_ORDER": "DMY"}
    lowered = question.lower()
    for pattern in _DATE_PHRASES:
        found = pattern.search(lowered)
        if not found:
            continue
        phrase = found.group(0)
        day = _date_special(phrase, today)
        if day is None:
            parsed = dateparser.parse(re.sub(r"^(?:on|coming)\s+", "", phrase), languages=["en", "de"], settings=settings)
            day = parsed.date() if parsed else None
        if day is not None:
            return max(day, today), [found.span()]
    found = _MONTH_ONLY.search(lowered)
    if found:
        month = _MONTHS[found.group("m").rstrip(".")]
        year = int(found.group("y")) if found.group("y") else today.year
        day = dt.date(year, month, 1)
        if day < month_start(today) and not found.group("y"):
            day = day.replace(year=year + 1)
        if month_start(day) == month_start(today):
            day = today
        return day, [found.span()]
    return None, []


def _date_special(phrase: str, today: dt.date) -> dt.date | None:
    if phrase in ("end of the month", "end of this month", "end of month"):
        return month_end(today)
    if phrase == "end of next month":
        return month_end(month_add(today, 1))
    if phrase in ("end of the year", "end of this year", "end of year"):
        return dt.date(today.year, 12, 31)
    if phrase == "christmas":
        day = dt.date(today.year, 12, 24)
        return day if day >= today else day.replace(year=today.year + 1)
    found = re.fullmatch(r"the\s+(\d{1,2})(?:st|nd|rd|th)", phrase)
    if found:  # the next such day of a month, today included
        day = int(found.group(1))
        for ahead in range(0, 3):
            month = month_add(month_start(today), ahead)
            if day <= month_end(month).day and month.replace(day=day) >= today:
                return month.replace(day=day)
        return None
    if phrase == "new year":
        return dt.date(today.year + 1, 1, 1)
    if phrase == "next month":
        return month_add(month_start(today), 1)
    if phrase == "next year":
        return dt.date(today.year + 1, 1, 1)
    found = re.fullmatch(r"in\s+(\w+)\s+(day|week|month|year)s?", phrase)
    if found:
        word = found.group(1)
        count = int(word) if word.isdigit() else _WORD_NUMBERS.get(word)
        return None if count is None else today + relativedelta(**{f"{found.group(2)}s": count})
    found = re.fullmatch(r"(?:next|this|on|coming)\s+(\w+)", phrase)
    if found and found.group(1) in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(found.group(1)) - today.weekday()) % 7
        if phrase.startswith("next") and ahead == 0:
            ahead = 7
        return today + dt.timedelta(days=ahead)
    return None


def period_find(question: str, *, today: dt.date) -> str | None:
    """A period the question names: this month, last month, the last three months, this year, the last year, or a
    month by name (its latest occurrence, this month included)."""
    q = question.lower()
    if re.search(r"\b(?:last|past|previous)\s+(?:3|three)\s+months\b|\blast\s+quarter\b", q):
        return "last_3_months"
    if re.search(r"\b(?:last|past|previous)\s+(?:12|twelve)\s+months\b|\b(?:last|past)\s+year\b", q):
        return "last_12_months"
    if re.search(r"\byesterday\b", q):
        return "yesterday"
    if re.search(r"\btoday\b", q):
        return "today"
    if re.search(r"\b(?:last|previous|past)\s+week\b", q):
        return "last_week"
    if re.search(r"\bthis\s+week\b", q):
        return "this_week"
    if re.search(r"\bthis\s+year\b|\bso\s+far\s+this\s+year\b|\byear\s+to\s+date\b|\bytd\b", q):
        return "this_year"
    if re.search(r"(?<!since )(?<!than )(?<!to )(?<!with )(?<!vs )(?<!versus )(?<!against )(?<!from )"
                 r"\b(?:last|previous|past)\s+month\b", q):
        return "last_month"
    if re.search(r"\bthis\s+month\b|\bso\s+far\b", q):
        return "this_month"
    found = re.search(rf"\b(?:in|during|for|of)\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?\b", q)
    if found:
        month = _MONTHS[found.group("m").rstrip(".")]
        year = int(found.group("y")) if found.group("y") else today.year
        if dt.date(year, month, 1) > month_start(today):
            year -= 1
        return f"{year:04d}-{month:02d}"
    return None


def _names(user: User) -> tuple[list[str], list[str]]:
    """The person's category names and the merchants their stored patterns know (no scan of the ledger)."""
    categories = sorted({c.name for c in category_list(user=user)})
    stored = mlcore.patterns_get(user=user)
    merchants = [m.name for m in stored[0].merchants][:500] if stored else []
    return categories, merchants


_STOP = re.compile(r"\b(?:how|much|did|do|does|have|has|i|me|my|we|spend|spent|spending|pay|paid|on|at|for|to|in|the|"
                   r"a|an|this|last|past|month|months|year|week|so|far|cost|costs|go|goes|went|money|what|is|was|"
                   r"total|all|of|from|since|per|every|each|average|usually|typically|buy|buying)\b", re.IGNORECASE)


def _best(query: str, choices: list[str]) -> tuple[str, float] | None:
    if not query or not choices:
        return None
    found = process.extractOne(query, choices, scorer=fuzz.WRatio, processor=utils.default_process,
                               score_cutoff=NAME_CUTOFF)
    return (found[0], found[1]) if found else None


SYNONYMS = {  # words people use → words categories use
    "eating out": "restaurants", "dining out": "restaurants", "dining": "restaurants", "takeaway": "restaurants",
    "take-away": "restaurants", "takeout": "restaurants", "food delivery": "restaurants", "lunch": "restaurants",
    "coffee": "coffee", "transport": "transportation", "commute": "transportation", "commuting": "transportation",
    "petrol": "fuel", "gas": "fuel", "car": "transportation", "food": "food", "supermarket": "groceries",
    "shopping": "shopping", "clothes": "clothing", "holidays": "travel", "holiday": "travel", "vacation": "travel",
    "flat": "housing", "apartment": "housing", "home": "housing", "energy": "utilities", "phone": "phone",
    "internet": "internet", "gym": "fitness", "sport": "fitness", "kids": "children", "pets": "pets",
    "insurance": "insurance", "fees": "fees", "bank fees": "fees", "presents": "gifts", "charity": "donations",
    "streaming": "streaming", "subscriptions": "subscriptions", "doctor": "health", "pharmacy": "pharmacy",
}


def _words(text: str) -> str:
    """" food & drink ": lower-case words between spaces, to find a name written out in full."""
    return " " + " ".join(re.findall(r"[\w&]+", text.lower())) + " "


def name_find(question: str, *, user: User) -> tuple[str, str] | None:
    """A category or merchant the question names ("groceries", "at REWE"): (name as stored, "category"|"merchant")."""
    found = re.search(r"\b(?:on|at|for|to|with|in|paid|pay)\s+(?P<rest>[\w&' .-]{2,40}?)(?:\s+(?:this|last|in|during|so|since|"
                      r"over|per|each|every|the\s+last)\b|[?.!,]|$)", question, re.IGNORECASE)
    query = found.group("rest") if found else _STOP.sub(" ", question)
    query = _STOP.sub(" ", query).strip()
    if len(query) < 3:
        return None
    categories, merchants = _names(user)
    lowered = query.lower()
    for word, meant in sorted(SYNONYMS.items(), key=lambda item: -len(item[0])):
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            direct = next((c for c in categories if c.lower() == lowered), None)
            synonym = next((c for c in categories if meant in c.lower()), None)
            chosen = direct or synonym
            if chosen:
                return chosen, "category"
    if not found:  # no "on …"/"at …": only a name written out in full counts ("What did Housing cost me?")
        words = _words(question)
        for names, kind in ((categories, "category"), (merchants, "merchant")):
            exact = [name for name in names if _words(name) in words]
            if exact:
                return max(exact, key=len), kind
        return None
    category = _best(query, categories)
    merchant = _best(query, merchants)
    if category and (not merchant or category[1] >= merchant[1]):
        return category[0], "category"
    if merchant:
        return merchant[0], "merchant"
    return None


def goal_find(question: str, *, user: User) -> str | None:
    """A goal the question names, loosely ("my emergency fund", "the Japan trip"); the only goal when there is one
    and the question says "my goal"."""
    rows = list(goals.goal_list(user=user).values_list("name", "kind"))
    if not rows:
        return None
    names = [name for name, _ in rows]
    for name in names:
        if name.lower() in question.lower():
            return name
    if re.search(r"\bemergency\b|\brainy\s+day\b|\bsafety\s+net\b", question, re.IGNORECASE):
        for name, kind in rows:
            if kind == "emergency":
                return name
    found = process.extractOne(question, names, scorer=fuzz.partial_token_set_ratio, processor=utils.default_process,
                               score_cutoff=90)
    if found:
        return str(found[0])
    if len(rows) == 1 and re.search(r"\bgoal\b", question, re.IGNORECASE):
        return names[0]
    return None


# ---- matching ------------------------------------------------------------------------------------------------

def intent_match(question: str, *, user: User, today: dt.date) -> Match:
    """The intent a question asks, with its arguments; ``UNKNOWN`` when nothing scores ``THRESHOLD``."""
    text = question.strip()
    scores: dict[str, float] = {}
    for name, rules in INTENTS:
        score = sum(weight for pattern, weight in rules if pattern.search(text))
        if score:
            scores[name] = score
    date, spans = date_find(text, today=today)
    amount = amount_find(text, skip=spans)
    match = Match(intent=UNKNOWN, question=text, amount=amount, date=date, period=period_find(text, today=today))
    if amount is not None:  # an amount speaks for affording it, more so with other words for it
        scores["afford"] = scores.get("afford", 0) + (2.0 if "afford" in scores else 1.0)
        if "goal_sooner" in scores or "goals_status" in scores:
            match.extra["extra"] = amount
    days = re.search(r"\b(?:next|coming)\s+(\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+"
                     r"(days?|weeks?)\b", text, re.IGNORECASE)
    if days:
        count = days.group(1).lower()
        number = int(count) if count.isdigit() else _WORD_NUMBERS[count]
        match.days = number * (7 if days.group(2).lower().startswith("week") else 1)
    match.goal = goal_find(text, user=user)
    if match.goal:  # a goal named speaks for the goal intents
        for name in ("goal_sooner", "goals_status"):
            if name in scores:
                scores[name] += 1.0
        if "goal_sooner" not in scores:
            scores["goals_status"] = scores.get("goals_status", 0) + 1.0
    spending_words = re.sub(r"\b(?:get|gets|getting|am|i'm|being)\s+paid\b|\bpay\s*(?:day|check|cheque)\b", " ", text,
                            flags=re.IGNORECASE)
    if scores.get("category_spend") or re.search(r"\bspen[dt]\w*|\bpa(?:y|id)\b|\bcost\b", spending_words, re.IGNORECASE):
        found = name_find(text, user=user)
        if found:
            match.name, match.by = found
            scores["category_spend"] = scores.get("category_spend", 0) + 2.5
    best = max(scores, key=lambda name: (scores[name], -_ORDER.index(name))) if scores else None
    if best is not None and scores[best] >= THRESHOLD:
        match.intent, match.score = best, scores[best]
        return match
    by_concepts = _concept_intent(text, match)
    if by_concepts is not None:
        match.intent, match.score = by_concepts, THRESHOLD
        return match
    nearest = _nearest_example(text)
    if nearest is not None:
        match.intent, match.score = nearest
    return match


def _nearest_example(text: str) -> tuple[str, float] | None:
    """The intent of the example question closest in words to ``text`` (rapidfuzz token set ratio, 0–100), when it
    is close enough: phrasings the patterns miss ("how's my money looking?")."""
    found = process.extractOne(text, _EXAMPLE_TEXTS, scorer=fuzz.token_set_ratio, processor=utils.default_process,
                               score_cutoff=EXAMPLE_CUTOFF)
    if found is None:
        return None
    return _EXAMPLES[found[2]][0], found[1] / 50


_ORDER = [name for name, _ in INTENTS]

EXAMPLE_CUTOFF = 78
# Example questions per intent, for phrasings the patterns miss (``_nearest_example``). Generic words only: the
# person's own names are matched separately.
_EXAMPLES: list[tuple[str, str]] = [(intent, text) for intent, texts in (
    ("spent_more", ("why did i spend more this month", "why are my expenses higher", "what made my spending go up",
                    "why is this month so expensive", "my spending went up why")),
    ("where_money_goes", ("where does my money go", "what do i spend my money on", "where is all my money going",
                          "show my spending by category", "what are my biggest costs")),
    ("afford", ("can i afford it", "can i afford this purchase", "is this purchase affordable",
                "do i have enough money to buy it", "can i pay for it")),
    ("goal_sooner", ("how do i reach my goal sooner", "how can i save for my goal faster", "speed up my savings goal")),
    ("goals_status", ("how are my goals doing", "am i on track with my goals", "progress on my savings goals")),
    ("invest_ready", ("am i ready to invest", "should i start investing", "can i invest now", "is it time to invest")),
    ("due_before_payday", ("what is due before payday", "which bills are due soon", "what do i have to pay soon",
                           "what payments are coming up")),
    ("changed", ("what changed since last month", "what is different from last month", "how did this month change")),
    ("how_much_save", ("how much can i save", "how much should i save each month", "how much can i put aside")),
    ("savings_rate", ("what is my savings rate", "am i saving enough", "how much did i save", "how much do i earn")),
    ("budget", ("how are my budgets", "am i within budget", "how much budget is left")),
    ("forecast", ("what will my balance be", "will i run out of money", "how much money will i have",
                  "what is my balance")),
    ("alerts", ("anything unusual on my account", "any suspicious charges", "was i charged twice")),
    ("subscriptions", ("what subscriptions do i have", "list my recurring payments", "what are my monthly bills")),
    ("overview", ("how am i doing", "give me a summary of my finances", "how are my finances")),
    ("cut_back", ("where can i cut back", "how can i spend less", "how can i save more money")),
) for text in texts]
_EXAMPLE_TEXTS = [text for _, text in _EXAMPLES]


# ---- concepts: the second stage ------------------------------------------------------------------------------
# When no pattern decides, a question is read as the set of ideas it mentions, in any order and any words for them
# ("how come my outgoings are up" = why + spending + more). An intent is asked when every idea of one of its
# combinations is there; the combination with most ideas wins.

CONCEPTS: dict[str, re.Pattern[str]] = {name: _rx(pattern) for name, pattern in {
    "why": r"\b(?:why|how\s+come|what\s+(?:made|makes|caused|happened|explains)|reason|explain\w*)\b",
    "spend": r"\b(?:spen[dt]\w*|outgoings?|expenses?|expenditure|costs?|paying|payments?|purchases?)\b",
    "more": r"\b(?:more|higher|high|up|increase\w*|rose|ris(?:e|ing)|jump\w*|so\s+much|a\s+lot|expensive|grew|growing|"
            r"spike\w*|surge\w*)\b",
    "where": r"\b(?:where(?:'s)?|eats?(?:\s+up)?|goes|going|gone|went|breakdown|break\s+down|biggest|top|most|main)\b",
    "money": r"\b(?:money|cash|salary|income|pay|earnings|spending|budget|wages?)\b",
    "afford": r"\b(?:afford|manage|enough|realistic|ok|okay|fine|doable|possible|able\s+to|left)\b",
    "buy": r"\b(?:buy\w*|purchas\w*|spend\w*|pa(?:y|id|ying)|get|book|cover|flight|trip|holiday|car|laptop|phone|sofa)\b",
    "goalword": r"\b(?:goals?|target|saving\s+for|savings\s+for)\b",
    "faster": r"\b(?:soon\w*|fast\w*|quick\w*|earl\w*|speed\w*|accelerat\w*|finish|complete|reach|hit)\b",
    "invest": r"\b(?:invest\w*|stocks?|shares|etfs?|stock\s+market|index\s+funds?)\b",
    "ready": r"\b(?:ready|readiness|good\s+idea|right\s+time|should\s+i|can\s+i|score|time\s+to|now)\b",
    "bills": r"\b(?:bills?|payments?|debits?|due|owe|standing\s+orders?|hit\s+my\s+account|go(?:ing)?\s+out|come\s+out)\b",
    "payday": r"\b(?:pay\s*day|pay\s*check|pay\s*cheque|salary|get\s+paid|next\s+pay|wages?)\b",
    "before": r"\b(?:before|until|till|ahead\s+of)\b",
    "compare": r"\b(?:compar\w*|versus|vs\.?|differen\w*|chang\w*|since|against)\b",
    "last_month": r"\b(?:last|previous|past)\s+month\b",
    "save": r"\b(?:sav(?:e|es|ing|ed)|set\s+aside|put\s+aside|put\s+away|savings)\b",
    "howmuch": r"\b(?:how\s+much|what\s+can|what\s+could|amount|what\s+percentage|what\s+share)\b",
    "rate": r"\b(?:rate|percent\w*|share|proportion|%)\b",
    "budget": r"\bbudget\w*\b",
    "balance": r"\b(?:balance|cash|money|accounts?)\b",
    "future": r"\b(?:will|going\s+to|end\s+of|month\s+end|next\s+month|forecast|run\s+(?:out|low|short)|low|lowest|"
              r"overdra\w+|look\s+like)\b",
    "unusual": r"\b(?:unusual|strange|odd|weird|suspicious|fraud\w*|unknown|twice|double|duplicate|alerts?|wrong)\b",
    "subs": r"\b(?:subscriptions?|recurring|regular\s+payments|memberships?|direct\s+debits?)\b",
    "debt": r"\b(?:debts?|owe|owing|loans?|credit\s+cards?)\b",
}.items()}
INTENT_CONCEPTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "spent_more": (("why", "spend", "more"), ("spend", "more", "why"), ("why", "money", "more")),
    "where_money_goes": (("where", "money"), ("where", "spend")),
    "afford": (("afford", "amount"), ("buy", "amount", "date"), ("afford", "buy", "amount")),
    "goal_sooner": (("goal", "faster"), ("goalword", "faster")),
    "goals_status": (("goal",), ("goalword", "howmuch")),
    "invest_ready": (("invest", "ready"), ("invest",)),
    "due_before_payday": (("bills", "payday"), ("bills", "before"), ("bills", "date")),
    "changed": (("compare", "last_month"),),
    "how_much_save": (("howmuch", "save"),),
    "savings_rate": (("rate", "save"), ("save", "last_month"), ("save", "period")),
    "budget": (("budget",),),
    "forecast": (("balance", "future"), ("future", "payday")),
    "alerts": (("unusual",),),
    "subscriptions": (("subs",),),
    "debt": (("debt",),),
}


def _concept_intent(text: str, match: Match) -> str | None:
    """The intent whose ideas the question mentions most completely, or None."""
    present = {name for name, pattern in CONCEPTS.items() if pattern.search(text)}
    if match.amount is not None:
        present.add("amount")
    if match.date is not None:
        present.add("date")
    if match.goal is not None:
        present.add("goal")
    if match.period is not None:
        present.add("period")
    best, size = None, 0
    for intent in _ORDER:
        for combination in INTENT_CONCEPTS.get(intent, ()):
            if len(combination) > size and present.issuperset(combination):
                best, size = intent, len(combination)
    return best
