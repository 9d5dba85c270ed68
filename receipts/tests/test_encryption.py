"""Receipt files and OCR text encrypted at rest: the disk holds no image, the owner still gets it."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from receipts.models import Receipt, receipt_storage
from receipts.tests.conftest import image_bytes, ready_receipt, stored_files

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_the_file_on_disk_is_a_token_and_the_owner_gets_the_image(client, owner, settings, today):
    receipt = ready_receipt(owner, on=today)
    Receipt.objects.filter(pk=receipt.pk).update(ocr_text="REWE 0815 Milch 1.19")
    [path] = stored_files(settings)
    assert path.read_bytes().startswith(b"gAAAAA") and b"JFIF" not in path.read_bytes()
    client.force_login(owner)
    response = client.get(reverse("receipts:file", args=[receipt.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == image_bytes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ocr_text FROM receipts_receipt WHERE id = %s", [receipt.pk])
        assert "REWE" not in cursor.fetchone()[0]
    assert Receipt.objects.get(pk=receipt.pk).ocr_text == "REWE 0815 Milch 1.19"


def test_rotation_re_encrypts_files_and_encrypts_one_stored_before_encryption(owner, settings, today, capsys):
    settings.ENCRYPTION_KEYS = [OLD]
    rotated = ready_receipt(owner, on=today)
    plain = ready_receipt(owner, on=today)
    with open(receipt_storage.path(plain.file.name), "wb") as handle:  # as written before files were encrypted
        handle.write(image_bytes())

    settings.ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys")
    assert ("receipts.Receipt.file: 1 files re-encrypted, 1 plaintext files encrypted, 0 missing"
            in capsys.readouterr().out)
    settings.ENCRYPTION_KEYS = [NEW]
    for receipt in (rotated, plain):
        with Receipt.objects.get(pk=receipt.pk).file.open("rb") as handle:
            assert handle.read() == image_bytes()


def test_a_file_stored_before_encryption_still_opens_until_rotation_encrypts_it(owner, today):
    receipt = ready_receipt(owner, on=today)
    with open(receipt_storage.path(receipt.file.name), "wb") as handle:
        handle.write(image_bytes())
    with Receipt.objects.get(pk=receipt.pk).file.open("rb") as handle:
        assert handle.read() == image_bytes()
