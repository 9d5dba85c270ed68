from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from receipts.ocr import OcrError, image_prepare, ocr_read, rows_from_words, tesseract_available
from receipts.parsing import receipt_parse
from receipts.tests.conftest import photo_bytes

DATA = Path(__file__).parent / "data"
needs_tesseract = pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract with eng and deu is not installed (apt-get install tesseract-ocr tesseract-ocr-eng "
    "tesseract-ocr-deu); .ci/run installs it, so CI runs these",
)


def receipt_image() -> Image.Image:
    # Drawn with Pillow's own font: CORNER BAKERY GMBH, 14.03.2024, four lines, SUMME EUR 6,10, MwSt 0,97.
    return Image.open(DATA / "receipt_bakery.png")


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, written by hand (no PDF writer among the dependencies)."""
    stream = "BT /F1 12 Tf 14 TL 40 800 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def assert_bakery_receipt(text: str) -> None:
    receipt = receipt_parse(text, today=date(2025, 1, 1))
    assert receipt.merchant.value == "CORNER BAKERY GMBH"
    assert receipt.date.value == date(2024, 3, 14)
    assert receipt.total.value == Decimal("6.10")
    assert receipt.tax.value == Decimal("0.97")
    assert [item.amount for item in receipt.items] == [
        Decimal("2.40"),
        Decimal("3.20"),
        Decimal("1.00"),
        Decimal("-0.50"),
    ]


@needs_tesseract
def test_reads_an_upright_png():
    result = ocr_read(encoded(receipt_image(), "PNG"), content_type="image/png")
    assert result.pages == 1
    assert result.seconds > 0
    assert "SUMME" in result.text
    assert result.lines == [line.strip() for line in result.text.splitlines() if line.strip()]
    assert_bakery_receipt(result.text)
    # The top of the receipt is read a second time for the shop's name; the totals are not in that band.
    assert "CORNER BAKERY GMBH" in result.header and "SUMME" not in result.header


@needs_tesseract
@pytest.mark.parametrize("degrees", [4, -4])
def test_reads_a_photo_taken_at_a_tilt(degrees):
    tilted = receipt_image().rotate(degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    result = ocr_read(encoded(tilted.convert("RGB"), "JPEG", quality=85), content_type="image/jpeg")
    assert_bakery_receipt(result.text)


@needs_tesseract
@pytest.mark.parametrize("degrees", [90, 270])
def test_reads_a_receipt_lying_on_its_side(degrees):
    sideways = receipt_image().rotate(degrees, expand=True, fillcolor=255)
    prepared = image_prepare(sideways)
    assert prepared.height > prepared.width  # turned upright again
    result = ocr_read(encoded(sideways, "WEBP", lossless=True), content_type="image/webp")
    assert_bakery_receipt(result.text)


@needs_tesseract
def test_follows_the_exif_orientation_of_a_phone_photo():
    # The camera stored the pixels sideways and says so in EXIF (6: rotate 90° clockwise to view).
    sideways = receipt_image().convert("RGB").rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    result = ocr_read(encoded(sideways, "JPEG", exif=exif, quality=90), content_type="image/jpeg")
    assert_bakery_receipt(result.text)


@needs_tesseract
def test_a_scanned_pdf_is_rendered_and_read():
    result = ocr_read(encoded(receipt_image().convert("RGB"), "PDF"), content_type="application/pdf")
    assert result.pages == 1
    assert "CORNER BAKERY GMBH" in result.header
    assert_bakery_receipt(result.text)


def test_a_pdf_with_text_is_read_without_ocr():
    lines = ["CORNER BAKERY GMBH", "Datum: 14.03.2024", "Croissant 2,40", "Kaffee gross 3,20"]
    lines += ["Pfand Becher 1,00", "Rabatt 0,50-", "SUMME EUR 6,10", "MwSt 19% 0,97"]
    result = ocr_read(text_pdf(lines), content_type="application/pdf")
    assert result.pages == 1
    assert result.lines == lines
    assert result.header == ""  # nothing to read again: the PDF's own text is exact
    assert_bakery_receipt(result.text)


def test_unreadable_input_raises_a_clear_error():
    with pytest.raises(OcrError, match="not a readable image"):
        ocr_read(b"not an image", content_type="image/jpeg")
    with pytest.raises(OcrError, match="not a readable PDF"):
        ocr_read(b"%PDF-1.4 broken", content_type="application/pdf")
    with pytest.raises(OcrError, match="JPEG, PNG or WebP image or a PDF"):
        ocr_read(b"GIF89a", content_type="image/gif")


@needs_tesseract
def test_a_read_that_takes_too_long_is_stopped_with_a_clear_error(monkeypatch):
    monkeypatch.setattr("receipts.ocr.TESSERACT_TIMEOUT_SECONDS", 0.01)
    with pytest.raises(OcrError, match="took longer than 0.01 seconds and was stopped"):
        ocr_read(encoded(receipt_image(), "PNG"), content_type="image/png")


def test_rows_are_rebuilt_from_the_words_at_one_height_left_to_right():
    # As Tesseract may return them: the names' column first, then the prices' column.
    words = {
        "text": ["Milch", "Brot", "SUMME", "1,19", "2,49", "3,68", ""],
        "left": [40, 40, 40, 700, 700, 700, 0],
        "top": [100, 150, 200, 102, 149, 201, 0],
        "width": [90, 70, 110, 60, 60, 60, 0],
        "height": [30, 30, 30, 30, 30, 30, 0],
        "conf": [95, 95, 95, 90, 90, 90, -1],
    }
    assert rows_from_words(words) == "Milch   1,19\nBrot   2,49\nSUMME   3,68"


@needs_tesseract
@pytest.mark.parametrize("tilt", [-4, 3])
def test_a_photo_on_a_table_at_a_tilt_keeps_each_price_beside_its_item(tilt):
    # The dark table around the paper once passed for ink: the tilt went unmeasured and Tesseract read the
    # names' column and dropped the prices'.
    lines = ["EDEKA Center Berlin", "24.11.2026 09:14", "", "Roggenbrot            2,79", "Butter                2,29",
             "Aepfel 1kg            2,49", "Joghurt               0,99", "SUMME EUR             8,56"]
    result = ocr_read(photo_bytes(lines, tilt=tilt), content_type="image/jpeg")
    receipt = receipt_parse(result.text, today=date(2026, 12, 6))
    assert receipt.date.value == date(2026, 11, 24)
    assert receipt.total.value == Decimal("8.56")
    assert [item.amount for item in receipt.items] == [Decimal("2.79"), Decimal("2.29"), Decimal("2.49"), Decimal("0.99")]
    assert receipt.items[0].description == "Roggenbrot"
