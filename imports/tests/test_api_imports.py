"""/api/v1/imports/: upload a bank export, poll the batch, confirm a column mapping; nobody else's batches."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions.models import ImportBatch, Transaction

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"

CLEAR_CSV = (b"Date,Description,Amount\n"
             b"2026-03-01,REWE SAGT DANKE 1234,-54.20\n"
             b"2026-03-02,GEHALT ACME GMBH,3100.00\n"
             b"2026-03-03,SEPA-LASTSCHRIFT NETFLIX.COM,-13.99\n")
# No header and dates that read both ways: the importer asks for a mapping.
UNCLEAR_CSV = (b"03/01/2026,REWE,-54.20\n"
               b"03/02/2026,SALARY,3100.00\n")
UNCLEAR_MAPPING = {"date": 0, "description": [1], "amount": 2, "date_order": "mdy"}


def _upload(client, account, data: bytes, name: str = "export.csv", **extra):
    return client.post(URL, {"account": account.pk, "file": SimpleUploadedFile(name, data), **extra},
                       format="multipart")


def test_upload_imports_every_row_and_a_reimport_adds_nothing(owner_api, owner, account):
    response = _upload(owner_api, account, CLEAR_CSV)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("status", "filename", "file_format", "created_count", "duplicate_count", "errors",
                                 "progress_percent", "rows_total", "rows_processed")} == {
        "status": "done", "filename": "export.csv", "file_format": "csv", "created_count": 3, "duplicate_count": 0,
        "errors": [], "progress_percent": 100, "rows_total": 3, "rows_processed": 3,
    }
    rows = Transaction.objects.filter(owner=owner).order_by("date")
    assert [(t.date, t.amount, t.source, t.import_batch_id) for t in rows] == [
        (date(2026, 3, 1), Decimal("-54.20"), "csv", body["id"]),
        (date(2026, 3, 2), Decimal("3100.00"), "csv", body["id"]),
        (date(2026, 3, 3), Decimal("-13.99"), "csv", body["id"]),
    ]
    again = _upload(owner_api, account, CLEAR_CSV)
    assert (again.status_code, again.json()["created_count"], again.json()["duplicate_count"]) == (201, 0, 3)
    assert Transaction.objects.filter(owner=owner).count() == 3


def test_a_file_that_is_not_a_bank_export_is_refused_clearly(owner_api, owner, account):
    response = _upload(owner_api, account, b"\x89PNG\r\n\x1a\n\x00\x00 not a statement", name="photo.png")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["fields"]) == ("import_refused", {})
    assert "Finsight can read" in response.json()["message"]
    body = response.json()["extra"]["batch"]
    assert body["status"] == "failed"
    assert "Finsight can read" in body["errors"][0]["message"]
    assert ImportBatch.objects.get(pk=body["id"]).status == "failed"
    assert not Transaction.objects.filter(owner=owner).exists()


def test_one_bad_row_imports_nothing_and_names_the_row(owner_api, owner, account):
    response = _upload(owner_api, account, CLEAR_CSV.replace(b"2026-03-02", b"2026-13-02"))
    assert response.status_code == 400 and response.json()["code"] == "import_refused"
    assert response.json()["message"] == ("Nothing was imported. Row 3, column 'Date': '2026-13-02' is not a valid "
                                          "date.")
    assert response.json()["extra"]["batch"]["errors"] == [
        {"row": 3, "column": "Date", "message": "'2026-13-02' is not a valid date."}]
    assert not Transaction.objects.filter(owner=owner).exists()


def test_an_unclear_file_waits_for_a_mapping_which_is_remembered(owner_api, owner, account):
    response = _upload(owner_api, account, UNCLEAR_CSV)
    assert response.status_code == 202, response.content
    batch = response.json()
    assert (batch["status"], batch["created_count"]) == ("needs_mapping", 0)

    preview = owner_api.get(f"{URL}{batch['id']}/preview/").json()
    assert preview["confident"] is False
    assert preview["sample_rows"][0] == ["03/01/2026", "REWE", "-54.20"]
    assert any("day/month" in problem for problem in preview["problems"])

    response = owner_api.post(f"{URL}{batch['id']}/mapping/", {"mapping": UNCLEAR_MAPPING}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["created_count"]) == ("done", 2)
    assert list(Transaction.objects.filter(owner=owner).order_by("date").values_list("date", flat=True)) == [
        date(2026, 3, 1), date(2026, 3, 2)]
    # The next file with the same columns imports straight away with the confirmed mapping.
    response = _upload(owner_api, account, UNCLEAR_CSV + b"03/04/2026,LIDL,-8.10\n")
    assert (response.status_code, response.json()["created_count"], response.json()["duplicate_count"]) == (201, 1, 2)


def test_a_mapping_can_come_with_the_upload(owner_api, owner, account):
    response = _upload(owner_api, account, UNCLEAR_CSV, mapping=json.dumps(UNCLEAR_MAPPING))
    assert response.status_code == 201, response.content
    assert response.json()["created_count"] == 2
    response = _upload(owner_api, account, UNCLEAR_CSV, mapping="{not json")
    assert response.status_code == 400 and "mapping" in response.json()["fields"]
    response = _upload(owner_api, account, UNCLEAR_CSV, mapping="[1, 2]")
    assert response.status_code == 400 and "mapping" in response.json()["fields"]


def test_only_a_batch_waiting_for_a_mapping_takes_one(owner_api, account):
    done = _upload(owner_api, account, CLEAR_CSV).json()
    response = owner_api.post(f"{URL}{done['id']}/mapping/", {"mapping": UNCLEAR_MAPPING}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "This import is done" in response.json()["message"]
    waiting = _upload(owner_api, account, UNCLEAR_CSV).json()
    assert owner_api.post(f"{URL}{waiting['id']}/mapping/", {"mapping": "x"}, format="json").status_code == 400
    assert owner_api.post(f"{URL}{waiting['id']}/mapping/", {}, format="json").status_code == 400


def test_a_wrong_mapping_is_refused_and_can_be_corrected(owner_api, owner, account):
    waiting = _upload(owner_api, account, UNCLEAR_CSV).json()
    response = owner_api.post(f"{URL}{waiting['id']}/mapping/", {"mapping": {**UNCLEAR_MAPPING, "amount": 1}},
                              format="json")
    assert response.status_code == 400 and response.json()["code"] == "import_refused"
    refused = response.json()["extra"]["batch"]
    assert refused["id"] == waiting["id"]
    assert refused["status"] == "failed" and refused["errors"]
    assert not Transaction.objects.filter(owner=owner).exists()
    response = owner_api.post(f"{URL}{waiting['id']}/mapping/", {"mapping": UNCLEAR_MAPPING}, format="json")
    assert (response.status_code, response.json()["created_count"]) == (200, 2)


def test_a_big_file_is_queued_then_polled_until_done(owner_api, owner, account, settings,
                                                     django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):  # the Huey task runs inline in tests
        response = _upload(owner_api, account, CLEAR_CSV)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"
    polled = owner_api.get(f"{URL}{response.json()['id']}/").json()
    assert (polled["status"], polled["progress_percent"], polled["created_count"]) == ("done", 100, 3)
    assert Transaction.objects.filter(owner=owner).count() == 3


def test_bad_form_fields_are_named(owner_api, account, other_account):
    response = owner_api.post(URL, {"account": account.pk}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["fields"]
    response = _upload(owner_api, other_account, CLEAR_CSV)
    assert response.status_code == 400 and "account" in response.json()["fields"]
    assert not Transaction.objects.exists()
    response = owner_api.post(URL, {"account": account.pk, "file": "text"}, format="json")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_another_users_batches_are_not_found(owner_api, other_api, account):
    theirs = _upload(owner_api, account, UNCLEAR_CSV).json()
    assert other_api.get(URL).json()["results"] == []
    detail = f"{URL}{theirs['id']}/"
    assert other_api.get(detail).status_code == 404
    assert other_api.get(f"{detail}preview/").status_code == 404
    assert other_api.post(f"{detail}mapping/", {"mapping": UNCLEAR_MAPPING}, format="json").status_code == 404
    assert ImportBatch.objects.get(pk=theirs["id"]).status == "needs_mapping"
    assert [b["id"] for b in owner_api.get(URL).json()["results"]] == [theirs["id"]]


def test_anonymous_is_refused(api_client, account):
    assert api_client.get(URL).status_code == 401
    assert _upload(api_client, account, CLEAR_CSV).status_code == 401


def test_list_runs_a_constant_number_of_queries(owner_api, owner, account, django_assert_max_num_queries):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_api.get(URL).status_code == 200
        return len(captured)

    def batches(count: int) -> None:
        ImportBatch.objects.bulk_create([ImportBatch(owner=owner, account=account, filename=f"f{n}.csv",
                                                     status="done", rows_total=10, rows_processed=10)
                                         for n in range(count)])

    batches(5)
    with_five = queries_for_list()
    batches(45)
    with django_assert_max_num_queries(with_five):
        assert len(owner_api.get(URL).json()["results"]) == 50
    assert queries_for_list() == with_five
