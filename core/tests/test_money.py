"""One money format for pages, emails and notifications."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template

from core.money import money_range_text, money_text


def test_the_code_comes_first_with_two_decimals_and_thousands_separators():
    assert money_text(Decimal("1150"), "EUR") == "EUR 1,150.00"
    assert money_text(Decimal("-12.345"), "CHF") == "CHF -12.35"
    assert money_text("1234567.891") == "1,234,567.89"
    assert money_text(None, "EUR") == money_text("not money") == ""


def test_a_range_names_its_currency_once_and_a_range_of_one_amount_is_that_amount():
    assert money_range_text(Decimal("70"), Decimal("85"), "EUR") == "EUR 70.00 to 85.00"
    assert money_range_text(Decimal("70"), None, "EUR") == money_range_text(Decimal("70"), Decimal("70.00"), "EUR")
    assert money_range_text(Decimal("70"), None, "EUR") == "EUR 70.00"


def test_the_template_filter_writes_the_same():
    page = Template('{% load finsight %}{{ amount|money:"EUR" }}').render(Context({"amount": Decimal("1150")}))
    assert page == money_text(Decimal("1150"), "EUR")
