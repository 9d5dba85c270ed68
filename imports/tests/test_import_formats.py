"""Bank exports in the layouts real banks use: every transaction lands with its date, sign, amount and text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services as import_services
from imports.tests.import_fixtures import samples
from transactions.merchants import merchant_clean
from transactions.models import ImportStatus, Transaction

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def imported(batch) -> list[tuple]:
    return [(t.date, t.amount, t.description, t.merchant)
            for t in Transaction.objects.filter(import_batch=batch).order_by("id")]


def expected(rows: list[tuple]) -> list[tuple]:
    """A file without a payee column gets the merchant name cleaned from the description."""
    return [(on, amount, description, merchant or merchant_clean(description))
            for on, amount, description, merchant in rows]


@pytest.mark.parametrize(("sample", "filename", "source"), [
    ("german_cp1252", "Umsaetze_Girokonto.csv", "csv"),
    ("dutch_af_bij", "NL01INGB0001234567_01-03-2024_31-03-2024.csv", "csv"),
    ("uk_monzo_like", "MonzoDataExport_March2024.csv", "csv"),
    ("us_checking", "stmt.csv", "csv"),
    ("utf16_tab", "export.txt", "csv"),
    ("pipe_delimited", "transacties.dat", "csv"),
    ("czech_cp1250", "pohyby.csv", "csv"),
    ("with_pending_and_cr_flag", "JOHN_SMITH_01-03-2024_14-03-2024.csv", "csv"),
    ("continuation_lines", "TransactionHistory_20240418.csv", "csv"),
    ("xlsx_statement", "statement.xlsx", "xlsx"),
    ("xls_statement", "kontoutdrag.xls", "xlsx"),
    ("ofx_sgml", "checking.qfx", "ofx"),
    ("ofx_xml", "creditcard.ofx", "ofx"),
    ("ofx_unusual_header", "nationwide.ofx", "ofx"),
])
def test_bank_layouts_import_with_the_right_dates_signs_amounts_and_descriptions(owner, account, sample, filename,
                                                                                  source):
    batch = import_services.import_start(user=owner, account=account,
                                         upload=upload(getattr(samples, sample)(), filename))

    assert batch.status == ImportStatus.DONE, batch.errors
    assert imported(batch) == expected(samples.EXPECTED[sample])
    assert batch.created_count == batch.rows_total == len(samples.EXPECTED[sample])
    assert batch.progress_percent == 100
    assert set(Transaction.objects.filter(import_batch=batch).values_list("source", flat=True)) == {source}
    # Every imported row is categorized on the way in: filed by the model, or waiting for review with a guess.
    for txn in Transaction.objects.filter(import_batch=batch):
        assert txn.owner == owner
        assert (txn.category_source, txn.needs_review) in {("model", False), ("", True)}
        assert txn.category_explanation
    assert not batch.stored_file  # the upload is deleted once imported


@pytest.mark.parametrize(("sample", "file_format", "encoding", "delimiter", "header_row"), [
    ("german_cp1252", "csv", "cp1252", ";", 4),
    ("czech_cp1250", "csv", "cp1250", ";", 1),
    ("utf16_tab", "csv", "utf-16", "\t", 1),
    ("pipe_delimited", "csv", "utf-8", "|", 1),
    ("uk_monzo_like", "csv", "utf-8-sig", ",", 1),
    ("us_checking", "csv", "utf-8", ",", 7),
    ("continuation_lines", "csv", "utf-8", ",", 5),
    ("xlsx_statement", "xlsx", "", "", 3),
    ("xls_statement", "xls", "", "", 4),
])
def test_preview_finds_format_encoding_delimiter_and_header(owner, account, sample, file_format, encoding, delimiter,
                                                            header_row):
    preview = import_services.import_preview(user=owner, account=account,
                                             upload=upload(getattr(samples, sample)(), "upload"))

    assert (preview.file_format, preview.encoding, preview.delimiter, preview.header_row) == (
        file_format, encoding, delimiter, header_row)
    assert preview.confident, preview.problems
    assert preview.sample_rows and all(len(row) == len(preview.columns) for row in preview.sample_rows)


def test_preview_proposes_a_mapping_by_header_names(owner, account):
    preview = import_services.import_preview(user=owner, account=account,
                                             upload=upload(samples.german_cp1252(), "umsatz.csv"))

    columns = preview.columns
    mapping = preview.mapping
    assert columns[mapping["date"]] == "Buchungstag"
    assert (columns[mapping["debit"]], columns[mapping["credit"]]) == ("Soll", "Haben")
    assert mapping["amount"] is None
    assert [columns[i] for i in mapping["description"]] == ["Verwendungszweck"]
    assert columns[mapping["merchant"]] == "Auftraggeber/Empfänger"
    assert columns[mapping["currency"]] == "Währung"
    assert (mapping["date_order"], mapping["decimal"]) == ("dmy", ",")
    assert preview.sample_rows[0][2] == "Müller Hausverwaltung"
    assert any("after the last transaction" in p for p in preview.problems)


def test_dutch_flag_column_and_monzo_ids_are_recognised(owner, account):
    dutch = import_services.import_preview(user=owner, account=account, upload=upload(samples.dutch_af_bij(), "a"))
    monzo = import_services.import_preview(user=owner, account=account, upload=upload(samples.uk_monzo_like(), "b"))

    assert dutch.columns[dutch.mapping["flag"]] == "Af Bij"
    assert dutch.columns[dutch.mapping["amount"]] == "Bedrag (EUR)"
    assert monzo.columns[monzo.mapping["external_id"]] == "Transaction ID"
    assert monzo.columns[monzo.mapping["amount"]] == "Amount"  # not "Local amount"
    assert monzo.columns[monzo.mapping["currency"]] == "Currency"


def test_row_currencies_come_from_the_file(owner, account):
    monzo = import_services.import_start(user=owner, account=account, upload=upload(samples.uk_monzo_like(), "m.csv"))
    ocbc = import_services.import_start(user=owner, account=account,
                                        upload=upload(samples.continuation_lines(), "TransactionHistory.csv"))

    assert set(Transaction.objects.filter(import_batch=monzo).values_list("currency", flat=True)) == {"GBP"}
    # "Withdrawals (SGD)": the header names the currency.
    assert set(Transaction.objects.filter(import_batch=ocbc).values_list("currency", flat=True)) == {"SGD"}


def test_pending_rows_are_skipped_and_said_so(owner, account):
    preview = import_services.import_preview(user=owner, account=account,
                                             upload=upload(samples.with_pending_and_cr_flag(), "amex.csv"))

    assert preview.confident
    assert "1 pending (not yet booked) row will be skipped." in preview.problems


def test_ofx_ids_are_kept_for_de_duplication(owner, account):
    batch = import_services.import_start(user=owner, account=account, upload=upload(samples.ofx_sgml(), "c.ofx"))

    assert batch.file_format == "ofx"
    assert Transaction.objects.filter(import_batch=batch, fingerprint__startswith="id:").count() == 3


def test_investment_statement_imports_only_its_cash_transactions_or_is_refused(owner, account):
    batch = import_services.import_start(user=owner, account=account,
                                         upload=upload(samples.ofx_investment_only(), "broker.ofx"))

    assert batch.status == ImportStatus.FAILED
    assert "investment statement" in batch.errors[0]["message"]
    assert not Transaction.objects.exists()


def test_big_amounts_and_old_dates_keep_their_precision(owner, account):
    data = ("Date,Description,Amount\n"
            "2001-01-31,HOUSE PURCHASE,\"-1,234,567.89\"\n"
            "2001-02-01,INTEREST,0.01\n").encode()

    batch = import_services.import_start(user=owner, account=account, upload=upload(data, "big.csv"))

    assert imported(batch) == expected([(date(2001, 1, 31), Decimal("-1234567.89"), "HOUSE PURCHASE", ""),
                               (date(2001, 2, 1), Decimal("0.01"), "INTEREST", "")])
