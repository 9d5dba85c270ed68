"""Import batches: all or nothing, clear refusals, the mapping form's round trip, and big files in the background."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import OutboxTask
from imports import services as import_services
from imports.tests.import_fixtures import samples
from transactions.models import ImportBatch, ImportStatus, Transaction

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def start(owner, account, data: bytes, name: str = "export.csv", **kwargs) -> ImportBatch:
    return import_services.import_start(user=owner, account=account, upload=upload(data, name), **kwargs)


def stored_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_bad_date_on_row_57_imports_nothing_and_names_the_row_and_column(owner, account):
    batch = start(owner, account, samples.rows_csv(80, bad_date_on_row=57))

    assert batch.status == ImportStatus.FAILED
    assert batch.errors == [{"row": 57, "column": "Date", "message": "'31/02/2024' is not a valid date."}]
    assert not Transaction.objects.exists()
    assert batch.created_count == 0


def test_every_bad_row_is_reported_and_nothing_is_imported(owner, account):
    data = ("Date;Text;Amount\n"
            "01.03.2024;OK;-1,00\n"
            "02.03.2024;NO AMOUNT;\n"
            "03.03.2024;WORDS;twelve\n"
            "13.03.2024;OK;-2,00\n").encode()

    batch = start(owner, account, data)

    assert batch.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "Amount"), (4, "Amount")]
    assert "'twelve' is not an amount" in batch.errors[1]["message"]
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(("data", "name", "reason"), [
    (samples.random_text(), "letter.txt", "not look like a bank export"),
    (b"", "empty.csv", "The file is empty."),
    (b"\r\n\r\n  \n", "blank.csv", "The file is empty."),
    (samples.pdf_statement(), "statement.pdf", "PDF"),
    (samples.ofx_error_response(), "error.ofx", "General Server Error"),
    (b"\x00\x01\x02\x03\xff\xfe\x00garbage" * 50, "data.bin", "not a text or spreadsheet file"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "export.xls", "web page"),
    (b"PK\x03\x04" + b"\x00" * 100, "export.xlsx", "could not be opened"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "export.xls", "could not be opened"),
])
def test_files_that_are_not_bank_exports_are_refused_with_one_clear_message(owner, account, data, name, reason):
    batch = start(owner, account, data, name)

    assert batch.status == ImportStatus.FAILED
    assert len(batch.errors) == 1 and reason in batch.errors[0]["message"]
    assert batch.errors[0]["row"] is None
    assert not Transaction.objects.exists()
    assert not stored_files()
    preview = import_services.import_preview(user=owner, account=account, upload=upload(data, name))
    assert preview.refused and reason in preview.problems[0]


def test_a_zip_that_is_not_a_workbook_is_refused(owner, account):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("statement.csv", "Date,Amount\n")

    batch = start(owner, account, archive.getvalue(), "statements.zip")

    assert batch.status == ImportStatus.FAILED
    assert "ZIP archive" in batch.errors[0]["message"]


def test_a_file_over_the_size_limit_is_refused(owner, account, settings):
    settings.IMPORT_MAX_BYTES = 100
    batch = start(owner, account, samples.rows_csv(20))

    assert batch.status == ImportStatus.FAILED
    assert "larger than" in batch.errors[0]["message"]


def test_unexpected_failures_end_as_a_failed_batch_not_an_error_page(owner, account):
    with mock.patch("transactions.ingest.rows_insert", side_effect=RuntimeError("boom")):
        batch = start(owner, account, samples.pipe_delimited())

    assert batch.status == ImportStatus.FAILED
    assert batch.errors[0]["message"] == "Something went wrong while importing; nothing was imported."
    assert not Transaction.objects.exists()


def test_ambiguous_dates_wait_for_a_mapping_then_import_and_remember_it(owner, account):
    batch = start(owner, account, samples.ambiguous_dates())

    assert batch.status == ImportStatus.NEEDS_MAPPING
    assert not Transaction.objects.exists()
    assert len(stored_files()) == 1 and stored_files()[0].suffix == ".csv"
    assert stored_files()[0].name != "export.csv"  # a generated name
    preview = import_services.import_batch_preview(batch=batch)
    assert not preview.confident
    assert any("day/month" in p for p in preview.problems)

    batch = import_services.import_run(batch=batch, mapping={**batch.mapping, "date_order": "mdy"})

    assert batch.status == ImportStatus.DONE
    assert sorted(Transaction.objects.values_list("date", flat=True)) == [
        date(2024, 1, 2), date(2024, 3, 4), date(2024, 5, 6)]
    assert not stored_files()
    # The next export with the same columns is understood without asking.
    account.refresh_from_db()
    assert len(account.import_mapping) == 1
    later = samples.ambiguous_dates().replace(b"01/02/2024", b"07/08/2024")
    preview = import_services.import_preview(user=owner, account=account, upload=upload(later))
    assert preview.confident and preview.mapping["date_order"] == "mdy"
    second = start(owner, account, later)
    assert (second.status, second.created_count) == (ImportStatus.DONE, 1)
    assert Transaction.objects.filter(date=date(2024, 7, 8)).exists()


def test_a_headerless_file_is_imported_with_a_mapping_by_column_number(owner, account):
    batch = start(owner, account, samples.headerless())
    assert batch.status == ImportStatus.NEEDS_MAPPING
    proposal = import_services.import_batch_preview(batch=batch)
    assert proposal.columns == ["Column 1", "Column 2", "Column 3", "Column 4", "Column 5"]
    assert (proposal.mapping["date"], proposal.mapping["amount"], proposal.mapping["description"]) == (0, 3, [1])

    batch = import_services.import_run(batch=batch, mapping={"date": 0, "description": [1], "amount": 3,
                                                             "currency": "Column 5"})

    assert batch.status == ImportStatus.DONE
    assert sorted(Transaction.objects.values_list("amount", flat=True)) == [
        Decimal("-33.87"), Decimal("-24.11"), Decimal("2400.00")]


def test_unknown_header_names_need_the_mapping_form(owner, account):
    data = "Wann;Was;Wieviel\n13.03.2024;Kiosk;-2,50\n14.03.2024;Lohn;1.800,00\n".encode()

    waiting = start(owner, account, data)
    assert waiting.status == ImportStatus.NEEDS_MAPPING

    batch = start(owner, account, data, mapping={"header_row": 1, "date": "Wann", "description": ["Was"],
                                                 "amount": "Wieviel"})
    assert batch.status == ImportStatus.DONE, batch.errors
    assert sorted(Transaction.objects.values_list("amount", flat=True)) == [Decimal("-2.50"), Decimal("1800.00")]


def test_a_mapping_naming_a_missing_column_fails_and_can_be_corrected(owner, account):
    batch = start(owner, account, samples.ambiguous_dates(), mapping={"date": "Booking day"})

    assert batch.status == ImportStatus.FAILED
    assert "Booking day" in batch.errors[0]["message"]
    assert not Transaction.objects.exists()

    batch = import_services.import_run(batch=batch, mapping={"date": "Date", "amount": "Amount",
                                                             "description": ["Description"], "date_order": "dmy"})

    assert batch.status == ImportStatus.DONE
    assert Transaction.objects.filter(date=date(2024, 2, 1), amount=Decimal("-3.50")).exists()


def test_a_wrong_mapping_reports_the_rows_it_cannot_read(owner, account):
    batch = start(owner, account, samples.pipe_delimited(), mapping={"amount": "Omschrijving"})

    assert batch.status == ImportStatus.FAILED
    assert batch.errors[0] == {"row": 2, "column": "Omschrijving",
                               "message": "'Jumbo Supermarkten' is not an amount."}


def test_a_finished_batch_is_not_run_twice(owner, account):
    batch = start(owner, account, samples.pipe_delimited())

    again = import_services.import_run(batch=batch)

    assert again.status == ImportStatus.DONE and again.created_count == 2
    assert Transaction.objects.count() == 2


def test_a_big_file_runs_as_a_background_task_and_ends_at_100_percent(owner, account, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_ROWS = 50
    with django_capture_on_commit_callbacks(execute=True):
        batch = start(owner, account, samples.rows_csv(120))
        assert batch.status == ImportStatus.PENDING
        assert not Transaction.objects.exists()

    [queued] = OutboxTask.objects.filter(task="imports.tasks.import_run_task")
    assert (queued.args, queued.sent_at is not None) == ([batch.pk], True)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rows_total, batch.rows_processed) == (
        ImportStatus.DONE, 120, 120, 120)
    assert batch.progress_percent == 100
    assert batch.finished_at is not None
    assert Transaction.objects.filter(import_batch=batch).count() == 120


def test_run_async_forces_the_background_path_for_a_small_file(owner, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = start(owner, account, samples.pipe_delimited(), run_async=True)

    assert batch.status == ImportStatus.PENDING and len(callbacks) == 1
    callbacks[0]()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE


def test_progress_is_written_while_reading_a_big_file(owner, account):
    seen = []
    original = ImportBatch.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        real_update = queryset.update

        def update(**values):
            if "rows_processed" in values and "status" not in values:
                seen.append((values.get("rows_total"), values["rows_processed"]))
            return real_update(**values)

        queryset.update = update
        return queryset

    with mock.patch.object(ImportBatch.objects, "filter", side_effect=spy):
        batch = start(owner, account, samples.rows_csv(10_500), run_async=False)

    assert batch.status == ImportStatus.DONE
    # Reading fills the first half of the bar, at most twice a second; saving the second half.
    assert seen[0] == (10_500, 2_500)
    assert seen[-1] == (10_500, 5_250)
    assert [done for _, done in seen] == sorted(done for _, done in seen)


def test_importing_into_another_users_account_is_refused(owner, other_account):
    with pytest.raises(ValidationError):
        start(owner, other_account, samples.pipe_delimited())
    with pytest.raises(ValidationError):
        import_services.import_preview(user=owner, account=other_account, upload=upload(samples.pipe_delimited()))

    assert not ImportBatch.objects.exists()
    assert not Transaction.objects.exists()


def test_damaged_files_never_raise(owner, account):
    """Truncated and corrupted copies of every sample: each ends as a batch with a status, never an exception."""
    import random

    rng = random.Random(7)
    makers = [samples.german_cp1252, samples.dutch_af_bij, samples.uk_monzo_like, samples.us_checking,
              samples.utf16_tab, samples.with_pending_and_cr_flag, samples.continuation_lines, samples.ofx_sgml,
              samples.ofx_xml, samples.xlsx_statement, samples.xls_statement]
    for make in makers:
        original = make()
        for _ in range(6):
            data = bytearray(original[:rng.randint(1, len(original))])
            for _ in range(rng.randint(0, 4)):
                if data:
                    data[rng.randrange(len(data))] = rng.randrange(256)
            batch = start(owner, account, bytes(data), f"{make.__name__}.bin")
            assert batch.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.NEEDS_MAPPING)
            if batch.status == ImportStatus.FAILED:
                assert batch.errors and all(e["message"] for e in batch.errors)
                assert "Something went wrong" not in batch.errors[0]["message"], (make.__name__, bytes(data))


def test_skipped_lines_are_told_after_the_import(owner, account, owner_api, client):
    batch = import_services.import_start(user=owner, account=account,
                                         upload=SimpleUploadedFile("card.csv", samples.with_pending_and_cr_flag()))
    assert batch.status == ImportStatus.DONE
    assert batch.created_count == 3
    assert any("pending" in note.lower() for note in batch.notes), batch.notes
    assert owner_api.get(f"/api/v1/imports/{batch.pk}/").json()["notes"] == batch.notes
    client.force_login(owner)
    assert batch.notes[0] in client.get(f"/transactions/import/{batch.pk}/").content.decode()
