"""Reading cells the way banks write them: dates, amounts, encodings, delimiters, headers, OFX."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from imports.conversion import convert_rows
from imports.layout import find_layout
from imports.mapping import propose_mapping
from imports.parsing import (
    BadValue,
    header_roles,
    infer_date_order,
    infer_decimal_separator,
    parse_amount,
    parse_date,
)
from imports.readers import ofx
from imports.readers.csv_format import read_csv, sniff_delimiter
from imports.readers.detect import decode_text, file_format
from imports.table import ImportRefused
from imports.tests.import_fixtures import samples

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("2024-03-05", "dmy", date(2024, 3, 5)),
    ("2024-03-05 12:34:56 +0000", "dmy", date(2024, 3, 5)),
    ("2024-03-05T08:00:00", "mdy", date(2024, 3, 5)),
    ("2019.04.19.", "dmy", date(2019, 4, 19)),
    ("20240305", "mdy", date(2024, 3, 5)),
    ("05.03.2024", "dmy", date(2024, 3, 5)),
    ("05.03.24", "dmy", date(2024, 3, 5)),
    ("05/03/2024", "dmy", date(2024, 3, 5)),
    ("05/03/2024", "mdy", date(2024, 5, 3)),
    ("5-3-2024", "dmy", date(2024, 3, 5)),
    ("12-Dec-2019", "mdy", date(2019, 12, 12)),
    ("27 Feb 2018", "dmy", date(2018, 2, 27)),
    ("10 Feb 18", "dmy", date(2018, 2, 10)),
    ("27. Mär 2024", "dmy", date(2024, 3, 27)),
    ("3 janv. 2024", "dmy", date(2024, 1, 3)),
    ("Feb 27, 2018", "dmy", date(2018, 2, 27)),
    ("31/12/99", "dmy", date(1999, 12, 31)),
])
def test_dates_in_bank_formats(text, order, expected):
    assert parse_date(text, order, today=TODAY) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("31.02.2024", "not a valid date"),
    ("1111/11/11", "not a plausible transaction date"),
    ("01.01.2042", "not a plausible transaction date"),
    ("yesterday", "not a date"),
    ("", "missing"),
])
def test_bad_dates_say_why(text, message):
    with pytest.raises(BadValue, match=message):
        parse_date(text, "dmy", today=TODAY)


def test_day_or_month_first_is_decided_by_the_whole_column():
    assert infer_date_order(["01/02/2024", "03/04/2024", "13/04/2024"]) == ("dmy", True)
    assert infer_date_order(["01/02/2024", "04/13/2024"]) == ("mdy", True)
    assert infer_date_order(["01/02/2024", "03/04/2024"]) == (None, False)
    # Dotted dates are day-first wherever dots are used.
    assert infer_date_order(["01.02.2024"]) == ("dmy", True)
    assert infer_date_order(["2024-02-01", date(2024, 1, 1)]) == (None, True)


@pytest.mark.parametrize(("text", "separator", "expected"), [
    ("-12.50", ".", "-12.50"),
    ("1.234,56", ",", "1234.56"),
    ("1,234.56", ".", "1234.56"),
    ("(84.12)", ".", "-84.12"),
    ("($1,150.44)", ".", "-1150.44"),
    ("86.35-", ".", "-86.35"),
    ("+ £1,100.00", ".", "1100.00"),
    ("€ -12,50", ",", "-12.50"),
    ("-€12.50", ".", "-12.50"),
    ("12,50 EUR", ",", "12.50"),
    ("CHF 6'480.00", ".", "6480.00"),
    ("1 500,00", ",", "1500.00"),
    ("1\u00a0500,00\u00a0Kč", ",", "1500.00"),
    ("12.00 CR", ".", "12.00"),
    ("12.00 DR", ".", "-12.00"),
    ("−5", ".", "-5.00"),
    ("0,0625", ",", "0.06"),
    ("-00000000000197.1063", ".", "-197.11"),
])
def test_amounts_in_bank_formats(text, separator, expected):
    assert parse_amount(text, separator) == Decimal(expected)


@pytest.mark.parametrize(("text", "separator"), [
    ("twelve", "."), ("12.34", ","), ("12,50", "."), ("1.2.3,4,5", ","), ("", "."), ("9" * 20, "."),
])
def test_amounts_that_cannot_be_read_are_refused_not_guessed(text, separator):
    with pytest.raises(BadValue):
        parse_amount(text, separator)


def test_the_decimal_separator_is_read_from_the_column():
    assert infer_decimal_separator(["-350", "1.234,56"]) == (",", True)
    assert infer_decimal_separator(["12.5", "3"]) == (".", True)
    # "1,234" alone is a thousands separator, since money rarely has three decimals.
    assert infer_decimal_separator(["1,234"]) == (".", False)


@pytest.mark.parametrize(("header", "role"), [
    ("Buchungstag", "date"), ("Date de l'opération", "date"), ("Fecha", "date"), ("Datum", "date"),
    ("Verwendungszweck", "description"), ("Omschrijving", "description"), ("Libellé", "description"),
    ("Concepto", "description"), ("Betrag (EUR)", "amount"), ("bedrag", "amount"), ("Importe", "amount"),
    ("Montant", "amount"), ("Umsatz", "amount"), ("Soll", "debit"), ("Haben", "credit"), ("Af Bij", "flag"),
    ("Withdrawals (SGD)", "debit"), ("Paid in", "credit"), ("D/C", "flag"), ("Währung", "currency"),
    ("Auftraggeber/Empfänger", "merchant"), ("Counterparty", "merchant"), ("Naam", "merchant"),
])
def test_header_names_in_several_languages(header, role):
    roles = header_roles(header)
    assert max(roles, key=roles.get) == role


def test_balances_foreign_originals_and_rates_are_never_the_amount():
    for header in ("Saldo", "Balance", "Betrag (Fremdwährung)", "local_amount", "Wechselkurs", "Originalbetrag"):
        assert "amount" not in header_roles(header), header


def test_encodings_are_told_apart():
    assert decode_text(samples.german_cp1252())[1] == "cp1252"
    assert decode_text(samples.czech_cp1250())[1] == "cp1250"
    french = "Date;Libellé;Montant\n01/02/2024;Prélèvement à échéance frère;-12,50\n".encode("cp1252")
    assert decode_text(french) == (french.decode("cp1252"), "cp1252")
    assert decode_text("Datum;Bedrag\n".encode("utf-16-le"))[1] == "utf-16-le"
    assert decode_text("\ufeffDate,Amount\n".encode())[1] == "utf-8-sig"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_found(delimiter):
    text = delimiter.join(["Date", "Description", "Amount"]) + "\n" + "\n".join(
        delimiter.join([f"0{d}.03.2024", f"SHOP, NUMBER {d}", f"-{d},50"]) for d in range(1, 6)) + "\n"
    if delimiter == ",":
        text = text.replace("SHOP, NUMBER", "SHOP NUMBER").replace(",50", ".50")
    assert sniff_delimiter(text) == delimiter


def test_file_kinds_are_recognised_by_content_not_name():
    assert file_format(samples.xlsx_statement(), "export.csv") == "xlsx"
    assert file_format(samples.xls_statement(), "export.csv") == "xls"
    assert file_format(samples.ofx_sgml(), "export.csv") == "ofx"
    assert file_format(samples.german_cp1252(), "export.xls") == "csv"
    with pytest.raises(ImportRefused, match="PDF"):
        file_format(samples.pdf_statement(), "statement.csv")


def test_footer_totals_after_the_last_row_are_skipped_but_bad_rows_between_are_not():
    text = ("Date;Text;Amount\n"
            "01.03.2024;A;-1,00\n"
            "02.03.2024;B;-2,00\n"
            "Summe;;-3,00\n"
            "FOOTER ROW TEST;FOOTER ROW TEST;;\n").encode()
    table = read_csv(text)
    layout = find_layout(table)
    mapping = propose_mapping(table, layout, account_currency="EUR").mapping

    result = convert_rows(table, layout, mapping, account_currency="EUR", today=TODAY)

    assert [r.amount for r in result.rows] == [Decimal("-1.00"), Decimal("-2.00")]
    assert not result.errors
    middle = text.replace(b"02.03.2024;B;-2,00\n", b"Summe;;-3,00\n02.03.2024;B;-2,00\n", 1)
    table = read_csv(middle)
    result = convert_rows(table, find_layout(table), mapping, account_currency="EUR", today=TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Date")]


def test_a_trailing_row_with_a_broken_date_is_an_error_not_a_footer():
    table = read_csv(b"Date;Text;Amount\n01.03.2024;A;-1,00\n31.02.2024;B;-2,00\n")
    layout = find_layout(table)
    mapping = propose_mapping(table, layout, account_currency="EUR").mapping

    result = convert_rows(table, layout, mapping, account_currency="EUR", today=TODAY)

    assert [(e.row, e.column) for e in result.errors] == [(3, "Date")]


def test_headerless_files_are_remembered_by_the_kinds_of_their_columns():
    first = read_csv(samples.headerless())
    flagged = read_csv(b"18.03.2024;HOFER;18.03.2024;33,87;O\n19.03.2024;LIDL;19.03.2024;24,11;O\n")

    assert find_layout(first).signature(first) != find_layout(flagged).signature(flagged)


def test_ofx_without_a_header_ofxtools_accepts_is_read_by_the_tolerant_parser():
    statement = ofx.read_ofx(samples.ofx_unusual_header())

    assert [(r.date, r.amount, r.description, r.external_id) for r in statement.rows] == [
        (date(2024, 5, 7), Decimal("12.34"), "Transfer from savings", "")]


def test_ofx_errors_name_the_transaction_and_its_line():
    broken = samples.ofx_sgml().replace(b"<DTPOSTED>20240315\r\n<TRNAMT>2500.00", b"<TRNAMT>$2500")

    statement = ofx.read_ofx(broken)

    # The second <STMTTRN> starts on line 24 of the file.
    assert [(e.row, e.column) for e in statement.errors] == [(24, "DTPOSTED"), (24, "TRNAMT")]
    assert "FITID 2024031501" in statement.errors[0].message
