"""The import pages: upload, the column mapping when the importer is unsure, progress and the result; only mine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from transactions.models import ImportBatch, Transaction

pytestmark = pytest.mark.django_db

URL = "/transactions/import/"

CLEAR_CSV = (
    "Date,Description,Amount\n"
    "2026-03-01,REWE SAGT DANKE,-42.10\n"
    "2026-03-02,SALARY ACME GMBH,2500.00\n"
    "2026-03-03,STARBUCKS BERLIN,-4.20\n"
).encode()

# Every date reads both as day/month and as month/day: the importer asks.
AMBIGUOUS_CSV = (
    "Datum;Omschrijving;Bedrag\n"
    "03/04/2026;BAKERY MÜLLER;-3,80\n"
    "05/04/2026;SALARY ACME;2.500,00\n"
    "07/04/2026;PHARMACY;-12,35\n"
).encode("cp1252")

BAD_ROW_CSV = (
    "Date,Description,Amount\n"
    + "".join(f"2026-03-0{day},SHOP {day},-{day}.10\n" for day in range(1, 7))
    + "2026-03-07,BROKEN,lots\n"
).encode()


@pytest.fixture
def client_owner(client, owner):
    client.force_login(owner)
    return client


def upload(client, account, content: bytes, name: str = "statement.csv", follow=True):
    return client.post(URL, {"account": account.pk, "file": SimpleUploadedFile(name, content, "text/csv")},
                       follow=follow)


def test_import_page_offers_my_accounts_only(client_owner, account, other_account):
    html = client_owner.get(URL).content.decode()
    assert "Main checking" in html and "Oscar" not in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html


def test_import_page_without_an_account_asks_for_one(client, other_user):
    client.force_login(other_user)
    html = client.get(URL).content.decode()
    assert "First, add the account this statement belongs to" in html and 'type="file"' not in html


def test_a_clear_file_imports_and_says_how_many(client_owner, owner, account):
    response = upload(client_owner, account, CLEAR_CSV)
    batch = ImportBatch.objects.get(owner=owner)
    assert response.redirect_chain[-1][0] == f"/transactions/import/{batch.pk}/"
    html = response.content.decode()
    assert "3 new transactions, 0 duplicates skipped" in html
    assert f'href="/transactions/?import_batch={batch.pk}"' in html
    assert 'hx-trigger="every 1s"' not in html  # finished: nothing left to poll
    assert sorted(Transaction.objects.filter(owner=owner).values_list("amount", flat=True)) == [
        Decimal("-42.10"), Decimal("-4.20"), Decimal("2500.00")]

    listed = client_owner.get(f"/transactions/?import_batch={batch.pk}").content.decode()
    assert "statement.csv" in listed and "REWE SAGT DANKE" in listed and "3 transactions" in listed

    again = upload(client_owner, account, CLEAR_CSV).content.decode()
    assert "0 new transactions, 3 duplicates skipped" in again
    assert Transaction.objects.filter(owner=owner).count() == 3
    history = client_owner.get(URL).content.decode()
    assert "Recent imports" in history and "3 new · 0 duplicates" in history


def test_an_unsure_file_shows_a_preview_and_a_column_mapping(client_owner, owner, account):
    response = upload(client_owner, account, AMBIGUOUS_CSV, name="bank.csv")
    batch = ImportBatch.objects.get(owner=owner)
    html = response.content.decode()
    assert batch.status == "needs_mapping"
    assert "Which column is which?" in html
    assert "BAKERY MÜLLER" in html and "2.500,00" in html  # the first rows, as in the file
    assert "choose the order" in html  # the importer's own words about the problem
    assert 'name="date"' in html and 'name="amount"' in html and 'name="description"' in html
    assert not Transaction.objects.exists()

    response = client_owner.post(f"{URL}{batch.pk}/", {
        "date": "0", "date_order": "dmy", "amount": "2", "debit": "", "credit": "", "flag": "",
        "description": ["1"], "merchant": "", "decimal": ",",
    }, follow=True)
    assert "3 new transactions, 0 duplicates skipped" in response.content.decode()
    rows = {t.description: (t.date, t.amount) for t in Transaction.objects.filter(owner=owner)}
    assert rows == {"BAKERY MÜLLER": (date(2026, 4, 3), Decimal("-3.80")),
                    "SALARY ACME": (date(2026, 4, 5), Decimal("2500.00")),
                    "PHARMACY": (date(2026, 4, 7), Decimal("-12.35"))}
    account.refresh_from_db()
    assert account.import_mapping  # remembered for the next file with these columns


def test_mapping_errors_are_explained_and_nothing_is_imported(client_owner, owner, account):
    upload(client_owner, account, AMBIGUOUS_CSV)
    batch = ImportBatch.objects.get(owner=owner)
    response = client_owner.post(f"{URL}{batch.pk}/", {
        "date": "0", "date_order": "dmy", "amount": "", "description": [], "decimal": ",",
    })
    html = response.content.decode()
    assert "Choose the amount column, or the debit and credit columns." in html
    assert "Choose at least one column that describes the transaction." in html
    response = client_owner.post(f"{URL}{batch.pk}/", {
        "date": "0", "date_order": "dmy", "amount": "0", "description": ["1"], "decimal": ",",
    })
    assert "The same column is chosen for two different things." in response.content.decode()
    response = client_owner.post(f"{URL}{batch.pk}/", {
        "date": "7", "date_order": "ymd", "amount": "2", "description": ["1"], "decimal": ";"})
    assert response.content.decode().count("Select a valid choice") == 3
    assert not Transaction.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "needs_mapping"


def test_a_bad_row_imports_nothing_and_names_the_row_and_column(client_owner, owner, account):
    html = upload(client_owner, account, BAD_ROW_CSV).content.decode()
    assert "Nothing was imported" in html
    assert ">8<" in html and ">Amount<" in html  # row 8 of the file, the Amount column
    assert "lots" in html
    assert not Transaction.objects.exists()
    assert "Choose the columns again" in html


def test_a_file_that_is_not_a_bank_export_is_refused_clearly(client_owner, owner, account):
    html = upload(client_owner, account, b"Dear diary,\nToday nothing happened.\n", name="diary.txt").content.decode()
    assert "Nothing was imported" in html and "does not look like a bank export" in html
    assert not Transaction.objects.exists()


def test_upload_form_errors(client_owner, owner, account, other_account, settings):
    response = client_owner.post(URL, {"account": account.pk})
    assert "This field is required." in response.content.decode()
    response = upload(client_owner, other_account, CLEAR_CSV, follow=False)
    assert "Select a valid choice" in response.content.decode()
    response = upload(client_owner, account, b"", follow=False)
    assert "The submitted file is empty." in response.content.decode()
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client_owner, account, CLEAR_CSV, follow=False)
    assert "the limit is 100" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_progress_polls_every_second_while_running_and_stops_when_done(client_owner, owner, account):
    batch = ImportBatch.objects.create(owner=owner, account=account, filename="big.csv", status="running",
                                       rows_total=1000, rows_processed=250)
    html = client_owner.get(f"{URL}{batch.pk}/").content.decode()
    assert f'hx-get="/transactions/import/{batch.pk}/status/" hx-trigger="every 1s"' in html
    assert 'aria-valuenow="25"' in html and "250 of 1000 rows" in html
    partial = client_owner.get(f"{URL}{batch.pk}/status/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="import-status"') and "every 1s" in partial

    ImportBatch.objects.filter(pk=batch.pk).update(status="done", created_count=990, duplicate_count=10)
    partial = client_owner.get(f"{URL}{batch.pk}/status/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in partial
    assert "990 new transactions, 10 duplicates skipped" in partial


@pytest.mark.parametrize(("method", "path"), [("get", "{pk}/"), ("post", "{pk}/"), ("get", "{pk}/status/")])
def test_someone_elses_import_is_a_404(client_owner, other_user, other_account, method, path):
    theirs = ImportBatch.objects.create(owner=other_user, account=other_account, filename="oscar.csv",
                                        status="needs_mapping")
    response = getattr(client_owner, method)(URL + path.format(pk=theirs.pk), {"date": "0", "amount": "1"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "needs_mapping"


def test_someone_elses_imports_are_not_listed(client_owner, other_user, other_account, account):
    ImportBatch.objects.create(owner=other_user, account=other_account, filename="oscar.csv", status="done")
    assert "oscar.csv" not in client_owner.get(URL).content.decode()


@pytest.mark.parametrize("path", [URL, f"{URL}1/", f"{URL}1/status/"])
def test_import_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
