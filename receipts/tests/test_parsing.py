from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from receipts.parsing import Item, amounts_in, receipt_parse

DATA = Path(__file__).parent / "data"


def parse(name: str, *, today: date = date(2025, 4, 1), **options):
    return receipt_parse((DATA / name).read_text(encoding="utf-8"), today=today, **options)


def test_english_grocery_receipt():
    receipt = parse("en_grocery.txt")
    assert receipt.merchant.value == "GREEN LEAF GROCERS LTD"
    assert receipt.date.value == date(2024, 3, 14)
    assert receipt.total.value == Decimal("6.48")
    assert receipt.tax.value == Decimal("0.42")
    assert receipt.currency.value == "GBP"
    assert receipt.items == [
        Item("Oat Milk 1L", Decimal(2), Decimal("2.50")),
        Item("Sourdough Loaf", Decimal(1), Decimal("3.40")),
        Item("Bananas 1.2kg", Decimal(1), Decimal("1.08")),
        Item("Loyalty discount", Decimal(1), Decimal("-0.50")),
    ]


def test_german_supermarket_with_deposit_return_and_discount():
    receipt = parse("de_supermarkt.txt")
    assert receipt.merchant.value == "EDEKA Nordmann"
    assert receipt.date.value == date(2025, 2, 3)
    assert receipt.total.value == Decimal("8.93")
    assert receipt.currency.value == "EUR"
    amounts = {item.description: item.amount for item in receipt.items}
    # A deposit charged on bottles adds to the bill; empties returned (Leergut) and a discount take off.
    assert amounts["Pfand"] == Decimal("1.50")
    assert amounts["Leergut"] == Decimal("-0.75")
    assert amounts["Rabatt"] == Decimal("-0.24")
    assert sum(amounts.values()) == receipt.total.value


def test_malaysian_tax_invoice_takes_the_total_not_the_gst_summary():
    receipt = parse("my_tax_invoice.txt")
    assert receipt.merchant.value == "SRI MAJU HARDWARE SDN BHD"
    assert receipt.date.value == date(2019, 1, 15)
    assert receipt.total.value == Decimal("32.65")
    assert receipt.tax.value == Decimal("1.85")
    assert receipt.currency.value == "MYR"
    assert [(i.description, i.quantity, i.amount) for i in receipt.items] == [
        ("PVC PIPE 20MM", Decimal(2), Decimal("9.00")),
        ("CEMENT 50KG", Decimal(1), Decimal("21.80")),
    ]


def test_invoice_date_wins_over_the_due_date_below_it():
    receipt = parse("en_invoice_due.txt", today=date(2025, 1, 10))
    assert receipt.date.value == date(2024, 12, 5)
    assert receipt.total.value == Decimal("173.78")
    assert receipt.tax.value == Decimal("8.28")
    assert receipt.currency.value == "USD"
    assert Item("Valve replacement", Decimal(1), Decimal("45.50")) in receipt.items


def test_a_future_date_and_a_voucher_expiry_are_not_the_purchase_date():
    receipt = parse("de_future_date.txt", today=date(2025, 4, 1))
    assert receipt.date.value == date(2025, 3, 28)
    assert receipt.merchant.value == "Café Lindenblüte GmbH"
    assert receipt.total.value == Decimal("7.80")
    assert receipt.tax.value == Decimal("0.62")


def test_only_a_due_date_is_taken_with_low_confidence():
    receipt = receipt_parse("ACME\nTOTAL 5.00\nDue: 2024-01-31", today=date(2024, 2, 1))
    assert receipt.date.value == date(2024, 1, 31)
    assert receipt.date.confidence < 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date: 25/12/2018", date(2018, 12, 25)),
        ("25.12.2018 14:02", date(2018, 12, 25)),
        ("2018-12-25T10:00", date(2018, 12, 25)),
        ("25 Dec 2018", date(2018, 12, 25)),
        ("Dec 25, 2018", date(2018, 12, 25)),
        ("11-APR-2018 03:12:06 PM", date(2018, 4, 11)),
        ("Datum 3. Dezember 2018", date(2018, 12, 3)),
        ("05/01/17 10:55", date(2017, 1, 5)),
        ("12/25/2018", date(2018, 12, 25)),
    ],
)
def test_date_formats(text, expected):
    assert receipt_parse(f"SHOP\n{text}\nTOTAL 1.00", today=date(2025, 1, 1)).date.value == expected


def test_known_merchant_is_matched_loosely():
    text = "*** COPY ***\nIMAGE FRINTEC (M) SON BHD\nREG NO: 416123-U\nNET TOTAL: 7.65"
    receipt = receipt_parse(text, today=date(2025, 1, 1), known_merchants=["Tesco", "Image Printec (M) Sdn Bhd"])
    assert receipt.merchant.value == "Image Printec (M) Sdn Bhd"


def test_rounded_total_is_what_was_paid():
    text = (
        "SHOP SDN BHD\nSUB-TOTAL 79.44\nTOTAL SALES INCL GST 79.44\nROUNDING ADJ 0.01\nTOTAL AFTER ADJ INCL GST 79.45\n"
    )
    assert receipt_parse(text, today=date(2025, 1, 1)).total.value == Decimal("79.45")


def test_without_a_total_line_the_largest_amount_near_the_bottom_is_taken():
    text = "CORNER KIOSK\n*****\n3.80\n5.30"
    receipt = receipt_parse(text, today=date(2025, 1, 1))
    assert receipt.total.value == Decimal("5.30")
    assert receipt.total.confidence < 0.5


def test_without_a_total_line_an_amount_the_items_confirm_beats_a_larger_one():
    text = "CORNER KIOSK\nCoffee 2.20\nCake 3.10\n\n5.30\n20.00\nThank you"
    receipt = receipt_parse(text, today=date(2025, 1, 1))
    assert receipt.total.value == Decimal("5.30")
    assert 0.35 < receipt.total.confidence < 0.6


def test_without_a_total_line_cash_less_change_that_agrees_with_the_items_is_the_total():
    text = "CORNER KIOSK\nCoffee 2.20\nCake 3.10\nCash 10.00\nChange 4.70"
    receipt = receipt_parse(text, today=date(2025, 1, 1))
    assert receipt.total.value == Decimal("5.30")
    assert receipt.total.confidence >= 0.6


def test_a_misread_total_line_gives_way_to_subtotal_tax_and_rounding_that_the_items_confirm():
    # The printed "94.60" was read as "94.6)"; only a tax summary's row is left with TOTAL on it.
    text = (
        "ASO ELECTRICAL TRADING SDN BHD\nItem Qty RSP RSP Amount\n101861 10 1.43 1.51 15.12\nSR: CABLE LUG 50MM(M10)\n"
        "107645 1 75.00 79.50 79.50\nSR: CRIMPING TOOL, HS-38\nTOT QTY: 11 94.62\n"
        "(Excluded GST) Sub Total : 89.26\nTotal GST : 5.36\nRounding : -0.02\nTotal : 94.6)\n"
        "CASH : 100.00\nChange : 6.40\nGST SUMMARY\nTotal: 89.26 5.35"
    )
    receipt = receipt_parse(text, today=date(2025, 1, 1))
    assert receipt.total.value == Decimal("94.60")


def test_an_unreadable_total_line_is_replaced_by_cash_less_change():
    text = "PREMIO STATIONERY SDN BHD\nTotal: 2730\nCash Received : 20.00\nChange : 6.60\nSR 6.00 12.64 0.76"
    assert receipt_parse(text, today=date(2025, 1, 1)).total.value == Decimal("13.40")


def test_a_total_line_wins_over_cash_less_change_that_nothing_confirms():
    text = "SHOP\nTOTAL 12.00\nCASH 50.00\nCHANGE 30.00"
    assert receipt_parse(text, today=date(2025, 1, 1)).total.value == Decimal("12.00")


def test_amounts_are_decimal_and_rates_are_not_amounts():
    assert amounts_in("Total incl. GST @6.00%: 1,234.56") == [Decimal("1234.56")]
    assert amounts_in("Summe 1.234,56") == [Decimal("1234.56")]
    assert amounts_in("Rabatt 0,24-") == [Decimal("-0.24")]


def test_currency_falls_back_to_the_default():
    receipt = receipt_parse("SHOP\nTOTAL 3.00", today=date(2025, 1, 1), default_currency="CHF")
    assert receipt.currency.value == "CHF"
    assert receipt.currency.confidence < 0.5


def test_to_json_is_plain():
    receipt = parse("de_supermarkt.txt")
    data = receipt.to_json()
    assert data["total"] == {"value": "8.93", "confidence": data["total"]["confidence"]}
    assert data["date"]["value"] == "2025-02-03"
    assert data["items"][0]["amount"] == "1.19"


def test_a_year_misread_into_the_future_is_repaired_when_no_date_reads_cleanly():
    receipt = receipt_parse("SHOP\nCB#: 61967 23/02/2918 7:44:16\nTOTAL 7.65", today=date(2025, 1, 1))
    assert receipt.date.value == date(2018, 2, 23)
    assert receipt.date.confidence < 0.5
    clean = receipt_parse("SHOP\nDate: 09/02/2078\nPrinted 10/02/2018\nTOTAL 1.00", today=date(2025, 1, 1))
    assert clean.date.value == date(2018, 2, 10)


def test_merchant_name_loses_ocr_scraps_and_keeps_its_legal_form():
    receipt = receipt_parse(
        "hosezy\nYONG CEN ENTERPRISE hid\n9, JALAN SUBANG JASA 3,\nTOTAL 65.70", today=date(2025, 1, 1)
    )
    assert receipt.merchant.value == "YONG CEN ENTERPRISE"
    receipt = receipt_parse("IMAGE PRINTEC (M) SON BHD\nREG NO: 416123-U\nTOTAL 7.65", today=date(2025, 1, 1))
    assert receipt.merchant.value == "IMAGE PRINTEC (M) SDN BHD"


def test_the_name_read_again_from_the_enlarged_top_wins_when_it_is_surer():
    text = "IMAGE FRINTEC (M) SDN BHD\nREG NO: 416123-U\nNET TOTAL: 7.65"
    header = "*** COPY ***\nIMAGE PRINTEC (M) SDN BHD\nREG NO: 416123-U"
    assert receipt_parse(text, today=date(2025, 1, 1), header=header).merchant.value == "IMAGE PRINTEC (M) SDN BHD"
    # A header pass that read only scraps does not replace a good name.
    assert receipt_parse(text, today=date(2025, 1, 1), header="~ =\n.").merchant.value == "IMAGE FRINTEC (M) SDN BHD"


@pytest.mark.parametrize(
    ("line", "name"),
    [("0JC MARKETING SDN BHD", "OJC MARKETING SDN BHD"), ("W1LLY'S BAKERY", "WILLY'S BAKERY"), ("7-ELEVEN", "7-ELEVEN")],
)
def test_a_digit_read_inside_a_word_of_the_name_is_the_letter_it_looks_like(line, name):
    assert receipt_parse(f"{line}\nTOTAL 3.00", today=date(2025, 1, 1)).merchant.value == name


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("GARDENIA BAKERIES SDN BELD", "GARDENIA BAKERIES SDN BHD"),
        ("SWC ENTERPRISE SDN'BHD", "SWC ENTERPRISE SDN BHD"),
        ("Baeckerei Schmidt GmbI-I", "Baeckerei Schmidt GmbH"),
    ],
)
def test_a_misread_legal_form_is_written_as_printed(line, name):
    assert receipt_parse(f"{line}\nTOTAL 3.00", today=date(2025, 1, 1)).merchant.value == name


def test_the_currency_printed_after_a_price_is_not_part_of_the_item():
    text = "REWE Markt GmbH\nVollmilch          1,19 EUR\nBrot 2,49 €\nSUMME EUR 3,68"
    items = receipt_parse(text, today=date(2025, 1, 1)).items
    assert [item.description for item in items] == ["Vollmilch", "Brot"]


def test_a_date_with_dots_is_no_amount():
    assert amounts_in("24.11.2026 09:14") == []
    assert amounts_in("Summe 24.11") == [Decimal("24.11")]
