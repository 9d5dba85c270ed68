"""Reading the cells of a bank history CSV given to the evaluation commands: dates and signed amounts as banks
write them. Returns None for a cell that is neither, so a command can skip it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y%m%d")


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.split(" ")[0], fmt).date()  # noqa: DTZ007 - a calendar date only
        except ValueError:
            continue
    return None


def parse_amount(text: str) -> Decimal | None:
    """"-1,234.56", "1.234,56", "€ 12,50", "(45.00)" and "12.50-" all parse; anything else is None."""
    text = text.strip().replace("\u2212", "-")
    negative = text.startswith("(") and text.endswith(")") or text.endswith("-")
    text = re.sub(r"[^\d,.\-]", "", text.strip("()").rstrip("-"))
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".") if len(text.rsplit(",", 1)[1]) != 3 else text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return -value if negative else value
