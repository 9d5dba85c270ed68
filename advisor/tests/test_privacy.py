"""What a model never sees: IBANs, cards, account numbers, emails and phones; what it still sees: amounts, dates,
percentages and years."""

from __future__ import annotations

import json

import pytest

from advisor.privacy import pii_strip

STRIPPED = [
    ("My IBAN is DE89 3704 0044 0532 0130 00, is that right?", "My IBAN is [iban], is that right?"),
    ("SEPA DE89370400440532013000 RENT JANUARY", "SEPA [iban] RENT JANUARY"),
    # A bank statement's upper-case word right after the IBAN is not part of it.
    ("TRANSFER DE89 3704 0044 0532 0130 00 RENT", "TRANSFER [iban] RENT"),
    ("to gb82 west 1234 5698 7654 32 and GB82WEST12345698765432.", "to [iban] and [iban]."),
    ("FR14 2004 1010 0505 0001 3M02 606", "[iban]"),
    ("card 4111 1111 1111 1111 expired", "card [card] expired"),
    ("4111-1111-1111-1111 and 4111111111111111", "[card] and [card]"),
    ("amex 3782 822463 10005", "amex [card]"),
    # Not a valid card number, but sixteen digits in fours are still someone's number.
    ("4111 1111 1111 1112", "[account number]"),
    ("account no. 12345678", "account no. [account number]"),
    ("Account number: 0012-3456-78", "Account number: [account number]"),
    ("acct #98765", "acct #[account number]"),
    ("Konto 1234567", "Konto [account number]"),
    ("sort code 12-34-56", "sort code [account number]"),
    ("REF 123456789 RENT", "REF [account number] RENT"),
    ("write to jane.doe+bank@example.co.uk today", "write to [email] today"),
    ("call +49 170 1234567", "call [phone]"),
    ("call +1 (555) 123-4567", "call [phone]"),
    ("call 0044 20 7946 0958", "call [phone]"),
    ("call +4917012345678", "call [phone]"),
    ("call +33 1 42 68 53 00", "call [phone]"),
    ("call 0170 1234567", "call [phone]"),
    ("call (030) 1234-5678", "call [phone]"),
    ("call 030/12345678", "call [phone]"),
    ("call 555-123-4567", "call [phone]"),
    ("call (555) 123-4567", "call [phone]"),
    ("call 555.123.4567", "call [phone]"),
]

KEPT = [
    "EUR 1,234.56",
    "1.234,56 €",
    "1 234,56 €",
    "12345.67",
    "EUR -50.00",
    "+12345.67 EUR",
    "EUR 12345678.90",
    "0,50 €",
    "100,000.00 and 1,234,567.89",
    "31.5% of 2027",
    "2027-03-15",
    "15/03/2027 and 15.03.2027 and 05.03.2027",
    "2026-12-01..2026-12-06",
    "2026-12-01 2026-12-06",
    "at 10:30",
    "03/2027",
    "Spending, 1–6 December 2026",
    "top 5 over 3 months, 12 months",
    "my account balance is 1,234.56 and account 2 and account 1234.56",
    "Readiness score (out of 100): 72",
    "at20 minutes from the station",
]


@pytest.mark.parametrize(("text", "expected"), STRIPPED)
def test_personal_identifiers_are_replaced_by_placeholders(text, expected):
    assert pii_strip(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_amounts_dates_percentages_and_years_are_left_alone(text):
    assert pii_strip(text) == text


def test_a_tool_result_keeps_its_figures_and_loses_the_identifiers_in_a_merchant_name():
    result = {"tool": "spending_breakdown", "facts": [
        {"label": "TRANSFER DE89 3704 0044 0532 0130 00 jane@example.com, December 2026 so far",
         "value": "EUR 1,150.00", "period": "2026-12-01..2026-12-06"},
        {"label": "Card 4111 1111 1111 1111's share of all spending", "value": "31.5%"}]}

    stripped = json.loads(pii_strip(json.dumps(result)))

    assert stripped["facts"][0] == {"label": "TRANSFER [iban] [email], December 2026 so far", "value": "EUR 1,150.00",
                                    "period": "2026-12-01..2026-12-06"}
    assert stripped["facts"][1]["label"] == "Card [card]'s share of all spending"
    assert stripped["facts"][1]["value"] == "31.5%"


def test_empty_text_stays_empty():
    assert pii_strip("") == ""
