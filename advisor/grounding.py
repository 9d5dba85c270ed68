"""The grounding check of a model's answer: every number and date it writes must be among the sources of that
turn (the JSON of its tool results and the question), whatever the format either is written in.

What counts as the same figure:
- formats: thousands separators ("1,234.56", "1.234,56", "1 234,56", "1'234.56"), a currency symbol or code on
  either side, trailing zeros ("1,200" is "1200.00"), a percent sign or word ("31.5%" is "31.5"); one separator
  before exactly three digits groups thousands ("1,200" and "1.200" are both 1200: money has no third decimal);
- signs: "-50", "minus 50", "(50)" and "50" are the same figure: the words around it say which way money went
  ("spending fell by EUR 50" for a change of -50.00), and the check is about figures, not about those words;
- rounding: to fewer decimals, whole units included, always (up or down: "EUR 1,187" or "1,188" for 1,187.40,
  "32%" for 31.5%); to tens, hundreds, ... only after "about", "around", "roughly", "approximately", "nearly",
  "almost", "close to", "~" or "≈", or written with "k"/"thousand"/"million", to the nearest and keeping at least
  two significant figures ("about EUR 1,200" or "1,190" for 1,187.40, never "about 1,000" nor "about 1,100");
- dates: a date in the sources ("2027-03-15", "15 Mar 2027") grounds "15 March 2027", "March 15th, 2027",
  "15/03/2027", "15 March", "March 2027" and "2027"; a month ("2026-11", "November 2026") grounds that month and
  its year; "03/04/2027" may be read day-first or month-first; "on the 15th" needs a source date on a 15th; a time
  of day ("02:00") must be among the sources' (a worked-out time "2026-12-05T02:00" grounds "02:00" and "2:00");
- counting words: whole numbers up to 12 with neither a currency nor a percent ("3 months", "top 5", "1 in 10")
  need no source; a spelled-out number ("three") is not checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

SMALL_COUNT = 12

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
# "may" the verb is left alone: only "May" is a month.
_MONTH = (r"(?P<month>(?i:" + "|".join(sorted((m for m in MONTHS if m != "may"), key=len, reverse=True))
          + r")|May|MAY)\b\.?")
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})\b"
_TO = r"\s*(?:[–—-]|to|until|till)\s*"

_HEDGE = re.compile(r"(?i)(?:\babout|\baround|\broughly|\bapproximately|\bapprox\.?|\bnearly|\balmost|\bclose\s+to|"
                    r"~|≈)\s*(?:[A-Z]{3}\s?|[€$£¥₹]\s?)?(?:[-−–]\s?)?$")
_CURRENCY_BEFORE = re.compile(r"(?:[€$£¥₹]|\b[A-Z]{3})\s?(?:[-−–]\s?)?$")
_CURRENCY_AFTER = re.compile(r"^\s?(?:[€$£¥₹]|[A-Z]{3}\b|(?i:euros?|dollars?|pounds?|francs?|kronor|kroner)\b)")
_PERCENT_AFTER = re.compile(r"^\s?(?:%|(?i:percent|per\s+cent|pct)\b)")
_SCALE_AFTER = re.compile(r"^\s?(?:(?P<k>k|K|(?i:thousand))|(?P<m>(?i:million|mio|mn))|(?P<b>(?i:bn|billion)))\b")
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b")
_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:(?:[,.'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?"
                     r"|\d+(?:[.,]\d+)?)(?!\d)")
_SCALES = {"k": Decimal(1000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
_MASK = "\x00"


@dataclass(frozen=True)
class _Date:
    """One reading of a written date: a day (year, month, day), a month (year, month, None) or a day of a month
    without its year (None, month, day)."""

    year: int | None
    month: int
    day: int | None


@dataclass
class _Found:
    dates: list[tuple[int, str, list[tuple[_Date, ...]]]] = field(default_factory=list)  # (where, as written, readings)
    times: list[tuple[int, str, tuple[int, int]]] = field(default_factory=list)  # (where, as written, (hour, minute))
    text: str = ""  # what is left once the dates and times are masked


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        dt.date(year or 2000, month, day)  # 2000: a leap year, so 29 February without a year is a date
    except ValueError:
        return False
    return True


def _month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _iso(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    return [(_Date(int(m["y"]), int(m["m"]), int(m["d"])),)]


def _year_month(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    return [(_Date(int(m["y"]), int(m["m"]), None),)]


def _range_day_month(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    year = int(m["year"]) if m["year"] else None
    month = _month_of(m["month"])
    return [(_Date(year, month, int(m["d1"])), _Date(year, month, int(m["d2"])))]


def _day_month(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    return [(_Date(int(m["year"]) if m["year"] else None, _month_of(m["month"]), int(m["d"])),)]


def _month_year(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    return [(_Date(int(m["year"]), _month_of(m["month"]), None),)]


def _numeric(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    first, second, year = int(m["a"]), int(m["b"]), _full_year(m["y"])
    return [(_Date(year, month, day),) for day, month in ((first, second), (second, first))]


def _numeric_month(m: re.Match[str]) -> list[tuple[_Date, ...]]:
    return [(_Date(int(m["y"]), int(m["m"]), None),)]


# A time of day ("03:00", "14:30"), as a worked-out time is written.
_TIME = re.compile(r"(?<![\d.,:])(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?![\d:])")

_Reading = Callable[[re.Match[str]], list[tuple[_Date, ...]]]

# Longest forms first: a form is masked once read, so "15 March 2027" is not read again as "March 2027".
_DATE_FORMS = [(re.compile(pattern), reading) for pattern, reading in (
    (r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b",
     _iso),
    (rf"\b(?P<d1>\d{{1,2}}){_ORDINAL}{_TO}(?P<d2>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?",
     _range_day_month),
    (rf"\b{_MONTH}\s+(?P<d1>\d{{1,2}}){_ORDINAL}{_TO}(?P<d2>\d{{1,2}}){_ORDINAL}\b(?:,?\s+{_YEAR})?",
     _range_day_month),
    (rf"\b(?P<d>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?", _day_month),
    (rf"\b{_MONTH}\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORDINAL}\b(?:,?\s+{_YEAR})?", _day_month),
    (r"\b(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})\b(?![.,]\d)", _numeric),
    (rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}", _month_year),
    (r"\b(?P<y>\d{4})-(?P<m>\d{2})\b(?![-\d])", _year_month),
    (r"\b(?P<m>\d{1,2})/(?P<y>\d{4})\b", _numeric_month),
)]


def _dates_read(text: str) -> _Found:
    found = _Found()
    for pattern, reading in _DATE_FORMS:
        def masked(m: re.Match[str], reading: _Reading = reading) -> str:
            readings = [r for r in reading(m) if all(_valid(d.year, d.month, d.day) for d in r)]
            if not readings:
                return m.group(0)
            found.dates.append((m.start(), m.group(0).strip(), readings))
            if m.groupdict().get("H"):
                found.times.append((m.start(), m.group(0), (int(m["H"]), int(m["M"]))))
            return _MASK * len(m.group(0))

        text = pattern.sub(masked, text)

    def time_masked(m: re.Match[str]) -> str:
        found.times.append((m.start(), m.group(0), (int(m["H"]), int(m["M"]))))
        return _MASK * len(m.group(0))

    found.text = _TIME.sub(time_masked, text)
    return found


def _readings(token: str) -> list[tuple[tuple[Decimal, ...], int]]:
    """The values a written number may stand for, each with the decimals it shows: "1,234.56" and "1.234,56" are
    1234.56 (2), "1,200" and "1.200" are 1200 (0: money has no third decimal), "5 100" is either 5100 or the two
    numbers 5 and 100."""
    token = re.sub(r"[\u00a0\u202f\u2009]", " ", token)
    if " " in token:
        parts = token.split(" ")
        separate = [_readings(part) for part in parts]
        readings = _readings("".join(parts))
        if all(separate):
            readings.append((tuple(r[0][0][0] for r in separate), max(r[0][1] for r in separate)))
        return readings
    separators = [c for c in token if not c.isdigit()]
    if not separators:
        return _reading(token, 0)
    last = max(token.rfind(c) for c in set(separators))
    head, tail = token[:last], token[last + 1:]
    if len(set(separators)) > 1:
        # The last separator is the decimal one, the others group thousands.
        return _reading(re.sub(r"\D", "", head) + "." + tail, len(tail))
    if len(separators) > 1 or token[last] in "'’" or (len(tail) == 3 and head != "0"):
        return _reading(token.replace(token[last], ""), 0)
    return _reading(f"{head}.{tail}", len(tail))


def _reading(text: str, decimals: int) -> list[tuple[tuple[Decimal, ...], int]]:
    try:
        return [((Decimal(text),), decimals)]
    except InvalidOperation:
        return []


@dataclass
class _Number:
    start: int
    written: str
    readings: list[tuple[tuple[Decimal, ...], int]]  # (values, decimals shown)
    hedged: bool
    money: bool
    percent: bool
    ordinal: bool
    scaled: bool


def _numbers_read(text: str) -> list[_Number]:
    numbers = []
    for match in _NUMBER.finditer(text):
        token = match.group(0)
        before, after = text[max(0, match.start() - 40):match.start()], text[match.end():match.end() + 20]
        readings = _readings(token)
        scale = _SCALE_AFTER.match(after)
        written = token
        if scale:
            factor = _SCALES[next(k for k in ("k", "m", "b") if scale[k])]
            readings = [(tuple(v * factor for v in values), decimals) for values, decimals in readings]
            written = token + scale.group(0)
        percent = _PERCENT_AFTER.match(after)
        if percent and percent.group(0).strip() == "%":
            written += "%"
        numbers.append(_Number(
            start=match.start(), written=written.strip(), readings=readings,
            hedged=bool(_HEDGE.search(before)), money=bool(_CURRENCY_BEFORE.search(before) or
                                                           _CURRENCY_AFTER.match(after)),
            percent=bool(percent), ordinal=bool(_ORDINAL_AFTER.match(after)), scaled=bool(scale)))
    return numbers


def _key(value: Decimal) -> Decimal:
    return abs(value).normalize()


@dataclass
class _Sources:
    values: set[Decimal] = field(default_factory=set)
    days: set[tuple[int, int, int]] = field(default_factory=set)
    months: set[tuple[int, int]] = field(default_factory=set)
    day_months: set[tuple[int, int]] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    days_of_month: set[int] = field(default_factory=set)
    times: set[tuple[int, int]] = field(default_factory=set)

    def add_date(self, date: _Date) -> None:
        if date.day is not None:
            self.day_months.add((date.month, date.day))
            self.days_of_month.add(date.day)
        if date.year is not None:
            self.years.add(date.year)
            self.months.add((date.year, date.month))
            if date.day is not None:
                self.days.add((date.year, date.month, date.day))

    def has_date(self, date: _Date) -> bool:
        if date.year is None:
            return (date.month, date.day) in self.day_months
        if date.day is None:
            return (date.year, date.month) in self.months
        return (date.year, date.month, date.day) in self.days


def _sources_read(sources: Iterable[str]) -> _Sources:
    read = _Sources()
    for source in sources:
        found = _dates_read(source)
        for _, _, readings in found.dates:
            for reading in readings:
                for date in reading:
                    read.add_date(date)
        read.times.update(time for _, _, time in found.times)
        for number in _numbers_read(found.text):
            for values, _ in number.readings:
                read.values.update(_key(v) for v in values)
    return read


def _rounds_to(value: Decimal, sources: set[Decimal], *, decimals: int, hedged: bool) -> bool:
    """``value`` is a source figure rounded: to ``decimals`` places (up or down), or, hedged, to the nearest ten,
    hundred, ... keeping at least two significant figures."""
    step = Decimal(1).scaleb(-decimals)
    if any(abs(source - value) < step for source in sources):
        return True
    if not hedged or value != value.to_integral_value() or value == 0:
        return False
    zeros = len(str(int(value))) - len(str(int(value)).rstrip("0"))
    for power in range(1, zeros + 1):
        unit = Decimal(10) ** power
        for source in sources:
            if len(str(int(source))) - power >= 2 and abs(source - value) * 2 <= unit:
                return True
    return False


def _grounded(number: _Number, sources: _Sources) -> bool:
    for values, decimals in number.readings:
        if len(values) == 1 and decimals == 0 and not (number.money or number.percent or number.scaled):
            whole = abs(values[0])
            if whole <= SMALL_COUNT and not number.ordinal:
                return True
            if number.ordinal and int(whole) in sources.days_of_month:
                return True
            if 1900 <= whole <= 2100 and int(whole) in sources.years:
                return True
        if all(_key(v) in sources.values or _rounds_to(abs(v), sources.values, decimals=decimals,
                                                         hedged=number.hedged or number.scaled) for v in values):
            return True
    return False


def ungrounded_numbers(answer: str, sources: Iterable[str]) -> list[str]:
    """The numbers and dates ``answer`` writes that are not among ``sources``, as written, each once."""
    known = _sources_read(sources)
    found = _dates_read(answer)
    missing: list[tuple[int, str]] = []
    for start, written, readings in found.dates:
        if not any(all(known.has_date(date) for date in reading) for reading in readings):
            missing.append((start, written))
    for start, written, time in found.times:
        if time not in known.times:
            missing.append((start, written))
    for number in _numbers_read(found.text):
        if not _grounded(number, known):
            missing.append((number.start, number.written))
    return list(dict.fromkeys(written for _, written in sorted(missing)))
