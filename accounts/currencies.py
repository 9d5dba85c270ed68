"""ISO 4217 currencies and IANA time zones offered in the financial profile."""

from __future__ import annotations

import zoneinfo
from functools import cache

import pycountry

# Fund codes, precious metals and testing codes are ISO 4217 entries but no one budgets in them.
_NON_SPENDABLE = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
                  "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"}


@cache
def currency_choices() -> list[tuple[str, str]]:
    return sorted(
        ((c.alpha_3, f"{c.alpha_3} - {c.name}") for c in pycountry.currencies if c.alpha_3 not in _NON_SPENDABLE),
    )


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(
        tz for tz in zoneinfo.available_timezones()
        if "/" in tz and not tz.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((tz, tz.replace("_", " ")) for tz in names)]
