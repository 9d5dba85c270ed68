"""Receipts kept in a temporary directory; receipts made ready to confirm without OCR, and real receipt images."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from receipts.models import Receipt, ReceiptStatus

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


@pytest.fixture(autouse=True)
def _receipt_dir(settings, tmp_path):
    settings.RECEIPT_DIR = tmp_path / "receipts"


def stored_files(settings) -> list:
    return [p for p in settings.RECEIPT_DIR.rglob("*") if p.is_file()] if settings.RECEIPT_DIR.exists() else []


def image_bytes(size=(400, 600), image_format="JPEG", exif: bytes | None = None, lines=()) -> bytes:
    image = Image.new("RGB", size, "white")
    if lines:
        draw = ImageDraw.Draw(image)
        font = ImageFont.truetype(FONT, 34)
        for index, line in enumerate(lines):
            draw.text((40, 40 + index * 52), line, fill="black", font=font)
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif else {}
    image.save(out, format=image_format, **kwargs)
    return out.getvalue()


def photo_bytes(lines, *, tilt: float = 3.0) -> bytes:
    """A receipt as a phone photographs it: cream paper on a grey table, turned a few degrees, a little blur."""
    paper = Image.new("RGB", (900, 120 + 48 * len(lines)), (250, 248, 240))
    draw = ImageDraw.Draw(paper)
    font = ImageFont.truetype(FONT, 30)
    for index, line in enumerate(lines):
        draw.text((50, 50 + index * 48), line, fill=(30, 30, 30), font=font)
    table = Image.new("RGB", (paper.width + 300, paper.height + 300), (120, 110, 100))
    table.paste(paper, (150, 150))
    photo = table.rotate(tilt, resample=Image.Resampling.BICUBIC, fillcolor=(120, 110, 100))
    out = io.BytesIO()
    photo.filter(ImageFilter.GaussianBlur(0.8)).save(out, format="JPEG", quality=85)
    return out.getvalue()


def upload(data: bytes, name="receipt.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def ready_receipt(user, *, merchant="Rewe", on: dt.date, total="23.40", items=(), meant_for=None) -> Receipt:
    """A receipt as the worker leaves it: fields read, items with the categorizer's choices."""
    receipt = Receipt(user=user, content_type="image/jpeg", status=ReceiptStatus.READY, progress=100,
                      meant_for=meant_for,
                      fields={"merchant": {"value": merchant, "confidence": 0.9},
                              "date": {"value": on.isoformat(), "confidence": 0.9},
                              "total": {"value": total, "confidence": 0.95},
                              "tax": {"value": None, "confidence": 0.0},
                              "currency": {"value": "EUR", "confidence": 0.8}},
                      items=[{"description": d, "quantity": "1", "amount": str(a),
                              "category_id": c.pk if c else None, "category_confidence": 0.9 if c else None}
                             for d, a, c in items])
    receipt.file.save("r.jpg", ContentFile(image_bytes()), save=False)
    receipt.save()
    return receipt


@pytest.fixture
def today(owner) -> dt.date:
    return owner.financial_profile.local_today()


@pytest.fixture
def money():
    return Decimal
