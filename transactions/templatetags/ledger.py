"""What a transaction's row in the list needs, computed once per row: its links, built from a pattern reversed
once per process instead of a ``{% url %}`` per link and row (fifty rows of four links each; reversing was a
seventh of the page's time), the colour of its amount and its converted amount."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from core.money import money_text
from transactions.models import Transaction

register = template.Library()

# A pk no transaction has (the id converter takes up to 18 digits): reversed once, then replaced by the real one.
PLACEHOLDER = "918273645546372819"


@lru_cache(maxsize=64)
def _around_pk(name: str, script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    """What comes before and after the pk in the URL of ``name``, under this script prefix and URL configuration
    (both part of the cache key, so a test overriding them gets its own)."""
    before, after = reverse(name, args=[PLACEHOLDER], urlconf=urlconf).split(PLACEHOLDER)
    return before, after


def transaction_url_of(name: str, pk: int) -> str:
    """The URL of the page ``transactions:<name>`` of the transaction ``pk``: the same as ``reverse``."""
    before, after = _around_pk(f"transactions:{name}", get_script_prefix(), get_urlconf())
    return f"{before}{pk}{after}"


@register.filter
def transaction_url(pk: int, name: str) -> str:
    """``{{ txn.pk|transaction_url:"edit" }}`` is ``{% url 'transactions:edit' txn.pk %}``, without reversing."""
    return transaction_url_of(name, pk)


@register.filter
def amount_tone(amount: Decimal) -> str:
    """The colour class of an amount in the list: money out red, money in green, zero grey."""
    if amount < 0:
        return "text-rose-600"
    return "text-emerald-600" if amount > 0 else "text-slate-700"


@register.filter
def converted_amount(txn: Transaction) -> str:
    """``≈ EUR 12.00`` beside an amount recorded in another currency: its converted amount, or "" when none."""
    if txn.amount_converted is None or not txn.converted_currency or txn.converted_currency == txn.currency:
        return ""
    return money_text(txn.amount_converted, txn.converted_currency)

