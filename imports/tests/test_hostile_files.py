"""Hostile and oversized files: refused before they are read, with a message, and nothing written; a big file
is read by the worker, never in the request."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from imports import services as import_services
from imports.tests.import_fixtures import samples
from transactions.models import ImportBatch, ImportStatus, Transaction

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="xml" ContentType="application/xml"/></Types>')


def shared_string_bomb(unpacked_mb: int = 64) -> bytes:
    """An .xlsx-shaped archive whose shared strings are one text of ``unpacked_mb`` MB: about 1/1000 packed.

    Written a megabyte at a time, so that building it holds no more than that."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * MB
            for _ in range(unpacked_mb):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return buffer.getvalue()


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return shared_string_bomb()


def test_a_shared_string_bomb_is_refused_before_it_is_unpacked(owner, account, bomb):
    assert len(bomb) < MB  # 64 MB of text packed into a small upload
    tracemalloc.start()
    try:
        batch = import_services.import_start(user=owner, account=account,
                                             upload=SimpleUploadedFile("statement.xlsx", bomb))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert batch.status == ImportStatus.FAILED
    message = batch.errors[0]["message"]
    assert message.startswith("The Excel file is refused: its part 'xl/sharedStrings.xml' unpacks to 64 MB")
    assert peak < 8 * MB  # the upload itself and a directory: nothing was unpacked
    assert not batch.stored_file and not Transaction.objects.exists()


def test_the_import_page_and_the_api_refuse_the_bomb_with_its_reason(signed_in, owner_api, account, bomb):
    response = signed_in.post("/transactions/import/", {"account": account.pk,
                                                         "file": SimpleUploadedFile("statement.xlsx", bomb)},
                              follow=True)
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "unpacks to 64 MB" in response.content.decode()

    response = owner_api.post("/api/v1/imports/", {"account": account.pk,
                                                   "file": SimpleUploadedFile("statement.xlsx", bomb)},
                              format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "import_refused" and "unpacks to 64 MB" in response.json()["message"]
    assert not Transaction.objects.exists()


def test_the_command_refuses_the_bomb_and_exits_non_zero(owner, account, bomb, tmp_path):
    path = tmp_path / "statement.xlsx"
    path.write_bytes(bomb)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_transactions", "--user", owner.email, "--account", account.name, str(path), stdout=out)
    assert "unpacks to 64 MB" in json.loads(out.getvalue())["errors"][0]["message"]
    assert not Transaction.objects.exists()


def test_a_workbook_whose_parts_unpack_to_too_much_is_refused(owner, account, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (2 * MB) + b"</worksheet>")
    batch = import_services.import_start(user=owner, account=account,
                                         upload=SimpleUploadedFile("statement.xlsx", buffer.getvalue()))
    assert batch.status == ImportStatus.FAILED
    assert batch.errors[0]["message"] == ("The Excel file is refused: it unpacks to 2 MB, more than the 1 MB "
                                          "Finsight reads. Export a shorter period.")


def test_a_csv_with_more_rows_than_allowed_is_refused_at_the_row_it_reached(owner, account, settings):
    settings.IMPORT_MAX_ROWS = 50
    batch = import_services.import_start(user=owner, account=account,
                                         upload=SimpleUploadedFile("export.csv", samples.rows_csv(80)))
    assert batch.status == ImportStatus.FAILED
    assert batch.errors[0]["message"] == ("The file has more than 50 rows (row 51). Export a shorter period, or "
                                          "split the file, and import each part.")
    assert not Transaction.objects.exists()


def test_an_ofx_declaring_entities_is_refused(owner, account):
    laughs = (b'OFXHEADER:100\n<?xml version="1.0"?><!DOCTYPE ofx [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><OFX>&b;</OFX>')
    batch = import_services.import_start(user=owner, account=account,
                                         upload=SimpleUploadedFile("statement.ofx", laughs))
    assert batch.status == ImportStatus.FAILED
    assert "declares entities or a document type" in batch.errors[0]["message"]


def test_a_big_file_is_not_read_in_the_request_but_by_the_worker(owner, account, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_BYTES = 1024
    data = samples.rows_csv(300)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        batch = import_services.import_start(user=owner, account=account, upload=SimpleUploadedFile("big.csv", data))
    # The request stored and queued it: no rows counted, no mapping decided, nothing imported yet.
    assert (batch.status, batch.rows_total, batch.mapping, batch.file_format) == (ImportStatus.PENDING, 0, {}, "csv")
    assert batch.heartbeat_at is not None and len(queued) == 1

    queued[0]()  # the worker's task
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.attempts) == (ImportStatus.DONE, 300, 1)
    assert Transaction.objects.filter(account=account).count() == 300


def test_a_big_unclear_file_asks_for_its_columns_once_the_worker_has_read_it(
        signed_in, owner, account, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_BYTES = 64
    data = b"".join(f"03/{d:02d}/2026,SHOP {d},-{d}.50\n".encode() for d in range(1, 13))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/transactions/import/", {"account": account.pk,
                                                             "file": SimpleUploadedFile("unclear.csv", data)})
    batch = ImportBatch.objects.get(owner=owner)
    assert batch.status == ImportStatus.NEEDS_MAPPING and batch.stored_file
    # The progress the page polls turns into the mapping form.
    poll = signed_in.get(f"/transactions/import/{batch.pk}/status/", HTTP_HX_REQUEST="true")
    assert poll["HX-Redirect"] == response["Location"] == f"/transactions/import/{batch.pk}/"
    page = signed_in.get(response["Location"]).content.decode()
    assert "Date" in page and "SHOP 1" in page  # the mapping form with a sample of the file
    assert not Transaction.objects.exists()
