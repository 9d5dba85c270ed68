"""Your data to take away: asked for on the page or the API, written by the worker, downloaded once."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from advisor.models import Conversation, Message
from budgets.models import Budget
from goals.models import Goal
from privacy import services
from privacy.models import DataExport, DataExportStatus
from privacy.takeout import EXPORTED, NOT_EXPORTED
from receipts.tests.conftest import ready_receipt
from transactions.models import Category
from transactions.tests.factories import TransactionFactory


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.DATA_EXPORT_DIR = tmp_path / "data-exports"


def household(user, account, *, word: str) -> None:
    """A person's ledger with a word of their own in every part, so another's archive can be searched for it."""
    groceries = Category.objects.get(key="food_drink.groceries")
    TransactionFactory(account=account, amount=Decimal("-12.40"), description=f"{word} MARKET",
                       merchant=f"{word} Market", notes=f"{word} note", category=groceries)
    Category.objects.create(owner=user, name=f"{word} hobby", parent=Category.objects.get(key="entertainment"))
    Budget.objects.create(user=user, category=groceries, month=timezone.localdate().replace(day=1),
                          amount=Decimal("300.00"), currency="EUR")
    Goal.objects.create(user=user, name=f"{word} holiday", kind="short_term", target_amount=Decimal("2000.00"),
                        currency="EUR")
    conversation = Conversation.objects.create(user=user, title=f"{word} question")
    Message.objects.create(conversation=conversation, role="user", text=f"How much on {word}?")


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_archive_holds_everything_the_person_keeps_and_nothing_of_anyone_else(
        client, owner, account, other_user, other_account, django_capture_on_commit_callbacks):
    household(owner, account, word="Mine")
    household(other_user, other_account, word="Theirs")
    ready_receipt(owner, on=timezone.localdate())
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:data"), follow=True)
    assert "Your data is being prepared" in response.content.decode()
    export = DataExport.objects.get(owner=owner)
    assert export.status == DataExportStatus.READY
    # The email says it is ready and how long the download lasts.
    assert [message.subject for message in mail.outbox if owner.email in message.to] == [
        "Your data is ready to download"]
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Download" in page and reverse("privacy:download", args=[export.pk]) in page

    response = client.get(reverse("privacy:download", args=[export.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = archive_of(response)
    names = set(archive.namelist())
    assert {"README.txt", "profile.json", "schema.json", "transactions.csv"} <= names
    everything = b"".join(archive.read(name) for name in names).decode("utf-8", "replace")
    assert "Mine note" in everything and "Mine holiday" in everything and "How much on Mine?" in everything
    assert "Theirs" not in everything
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == owner.email and "password" not in archive.read("profile.json").decode()
    rows = json.loads(archive.read("data/transactions.Transaction.json"))
    assert [row["fields"]["description"] for row in rows] == ["Mine MARKET"]
    assert rows[0]["fields"]["amount"] == "-12.40"
    schema = json.loads(archive.read("schema.json"))
    assert schema["data/transactions.Transaction.json"]["fields"]["amount"]["type"] == "DecimalField"
    csv_lines = archive.read("transactions.csv").decode().splitlines()
    assert len(csv_lines) == 2 and "Mine MARKET" in csv_lines[1]
    assert export.counts == DataExport.objects.get(pk=export.pk).counts
    assert DataExport.objects.get(pk=export.pk).counts["transactions.Transaction"] == 1


def test_the_download_works_once_and_not_after_its_time(client, owner, account, owner_api,
                                                       django_capture_on_commit_callbacks):
    household(owner, account, word="Mine")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/v1/me/data-exports/")
    assert response.status_code == 202
    export_id = response.json()["id"]
    detail = owner_api.get(f"/api/v1/me/data-exports/{export_id}/").json()
    assert detail["status"] == "ready" and detail["download_url"].endswith(f"/{export_id}/download/")
    assert detail["counts"]["transactions.Transaction"] == 1
    assert owner_api.get(f"/api/v1/me/data-exports/{export_id}/download/").status_code == 200
    again = owner_api.get(f"/api/v1/me/data-exports/{export_id}/download/")
    assert again.status_code == 409 and "works once" in again.json()["message"]
    page = client.get(reverse("privacy:download", args=[export_id]), follow=True).content.decode()
    assert "works once" in page
    # An hour after the download its file is gone; an archive never downloaded goes when its time is over.
    path = services.data_export_path(DataExport.objects.get(pk=export_id))
    assert path.exists()
    services.data_exports_purge(now=timezone.now() + dt.timedelta(hours=2))
    assert not path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.data_export_request(user=owner)
    second.refresh_from_db()
    late = timezone.now() + dt.timedelta(hours=settings.DATA_EXPORT_HOURS, minutes=1)
    services.data_exports_purge(now=late)
    second.refresh_from_db()
    assert second.status == DataExportStatus.EXPIRED and second.file_name == ""
    response = owner_api.get(f"/api/v1/me/data-exports/{second.pk}/download/")
    assert response.status_code == 409 and response.json()["extra"]["status"] == "expired"


def test_another_persons_archive_is_not_found_anywhere(client, owner, other_user, other_api,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.data_export_request(user=owner)
    assert other_api.get(f"/api/v1/me/data-exports/{export.pk}/").status_code == 404
    assert other_api.get(f"/api/v1/me/data-exports/{export.pk}/download/").status_code == 404
    assert other_api.get("/api/v1/me/data-exports/").json()["results"] == []
    client.force_login(other_user)
    assert client.get(reverse("privacy:download", args=[export.pk])).status_code == 404
    export.refresh_from_db()
    assert export.status == DataExportStatus.READY  # still there for its owner


def test_one_archive_at_a_time(owner, owner_api):
    first = owner_api.post("/api/v1/me/data-exports/")  # the worker has not run: still pending
    assert first.status_code == 202
    second = owner_api.post("/api/v1/me/data-exports/")
    assert second.status_code == 400 and "already being prepared" in second.json()["message"]
    assert DataExport.objects.filter(owner=owner).count() == 1


def test_a_failure_leaves_no_file_and_says_to_try_again(owner, monkeypatch, settings,
                                                        django_capture_on_commit_callbacks):
    def broken(*, user, path):
        path.write_bytes(b"half an archive")
        raise OSError("disk full")

    monkeypatch.setattr("privacy.processing.takeout_write", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.data_export_request(user=owner)
    export.refresh_from_db()
    assert export.status == DataExportStatus.FAILED and "Try again" in export.error
    assert list(settings.DATA_EXPORT_DIR.iterdir()) == []
    assert not mail.outbox


def test_every_model_that_refers_to_a_person_is_exported_or_says_why_not():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    exported = {part.label for part in EXPORTED}
    project = {config.label for config in apps.get_app_configs() if not config.name.startswith(("django", "rest_"))}
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in project or model._meta.label in exported | set(NOT_EXPORTED):
            continue
        if model is user_model or any(isinstance(field, models.ForeignKey) and field.related_model is user_model
                                      for field in model._meta.get_fields()):
            missing.append(model._meta.label)
    assert missing == []


def test_asking_and_downloading_are_in_the_security_log(owner, owner_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export_id = owner_api.post("/api/v1/me/data-exports/").json()["id"]
    owner_api.get(f"/api/v1/me/data-exports/{export_id}/download/")
    log = owner_api.get("/api/v1/me/security-log/").json()["results"]
    steps = [entry for entry in log if entry["action"] == "data_export"]
    assert len(steps) == 2
