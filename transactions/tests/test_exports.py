"""Exports written by the worker: every row, progress while it runs, a failure said as a failure, the owner's only."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from transactions import exports, selectors, services
from transactions.exports import CHUNK, EXPORT_HEADER
from transactions.models import ExportStatus, Transaction, TransactionExport
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/transactions/exports/"


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"


def _bulk(owner, account, count: int) -> None:
    Transaction.objects.bulk_create([
        Transaction(owner=owner, account=account, date=date(2026, 1, 1 + n % 28), amount=Decimal("-1.25"),
                    currency="EUR", description=f"ROW {n}", fingerprint=f"bulk:{n}")
        for n in range(count)
    ])


def _request(client, capture, body=None):
    with capture(execute=True):  # the worker runs once the request commits, as in production
        response = client.post(API, body or {}, format="json")
    assert response.status_code == 202, response.content
    return response


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_the_file_holds_every_row_across_several_chunks(owner_api, owner, account, django_capture_on_commit_callbacks):
    rows = 2 * CHUNK + 123
    _bulk(owner, account, rows)
    created = _request(owner_api, django_capture_on_commit_callbacks).json()
    assert created["status"] == "pending" and created["download_url"] is None
    export = owner_api.get(f"{API}{created['id']}/").json()
    assert (export["status"], export["rows_written"], export["progress_percent"]) == ("done", rows, 100)
    assert export["expires_at"] and export["size_bytes"] > 0
    lines = _csv(owner_api.get(export["download_url"]))
    assert lines[0] == EXPORT_HEADER
    assert len(lines) == rows + 1
    assert {int(line[0]) for line in lines[1:]} == set(Transaction.objects.filter(owner=owner).values_list("pk", flat=True))
    assert owner_api.get(API).json()["count"] == 1


def test_the_lists_filters_and_order_apply(owner_api, owner, account, django_capture_on_commit_callbacks):
    TransactionFactory(account=account, date=date(2026, 3, 2), description="NEW")
    TransactionFactory(account=account, date=date(2026, 3, 1), description="NEWER? NO, OLDER")
    TransactionFactory(account=account, date=date(2025, 1, 1), description="LAST YEAR")
    created = _request(owner_api, django_capture_on_commit_callbacks, {"date_from": "2026-01-01", "ordering": "date"})
    assert created.json()["filters"] == {"date_from": "2026-01-01", "ordering": "date"}
    lines = _csv(owner_api.get(f"{API}{created.json()['id']}/download/"))
    assert [line[9] for line in lines[1:]] == ["NEWER? NO, OLDER", "NEW"]


def test_bad_filters_are_refused_and_nothing_is_asked(owner_api):
    response = owner_api.post(API, {"date_from": "not a date", "account": "999999"}, format="json")
    assert response.status_code == 400
    assert {"date_from", "account"} <= set(response.json()["fields"])
    assert not TransactionExport.objects.exists()


def test_another_users_export_is_not_found(owner_api, other_api, client, other_user, owner, account,
                                           django_capture_on_commit_callbacks):
    TransactionFactory(account=account, description="MINE")
    export_id = _request(owner_api, django_capture_on_commit_callbacks).json()["id"]
    assert other_api.get(f"{API}{export_id}/").status_code == 404
    assert other_api.get(f"{API}{export_id}/download/").status_code == 404
    assert other_api.get(API).json()["count"] == 0
    client.force_login(other_user)
    for page in ("", "status/", "download/"):
        assert client.get(f"/transactions/exports/{export_id}/{page}").status_code == 404
    client.force_login(owner)
    assert client.get(f"/transactions/exports/{export_id}/download/").status_code == 200


def test_progress_is_recorded_while_the_worker_writes(owner, account, monkeypatch):
    _bulk(owner, account, 2 * CHUNK + 10)
    monkeypatch.setattr(exports, "PROGRESS_EVERY_SECONDS", 0)
    seen = []
    real_rows = exports.export_rows

    def watched_rows(**kwargs):
        for number, row in enumerate(real_rows(**kwargs), start=1):
            if number in (1, CHUNK + 1, 2 * CHUNK + 1):  # what a page polling the export would read now
                export = selectors.transaction_export_get(user=owner, pk=export_id)
                seen.append((export.shown_status, export.rows_written, export.rows_total, export.progress_percent))
            yield row

    monkeypatch.setattr(exports, "export_rows", watched_rows)
    export_id = services.transaction_export_request(user=owner, filters={}).pk
    exports.export_run(export_id=export_id)
    total = 2 * CHUNK + 10
    assert seen == [("running", 0, total, 0), ("running", CHUNK, total, 49), ("running", 2 * CHUNK, total, 99)]


def test_the_page_and_api_show_progress(owner, owner_api, client):
    export = services.transaction_export_request(user=owner, filters={})
    TransactionExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, rows_total=1000,
                                                          rows_written=400, heartbeat_at=timezone.now())
    body = owner_api.get(f"{API}{export.pk}/").json()
    assert (body["status"], body["rows_written"], body["rows_total"], body["progress_percent"]) == ("running", 400,
                                                                                                   1000, 40)
    assert owner_api.get(f"{API}{export.pk}/download/").json()["code"] == "export_not_ready"
    client.force_login(owner)
    html = client.get(f"/transactions/exports/{export.pk}/status/").content.decode()
    assert "400 of 1000 rows · 40%" in html and "every 1s" in html


def test_a_failure_midway_leaves_no_file_and_says_so(owner, account, owner_api, client, monkeypatch, settings):
    _bulk(owner, account, CHUNK + 5)
    real_rows = exports.export_rows

    def breaks_after_a_chunk(**kwargs):
        for number, row in enumerate(real_rows(**kwargs), start=1):
            if number > CHUNK:
                raise OSError("No space left on device")
            yield row

    monkeypatch.setattr(exports, "export_rows", breaks_after_a_chunk)
    export = services.transaction_export_request(user=owner, filters={})
    exports.export_run(export_id=export.pk)
    body = owner_api.get(f"{API}{export.pk}/").json()
    assert body["status"] == "failed" and body["download_url"] is None
    assert "failed before it was complete" in body["error"]
    assert owner_api.get(f"{API}{export.pk}/download/").status_code == 409
    assert list(settings.EXPORT_DIR.iterdir()) == []  # no partial file, complete-looking or not
    client.force_login(owner)
    html = client.get(f"/transactions/exports/{export.pk}/").content.decode()
    assert "The export failed" in html and "Download" not in html
    assert client.get(f"/transactions/exports/{export.pk}/download/").status_code == 404


def test_an_unwritable_export_directory_fails_visibly(owner, account, owner_api, settings, tmp_path,
                                                      django_capture_on_commit_callbacks):
    TransactionFactory(account=account)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.EXPORT_DIR = blocker / "exports"
    created = _request(owner_api, django_capture_on_commit_callbacks).json()
    assert owner_api.get(f"{API}{created['id']}/").json()["status"] == "failed"


def test_a_worker_that_died_shows_as_failed_and_another_can_be_asked(owner, owner_api):
    export = services.transaction_export_request(user=owner, filters={})
    refused = owner_api.post(API, {}, format="json")
    assert refused.status_code == 400 and "already being prepared" in refused.json()["message"]
    TransactionExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, rows_total=100, rows_written=40,
        heartbeat_at=timezone.now() - timedelta(minutes=11))
    body = owner_api.get(f"{API}{export.pk}/").json()
    assert body["status"] == "failed" and "stopped before it finished" in body["error"]
    assert owner_api.post(API, {}, format="json").status_code == 202


def test_look_alike_formulas_are_neutralised_in_the_file(owner, account, owner_api,
                                                         django_capture_on_commit_callbacks):
    txn = TransactionFactory(account=account, description="\uff1dHYPERLINK(\"http://evil\")",
                             merchant="\uff0bSUM(A1)", notes="\u2212 1+1")
    services.transaction_update(user=owner, txn=txn, data={"tags": ["\uff20cmd"]})
    TransactionFactory(account=account, description="\ufe66cmd", merchant="\ufeff=1", notes="\uff0d2")
    created = _request(owner_api, django_capture_on_commit_callbacks).json()
    lines = _csv(owner_api.get(f"{API}{created['id']}/download/"))
    cells = {cell for line in lines[1:] for cell in (line[9], line[10], line[14], line[15])} - {""}
    assert cells == {"'\uff1dHYPERLINK(\"http://evil\")", "'\uff0bSUM(A1)", "'\u2212 1+1", "'\uff20cmd",
                     "'\ufe66cmd", "'\ufeff=1", "'\uff0d2"}


def test_asked_for_and_downloaded_from_the_pages(owner, account, client, django_capture_on_commit_callbacks):
    TransactionFactory(account=account, date=date(2026, 2, 1), description="FEBRUARY")
    TransactionFactory(account=account, date=date(2025, 2, 1), description="A YEAR AGO")
    client.force_login(owner)
    listing = client.get("/transactions/", {"date_from": "2026-01-01"}).content.decode()
    assert 'action="/transactions/exports/?date_from=2026-01-01"' in listing
    assert 'href="/transactions/exports/"' in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/transactions/exports/?date_from=2026-01-01&page=2")
    export = TransactionExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/transactions/exports/{export.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "From: 1 Jan 2026" in html
    assert "1 transaction exported" in html and f"/transactions/exports/{export.pk}/download/" in html
    download = client.get(f"/transactions/exports/{export.pk}/download/")
    assert "attachment" in download["Content-Disposition"]
    lines = _csv(download)
    assert [line[9] for line in lines[1:]] == ["FEBRUARY"]
    assert "Download" in client.get("/transactions/exports/").content.decode()


def test_a_second_request_while_one_runs_is_explained_on_the_page(owner, client):
    services.transaction_export_request(user=owner, filters={})
    client.force_login(owner)
    response = client.post("/transactions/exports/", follow=True)
    assert "already being prepared" in response.content.decode()
    assert TransactionExport.objects.count() == 1


def test_expired_exports_and_their_files_are_cleaned_up(owner, account, api_client, settings):
    owner_api = api_client
    owner_api.force_login(owner)  # a session, which outlives the day travelled below (a JWT would not)
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 3 * 86400  # ... when it may stay idle that long
    TransactionFactory(account=account)
    old = services.transaction_export_request(user=owner, filters={})
    exports.export_run(export_id=old.pk)
    old.refresh_from_db()
    old_file = exports.export_path(old)
    assert old_file.exists()
    assert owner_api.get(f"{API}{old.pk}/download/").status_code == 200
    fresh = services.transaction_export_request(user=owner, filters={})
    exports.export_run(export_id=fresh.pk)
    fresh.refresh_from_db()
    orphan = settings.EXPORT_DIR / "99-abandoned.csv.part"
    orphan.write_text("id\n1\n")
    two_days_ago = time.time() - 2 * 86400
    os.utime(orphan, (two_days_ago, two_days_ago))

    later = old.expires_at + timedelta(minutes=1)
    TransactionExport.objects.filter(pk=fresh.pk).update(expires_at=later + timedelta(hours=1))
    with time_machine.travel(later, tick=False):
        body = owner_api.get(f"{API}{old.pk}/").json()
        assert (body["status"], body["download_url"]) == ("expired", None)
        assert owner_api.get(f"{API}{old.pk}/download/").status_code == 409
    assert services.transaction_exports_purge(now=later) == 1
    assert not old_file.exists() and not orphan.exists()
    assert list(TransactionExport.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert exports.export_path(fresh).exists()


def test_the_export_page_says_which_transactions_it_holds(owner, account, client):
    export = services.transaction_export_request(
        user=owner, filters={"account": str(account.pk), "needs_review": "true", "ordering": "-amount", "page": "3"})
    client.force_login(owner)
    html = client.get(f"/transactions/exports/{export.pk}/").content.decode()
    assert f"Account: {account.name}" in html and "Needs review: yes" in html
    assert "Sorted by: amount (descending)" in html and "page" not in export.filters
