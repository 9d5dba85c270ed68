from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template

from accounts.models import FinancialProfile
from theme.templatetags.finsight import duration, money, percent


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
    assert FinancialProfile(monthly_net_income=Decimal("4250.50"), savings_rate_target=Decimal("25")).monthly_savings_goal == Decimal("1062.63")
    assert FinancialProfile(monthly_net_income=Decimal("3000"), savings_rate_target=Decimal("12.5")).monthly_savings_goal == Decimal("375.00")


def test_savings_goal_needs_an_income():
    assert FinancialProfile(monthly_net_income=None, savings_rate_target=Decimal("20")).monthly_savings_goal is None


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
        "{% load finsight %}{{ profile.monthly_savings_goal|money:currency }} of {{ profile.monthly_net_income|money:currency }}"
    )
    profile = FinancialProfile(monthly_net_income=Decimal("4250.50"), savings_rate_target=Decimal("25"))
    context = Context({"profile": profile, "currency": "CHF"})
    assert template.render(context) == "CHF 1,062.63 of CHF 4,250.50"
