from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template

from theme.templatetags.finsight import duration, money, percent, savings_goal


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (Decimal("4250.50"), "CHF", "CHF 4,250.50"),
        (Decimal("1234567.891"), "EUR", "EUR 1,234,567.89"),
        (Decimal("0.005"), "USD", "USD 0.01"),
        (Decimal("-12.5"), "GBP", "GBP -12.50"),
        (Decimal("7"), "", "7.00"),
        ("99.9", "JPY", "JPY 99.90"),
        (None, "CHF", ""),
        ("not money", "CHF", ""),
    ],
)
def test_money_formats_two_decimals_with_separators_and_code(value, currency, expected):
    assert money(value, currency) == expected


def test_savings_goal_is_income_times_rate_rounded_half_up_to_the_cent():
    assert savings_goal(Decimal("4250.50"), Decimal("25")) == Decimal("1062.63")
    assert savings_goal(Decimal("3000"), Decimal("12.5")) == Decimal("375.00")


def test_savings_goal_needs_an_income():
    assert savings_goal(None, Decimal("20")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("25.00"), "25%"), (Decimal("12.50"), "12.5%"), (Decimal("0"), "0%"), (Decimal("100.00"), "100%"), (None, "")],
)
def test_percent_drops_trailing_zeros(value, expected):
    assert percent(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=90), "1 hour 30 minutes"),
        (timedelta(days=1, minutes=1), "1 day 1 minute"),
        (timedelta(seconds=42), "42 seconds"),
        (1, "1 second"),
        ("soon", ""),
    ],
)
def test_duration_reads_like_a_sentence(value, expected):
    assert duration(value) == expected


def test_tags_work_together_in_a_template():
    template = Template(
        "{% load finsight %}{% savings_goal income rate as goal %}{{ goal|money:currency }} of {{ income|money:currency }}"
    )
    context = Context({"income": Decimal("4250.50"), "rate": Decimal("25"), "currency": "CHF"})
    assert template.render(context) == "CHF 1,062.63 of CHF 4,250.50"
