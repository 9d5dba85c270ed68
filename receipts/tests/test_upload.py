"""Uploads are verified and re-encoded before anything is stored; a refusal stores nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from receipts import services
from receipts.models import Receipt, ReceiptStatus
from receipts.tests.conftest import image_bytes, stored_files, upload


def _exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x010F] = "SecretCam"  # Make
    return exif.tobytes()


def test_a_photo_is_reencoded_turned_upright_and_stripped(owner, settings, django_capture_on_commit_callbacks):
    data = image_bytes(size=(300, 200), exif=_exif_with_gps_and_rotation()) + b"trailing payload"
    with django_capture_on_commit_callbacks(execute=False):
        receipt = services.receipt_upload(user=owner, upload=upload(data))
    assert receipt.content_type == "image/jpeg" and receipt.status == ReceiptStatus.UPLOADED
    stored = receipt.file.read()
    assert b"trailing payload" not in stored and b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (200, 300)  # the orientation was applied
        assert not image.getexif()
    assert str(settings.RECEIPT_DIR) in receipt.file.path
    assert str(settings.MEDIA_ROOT) not in receipt.file.path


def test_a_pdf_is_kept_and_a_long_one_refused(owner, settings):
    pdf = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(pdf, format="PDF")
    receipt = services.receipt_upload(user=owner, upload=upload(pdf.getvalue(), "r.pdf", "application/pdf"))
    assert receipt.content_type == "application/pdf"

    settings.RECEIPT_MAX_PDF_PAGES = 2
    pages = [Image.new("RGB", (100, 100), "white") for _ in range(3)]
    long_pdf = io.BytesIO()
    pages[0].save(long_pdf, format="PDF", save_all=True, append_images=pages[1:])
    with pytest.raises(ValidationError, match="3 pages"):
        services.receipt_upload(user=owner, upload=upload(long_pdf.getvalue(), "r.pdf", "application/pdf"))
    assert Receipt.objects.count() == 1


@pytest.mark.parametrize(("data", "words"), [
    (b"#!/bin/sh\necho not a receipt\n", "not a photo or PDF"),
    (b"%PDF-1.4\n garbage without an end", "damaged or not a PDF"),
    (b"", "empty"),
])
def test_what_is_not_a_receipt_is_refused_and_nothing_stored(owner, settings, data, words):
    with pytest.raises(ValidationError, match=words):
        services.receipt_upload(user=owner, upload=upload(data))
    assert not Receipt.objects.exists() and not stored_files(settings)


def test_a_huge_file_is_refused_and_nothing_stored(owner, settings):
    settings.RECEIPT_MAX_BYTES = 50_000
    with pytest.raises(ValidationError, match="limit is 0 MB|larger than"):
        services.receipt_upload(user=owner, upload=upload(b"\xff\xd8" + b"0" * 60_000))
    assert not Receipt.objects.exists() and not stored_files(settings)


def test_too_many_pixels_and_a_decompression_bomb_are_refused(owner, settings):
    settings.RECEIPT_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match="1500x400 pixels"):
        services.receipt_upload(user=owner, upload=upload(image_bytes(size=(1500, 400))))
    # A tiny PNG that unpacks to 400 million pixels: refused from its header, never decoded.
    settings.RECEIPT_MAX_PIXELS = 30_000
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000), 0).save(bomb, format="PNG", optimize=True)
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(ValidationError, match="million in all|not a photo"):
        services.receipt_upload(user=owner, upload=upload(bomb.getvalue(), "bomb.png", "image/png"))
    assert not Receipt.objects.exists() and not stored_files(settings)
