"""Bringing your data from another Finsight: an archive uploaded on the page or the API, read by the worker into
the empty account, all of it or nothing; refused at once when it cannot be imported."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from privacy import restore, services
from privacy.models import DataImport, DataImportStatus
from privacy.deletion import account_purge
from privacy.processing import data_import_run
from privacy.tests.test_restore import ledger_dump, nothing_written, rewrite, rich_ledger
from transactions.models import Transaction


@pytest.fixture(autouse=True)
def _import_dir(settings, tmp_path):
    settings.DATA_IMPORT_DIR = tmp_path / "data-imports"


def uploads_waiting(settings) -> list[Path]:
    directory = Path(settings.DATA_IMPORT_DIR)
    return sorted(directory.iterdir()) if directory.exists() else []


def upload_of(path: Path, name: str = "finsight-data.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/zip")


def test_an_archive_uploaded_on_the_page_is_imported_into_the_empty_account(
        client, alice, export_of, settings, django_capture_on_commit_callbacks):
    rich_ledger(alice)
    archive = export_of(alice)
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Bring your data from another Finsight" in page and 'name="file"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:import"), {"file": upload_of(archive)}, follow=True)

    page = response.content.decode()
    assert "Your archive is being imported" in page
    data_import = DataImport.objects.get(owner=bob)
    assert data_import.status == DataImportStatus.DONE
    assert ledger_dump(bob) == ledger_dump(alice)
    assert "7 transactions" in data_import.imported() and data_import.original_name == "finsight-data.zip"
    assert uploads_waiting(settings) == []  # the upload is deleted once read
    assert AuditEntry.objects.filter(actor=bob, changes__step="imported").count() == 1
    assert [m.subject for m in mail.outbox if bob.email in m.to] == ["Your data was imported"]
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Imported" in page and "7 transactions" in page
    # The account has data now: the form gives way to why no second archive can come in.
    assert 'name="file"' not in page and "only into an empty account" in page


@pytest.mark.parametrize("content, message", [
    (b"this is not a zip", "This file is not a zip archive"),
    (None, "README.txt does not start as a Finsight export"),
])
def test_a_file_that_is_no_finsight_export_is_refused_at_once_and_nothing_is_kept(
        client, owner, tmp_path, settings, content, message):
    if content is None:  # a zip, but not an export
        path = tmp_path / "holiday.zip"
        with zipfile.ZipFile(path, "w") as zipped:
            zipped.writestr("README.txt", "Photos from Crete")
            zipped.writestr("schema.json", "{}")
        content = path.read_bytes()
    client.force_login(owner)
    response = client.post(reverse("privacy:import"),
                           {"file": SimpleUploadedFile("data.zip", content, content_type="application/zip")})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DataImport.objects.exists() and uploads_waiting(settings) == []


def test_an_account_with_data_is_refused_at_once(client, owner, account, alice, export_of, settings):
    archive = export_of(alice)
    client.force_login(owner)
    assert "only into an empty account" in client.get(reverse("privacy:data")).content.decode()
    response = client.post(reverse("privacy:import"), {"file": upload_of(archive)})
    assert response.status_code == 400
    assert "imported into a new, empty account only" in response.content.decode()
    assert not DataImport.objects.exists() and uploads_waiting(settings) == []


def test_a_file_above_the_limit_is_refused_with_the_limit(client, owner, settings):
    settings.DATA_IMPORT_MAX_MB = 1
    client.force_login(owner)
    big = SimpleUploadedFile("big.zip", b"x" * (1024 * 1024 + 1), content_type="application/zip")
    response = client.post(reverse("privacy:import"), {"file": big})
    assert response.status_code == 400 and "the largest accepted is 1 MB" in response.content.decode()
    assert not DataImport.objects.exists()


def test_a_bad_row_fails_the_import_by_name_and_writes_nothing(
        client, alice, export_of, tmp_path, settings, django_capture_on_commit_callbacks):
    rich_ledger(alice)
    archive = export_of(alice)
    with zipfile.ZipFile(archive) as zipped:
        rows = json.loads(zipped.read("data/transactions.Transaction.json"))
    rows[1]["fields"]["amount"] = "twelve"
    broken = rewrite(archive, tmp_path / "broken.zip",
                     {"data/transactions.Transaction.json": json.dumps(rows).encode()})
    bob = UserFactory(email="bob@example.com")
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:import"), {"file": upload_of(broken)})

    data_import = DataImport.objects.get(owner=bob)
    assert data_import.status == DataImportStatus.FAILED
    assert data_import.error.startswith("data/transactions.Transaction.json, row 2, field “amount”")
    assert nothing_written(bob) and uploads_waiting(settings) == []
    assert [m.subject for m in mail.outbox if bob.email in m.to] == ["Your data could not be imported"]
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Nothing was imported" in page and "row 2, field “amount”" in page
    assert 'name="file"' in page  # still empty: the person can try again


def test_a_database_failure_mid_import_writes_nothing_and_says_so(
        alice, export_of, monkeypatch, settings, django_capture_on_commit_callbacks):
    rich_ledger(alice)
    archive = export_of(alice)
    bob = UserFactory(email="bob@example.com")
    real = restore._restore_model

    def connection_drops(state, label, result):
        if label == "transactions.Transaction":
            raise OperationalError("server closed the connection unexpectedly")
        real(state, label, result)

    monkeypatch.setattr(restore, "_restore_model", connection_drops)
    with django_capture_on_commit_callbacks(execute=True):
        data_import = services.data_import_upload(user=bob, upload=upload_of(archive))
    data_import.refresh_from_db()

    assert data_import.status == DataImportStatus.FAILED
    assert "nothing was imported" in data_import.error
    assert nothing_written(bob) and uploads_waiting(settings) == []


def test_an_import_a_killed_worker_left_is_ended_and_a_lost_task_is_run_again(
        alice, export_of, settings, django_capture_on_commit_callbacks):
    rich_ledger(alice)
    archive = export_of(alice)
    bob, carol = UserFactory(email="bob@example.com"), UserFactory(email="carol@example.com")
    with django_capture_on_commit_callbacks(execute=False):  # the queue loses both tasks
        killed = services.data_import_upload(user=bob, upload=upload_of(archive))
        lost = services.data_import_upload(user=carol, upload=upload_of(archive))
    # Bob's worker claimed his and died in the middle; nothing of his restore was committed.
    DataImport.objects.filter(pk=killed.pk).update(status=DataImportStatus.RUNNING,
                                                   started_at=timezone.now() - dt.timedelta(hours=2))
    DataImport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=15))
    assert len(uploads_waiting(settings)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.data_imports_recover()

    assert outcome == {"requeued": 1, "failed": 1}
    killed.refresh_from_db()
    lost.refresh_from_db()
    assert killed.status == DataImportStatus.FAILED and "Upload the file again" in killed.error
    assert nothing_written(bob)
    assert lost.status == DataImportStatus.DONE and ledger_dump(carol) == ledger_dump(alice)
    assert uploads_waiting(settings) == []
    # A copy of the task arriving late finds it done and changes nothing.
    assert data_import_run(import_id=lost.pk).status == DataImportStatus.DONE
    assert Transaction.objects.filter(owner=carol).count() == 7


def test_one_import_at_a_time(owner, alice, export_of):
    archive = export_of(alice)
    services.data_import_upload(user=owner, upload=upload_of(archive))
    with pytest.raises(Exception, match="already under way"):
        services.data_import_upload(user=owner, upload=upload_of(archive))


def test_deleting_the_account_removes_an_upload_still_waiting(owner, alice, export_of, settings):
    archive = export_of(alice)
    services.data_import_upload(user=owner, upload=upload_of(archive))
    assert len(uploads_waiting(settings)) == 1
    account_purge(user_id=owner.pk, force=True)
    assert uploads_waiting(settings) == []


def test_the_status_line_is_the_owners_only(client, owner, other_user, alice, export_of):
    archive = export_of(alice)
    data_import = services.data_import_upload(user=owner, upload=upload_of(archive))
    client.force_login(owner)
    line = client.get(reverse("privacy:import-status", args=[data_import.pk]))
    assert line.status_code == 200 and 'hx-trigger="every 2s"' in line.content.decode()
    client.force_login(other_user)
    assert client.get(reverse("privacy:import-status", args=[data_import.pk])).status_code == 404


# --- the API ---------------------------------------------------------------------------------------------------


def test_the_api_takes_an_archive_and_answers_how_it_went(
        api_client, alice, export_of, django_capture_on_commit_callbacks):
    rich_ledger(alice)
    archive = export_of(alice)
    bob = UserFactory(email="bob@example.com")
    api_client.force_authenticate(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/me/data-imports/", {"file": upload_of(archive)}, format="multipart")

    assert response.status_code == 202, response.content
    assert response["Location"] == f"/api/v1/me/data-imports/{response.json()['id']}/"
    detail = api_client.get(response["Location"]).json()
    assert detail["status"] == "done" and detail["counts"]["transactions.Transaction"] == 7
    listed = api_client.get("/api/v1/me/data-imports/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == detail["id"]
    assert ledger_dump(bob) == ledger_dump(alice)

    again = api_client.post("/api/v1/me/data-imports/", {"file": upload_of(archive)}, format="multipart")
    assert again.status_code == 400 and again.json()["code"] == "not_empty"


def test_the_api_refuses_what_is_not_an_export_in_the_error_shape(api_client, owner):
    api_client.force_authenticate(owner)
    response = api_client.post("/api/v1/me/data-imports/",
                               {"file": SimpleUploadedFile("x.zip", b"nope", content_type="application/zip")},
                               format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "restore_refused" and "not a zip archive" in body["message"]
    missing = api_client.post("/api/v1/me/data-imports/", {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
    assert not DataImport.objects.exists()


def test_another_persons_import_is_a_404(api_client, owner, other_user):
    theirs = DataImport.objects.create(owner=other_user, status=DataImportStatus.FAILED, error="x")
    api_client.force_authenticate(owner)
    assert api_client.get(f"/api/v1/me/data-imports/{theirs.pk}/").status_code == 404
    assert api_client.get("/api/v1/me/data-imports/").json()["count"] == 0
