"""Presentation helpers for money and durations; Decimal throughout, never float."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from core.money import as_decimal, money_text
from theme.nav import nav_entries

register = template.Library()

CENT = Decimal("0.01")
_to_decimal = as_decimal


@register.filter
def money(value, currency: str = "") -> str:
    """`{{ amount|money:"CHF" }}` -> "CHF 4,250.50": two decimals, thousands separators, ISO code first."""
    return money_text(value, currency)


@register.filter
def percent(value) -> str:
    """`{{ Decimal("25.00")|percent }}` -> "25%", `{{ Decimal("12.50")|percent }}` -> "12.5%"."""
    rate = _to_decimal(value)
    if rate is None or not rate.is_finite():
        return ""
    text = f"{rate.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


@register.filter
def duration(value) -> str:
    """`{{ timedelta(minutes=90)|duration }}` -> "1 hour 30 minutes"; seconds only under a minute."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = timedelta(seconds=value)
    if not isinstance(value, timedelta):
        return ""
    total = max(int(value.total_seconds()), 0)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    if total < 60:
        parts = [(seconds, "second")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words) or "0 seconds"


@register.filter
def at(items, index):
    """`{{ names|at:forloop.counter0 }}`: the item at that position, or "" past the end (a column's name)."""
    try:
        return items[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""


@register.simple_tag
def jinja(template_name: str, **context: object) -> SafeString:
    """``{% jinja "transactions/_rows.html" transactions=page.object_list %}``: a Jinja2 template (core/jinja.py)
    drawn inside a Django one, with only the values given: the few templates drawn many times a page."""
    drawn = engines["jinja2"].get_template(template_name).template  # type: ignore[attr-defined]
    return mark_safe(drawn.render(**context))  # noqa: S308 - Jinja2 escaped what it drew


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> list:
    """``{% main_nav as entries %}``: the main navigation's entries for this page (theme/nav.py)."""
    return nav_entries(context.get("request"))

