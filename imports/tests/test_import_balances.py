"""The balance a bank file states (OFX LEDGERBAL/AVAILBAL, a balance column), kept on the import and compared
with Finsight's balance on its day: on the import page, in the imports API, with the adjustment button."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services as import_services
from imports.tests.import_fixtures import samples
from transactions import selectors, services
from transactions.models import ImportBatch, ImportStatus, Transaction

pytestmark = pytest.mark.django_db

D = Decimal


def start(owner, account, data: bytes, name: str = "export.csv", **kwargs) -> ImportBatch:
    batch = import_services.import_start(user=owner, account=account, upload=SimpleUploadedFile(name, data),
                                         **kwargs)
    return selectors.import_batch_get(user=owner, pk=batch.pk)


@pytest.fixture
def giro(owner):
    """An account whose balance today (19 Mar 2024) the person gave: EUR 1,452.56."""
    return services.account_create(user=owner, name="Girokonto", kind="checking", currency="EUR",
                                   current_balance=D("1452.56"), today=date(2024, 3, 19))


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# --- balance columns -----------------------------------------------------------------------------------

def test_the_balance_column_states_the_last_rows_balance_and_finsight_agrees(owner, giro):
    batch = start(owner, giro, csv("Date,Description,Amount,Balance",
                                   "01/03/2024,DIRECT DEBIT GYM,-39.99,960.01",
                                   "08/03/2024,TRANSFER FROM SAVINGS,500.00,1460.01",
                                   "19/03/2024,CARD PAYMENT BOOTS,-7.45,1452.56"))

    assert batch.status == ImportStatus.DONE and batch.mapping["balance"] == 3
    assert (batch.stated_balance, batch.stated_balance_date, batch.stated_balance_source) == (
        D("1452.56"), date(2024, 3, 19), "column")
    check = batch.reconciliation
    assert (check.bank_balance, check.finsight_balance, check.matches) == (D("1452.56"), D("1452.56"), True)
    assert batch.notes == []


def test_a_newest_first_export_with_decimal_commas_states_its_first_rows_balance(owner, giro):
    data = ("Buchungstag;Verwendungszweck;Betrag;Saldo\n"
            "19.03.2024;KARTENZAHLUNG BOOTS;-7,45;1.452,56\n"
            "08.03.2024;UEBERTRAG SPARKONTO;500,00;1.460,01\n"
            "01.03.2024;LASTSCHRIFT GYM;-39,99;960,01\n").encode("cp1252")
    batch = start(owner, giro, data)
    assert (batch.stated_balance, batch.stated_balance_date) == (D("1452.56"), date(2024, 3, 19))
    assert batch.reconciliation.matches


def test_a_balance_given_only_at_the_end_of_each_day_is_followed(owner, giro):
    batch = start(owner, giro, csv("Date,Description,Amount,Running balance",
                                   "2024-03-18,COFFEE,-3.00,",
                                   "2024-03-18,LUNCH,-12.00,1467.01",
                                   "2024-03-19,BOOTS,-7.45,",
                                   "2024-03-19,BAKERY,-7.00,1452.56"))
    assert (batch.stated_balance, batch.notes) == (D("1452.56"), [])
    # The last row without a balance: its amount follows the last balance given.
    batch = start(owner, giro, csv("Date,Description,Amount,Balance",
                                   "2024-03-18,TEA,-3.00,1467.01",
                                   "2024-03-19,SOAP,-7.45,"))
    assert (batch.stated_balance, batch.stated_balance_date) == (D("1459.56"), date(2024, 3, 19))


def test_a_card_that_shows_what_is_owed_as_a_positive_balance(owner):
    card = services.account_create(user=owner, name="Visa", kind="credit_card", currency="EUR",
                                   current_balance=D("-150.00"), today=date(2024, 3, 31))
    batch = start(owner, card, csv("Date,Description,Amount,Balance",
                                   "2024-03-02,HOTEL,-100.00,100.00",
                                   "2024-03-10,REFUND,20.00,80.00",
                                   "2024-03-30,BOOKS,-70.00,150.00"))
    assert (batch.stated_balance, batch.stated_balance_date) == (D("-150.00"), date(2024, 3, 30))
    assert batch.reconciliation.matches


def test_a_balance_that_does_not_follow_once_is_used_with_a_note_naming_the_row(owner, giro):
    batch = start(owner, giro, csv("Date,Description,Amount,Balance",
                                   "2024-03-01,A,-10.00,1000.00",
                                   "2024-03-02,B,-10.00,990.00",
                                   "2024-03-03,C,-10.00,985.00",
                                   "2024-03-04,D,-10.00,975.00",
                                   "2024-03-05,E,-10.00,965.00"))
    assert batch.stated_balance == D("965.00")
    assert batch.notes == ["Row 4, column 'Balance': after the rows before it the balance would be 980.00, but the "
                           "file says 985.00 (1 of 4 balances do not follow from the amounts: a row may be missing "
                           "from the file). The last balance is used all the same."]


def test_a_column_that_is_not_a_running_balance_is_not_used(owner, giro):
    batch = start(owner, giro, csv("Date,Description,Amount,Available balance",
                                   "2024-03-01,A,-10.00,500.00",
                                   "2024-03-02,B,-20.00,500.00",
                                   "2024-03-03,C,-30.00,500.00"))
    assert batch.status == ImportStatus.DONE and batch.created_count == 3
    assert batch.stated_balance is None and batch.reconciliation is None
    assert batch.notes[0].startswith("Row 3, column 'Available balance': after the rows before it the balance would")
    assert "does not follow from the amounts, so it was not used" in batch.notes[0]


def test_a_balance_cell_that_is_not_an_amount_is_named_and_the_rows_still_import(owner, giro):
    batch = start(owner, giro, csv("Date,Description,Amount,Balance",
                                   "2024-03-01,A,-10.00,990.00",
                                   "2024-03-02,B,-10.00,n/a"))
    assert batch.status == ImportStatus.DONE and batch.created_count == 2
    assert batch.stated_balance is None
    assert batch.notes == ["Row 3, column 'Balance': 'n/a' is not an amount. The balance column was not used to "
                           "check the account's balance."]


def test_an_excel_statement_with_typed_balances(owner, giro):
    batch = start(owner, giro, samples.xlsx_statement(), "statement.xlsx")
    assert (batch.stated_balance, batch.stated_balance_date) == (D("1452.56"), date(2024, 3, 19))
    assert batch.reconciliation.matches


def test_choosing_no_balance_column_in_the_mapping_states_none(owner, giro):
    data = csv("Date,Description,Amount,Saldo", "2024-03-01,A,-10.00,990.00")
    preview = import_services.import_preview(user=owner, account=giro, upload=SimpleUploadedFile("x.csv", data))
    assert preview.mapping["balance"] == 3
    batch = start(owner, giro, data, mapping={"balance": None})
    assert batch.status == ImportStatus.DONE and batch.stated_balance is None


# --- OFX -------------------------------------------------------------------------------------------------

def ofx(balances: str) -> bytes:
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n<BANKMSGSRSV1><STMTTRNRS><TRNUID>1\n"
        "<STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>42</BANKACCTFROM>\n"
        "<BANKTRANLIST><DTSTART>20240301<DTEND>20240319\n"
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240319<TRNAMT>-7.45<FITID>F1<NAME>BOOTS</STMTTRN>\n"
        f"</BANKTRANLIST>\n{balances}\n</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n"
    ).encode()


def test_ofx_ledger_balance_is_stated_and_a_different_available_balance_noted(owner, giro):
    batch = start(owner, giro, ofx("<LEDGERBAL><BALAMT>1452.56<DTASOF>20240319120000[-5:EST]</LEDGERBAL>\n"
                                   "<AVAILBAL><BALAMT>1952.56<DTASOF>20240319</AVAILBAL>"), "giro.ofx")
    assert (batch.stated_balance, batch.stated_balance_date, batch.stated_balance_source) == (
        D("1452.56"), date(2024, 3, 19), "ledger")
    assert batch.reconciliation.matches
    assert batch.notes == ["The bank also states an available balance of 1,952.56 on 19 Mar 2024 (what you can "
                           "spend: it may count pending payments or an overdraft); Finsight compares with the booked "
                           "balance."]


def test_ofx_with_only_an_available_balance(owner, giro):
    batch = start(owner, giro, ofx("<AVAILBAL><BALAMT>1400.00<DTASOF>20240319</AVAILBAL>"), "giro.ofx")
    assert (batch.stated_balance, batch.stated_balance_source) == (D("1400.00"), "available")
    assert batch.reconciliation.difference == D("-52.56")


def test_an_unreadable_ofx_balance_is_named_and_the_rows_still_import(owner, giro):
    batch = start(owner, giro, ofx("<LEDGERBAL><BALAMT>lots<DTASOF>20240319</LEDGERBAL>"), "giro.ofx")
    assert batch.status == ImportStatus.DONE and batch.created_count == 1
    assert batch.stated_balance is None
    assert batch.notes == ["Line 11 (LEDGERBAL): the booked balance amount (BALAMT) 'lots' is not a number; it was "
                           "not used to check the account's balance."]


def test_the_sample_statements_state_their_ledger_balances(owner, account):
    sgml = start(owner, account, samples.ofx_sgml(), "bank.ofx")
    assert (sgml.stated_balance, sgml.stated_balance_date) == (D("1954.80"), date(2024, 3, 31))
    xml = start(owner, account, samples.ofx_xml(), "card.qfx")
    assert (xml.stated_balance, xml.stated_balance_date) == (D("-109.99"), date(2024, 3, 31))


# --- pages and API -----------------------------------------------------------------------------------------

TWO_ROWS = csv("Date,Description,Amount,Balance",
               "2024-03-18,TEA,-3.00,1467.01",
               "2024-03-19,SOAP,-7.45,1459.56")


def test_the_import_page_shows_the_difference_and_the_button_fixes_it(client, owner, giro):
    client.force_login(owner)
    response = client.post("/transactions/import/", {"account": giro.pk,
                                                     "file": SimpleUploadedFile("giro.csv", TWO_ROWS)}, follow=True)
    html = response.content.decode()
    batch = ImportBatch.objects.get()
    assert "Balance check" in html and "The bank says" in html and "EUR 1,459.56" in html
    assert "Finsight says" in html and "EUR 1,452.56" in html and "data-difference>EUR 7.00<" in html
    assert f'name="next" value="/transactions/import/{batch.pk}/"' in html

    response = client.post(f"/money/accounts/{giro.pk}/adjust/", {
        "date": "2024-03-19", "bank_balance": "1459.56", "next": f"/transactions/import/{batch.pk}/"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/transactions/import/{batch.pk}/"
    assert "Added an adjustment of EUR 7.00 on 19 Mar 2024" in html and "Matches the bank" in html
    assert client.get(f"/transactions/import/{batch.pk}/status/").content.decode().count("Matches the bank") == 1
    assert Transaction.objects.get(source="adjustment").amount == D("7.00")


def test_the_imports_api_shows_the_reconciliation(owner_api, owner, giro, other_user):
    response = owner_api.post("/api/v1/imports/", {"account": giro.pk, "file": SimpleUploadedFile("g.csv", TWO_ROWS)},
                              format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["reconciliation"] == {
        "date": "2024-03-19", "bank_balance": "1459.56", "finsight_balance": "1452.56", "difference": "7.00",
        "matches": False, "stated_in": "column", "import_id": response.json()["id"]}
    listed = owner_api.get("/api/v1/imports/").json()["results"]
    assert listed[0]["reconciliation"]["difference"] == "7.00"
    plain = start(owner, giro, csv("Date,Description,Amount", "2024-03-01,A,-1.00"))
    assert owner_api.get(f"/api/v1/imports/{plain.pk}/").json()["reconciliation"] is None


def test_an_import_without_a_stated_balance_shows_no_balance_check(client, owner, giro):
    client.force_login(owner)
    batch = start(owner, giro, csv("Date,Description,Amount", "2024-03-01,A,-1.00"))
    assert "Balance check" not in client.get(f"/transactions/import/{batch.pk}/").content.decode()


def test_import_list_keeps_a_constant_number_of_queries(owner_api, owner, giro, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start(owner, giro, TWO_ROWS)
    with CaptureQueriesContext(connection) as one:
        owner_api.get("/api/v1/imports/")
    for n in range(8):
        start(owner, giro, csv("Date,Description,Amount,Balance", f"2024-02-0{n + 1},X{n},-1.00,{n}.00"))
    with django_assert_max_num_queries(len(one)):
        body = owner_api.get("/api/v1/imports/").json()
    assert body["count"] == 9 and all(b["reconciliation"] for b in body["results"])


def test_an_excel_file_built_here_reads_the_same(owner, giro):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Date", "Description", "Amount", "Kontostand"])
    book.active.append([date(2024, 3, 19), "SOAP", -7.45, 1452.56])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = start(owner, giro, buffer.getvalue(), "k.xlsx")
    assert (batch.stated_balance, batch.stated_balance_source) == (D("1452.56"), "column")
