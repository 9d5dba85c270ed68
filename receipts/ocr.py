"""Reading the text of a receipt: a photo or scan (JPEG, PNG, WebP) or a PDF, with Tesseract (English and German).

Photos come tilted, sideways and dim, so the image is prepared first: EXIF orientation, Tesseract's
orientation detection when it is sure, grayscale, autocontrast, small images enlarged, huge ones reduced,
and a tilt of a few degrees straightened. A PDF's own text is used when it has some; a scanned PDF is
rendered and read like a photo.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

from core.lazy import lazy_module

if TYPE_CHECKING:
    import pytesseract
else:  # pytesseract imports pandas when installed: loaded by the first reading, not by every web worker (core.lazy)
    pytesseract = lazy_module("pytesseract")

# Tesseract's own threads fight each other on a small server: one thread per run reads a receipt in about
# a third of the time on two cores (measured on the SROIE receipts: 4.5 s against 1.7 s). An operator's own
# setting wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TESSERACT_MISSING = (
    "Receipt scanning needs Tesseract OCR with English and German: "
    "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu"
)
LANGUAGES = "eng+deu"
IMAGE_TYPES = {"image/jpeg", "image/jpg", "image/png", "image/webp"}
PDF_TYPES = {"application/pdf"}
# Tesseract reads best with capital letters about 30 px high: a receipt 1,000 to 2,000 px wide.
MIN_WIDTH = 1000
MAX_SIDE = 2600
# Orientation detection reads a copy this size: as reliable as the whole photo, and quicker.
OSD_MAX_SIDE = 1600
MAX_PDF_PAGES = 10
# A PDF page with fewer characters of its own than this is a scan.
PDF_TEXT_MIN_CHARS = 20
# Tesseract's orientation confidence below this is a guess (its docs suggest ~2 for "reliable").
OSD_MIN_CONFIDENCE = 2.0
# The shop's name is printed at the top, often large, bold or faint: that band is read a second time,
# enlarged and as one block of text, to read the name better than the whole-receipt pass does.
HEADER_SHARE = 0.3
HEADER_SCALE = 1.5
# A dark region touching the picture's edge and covering more than this share of it is background, not print.
BACKGROUND_MIN_SHARE = 0.01
# A receipt reads in seconds; a run this long is stuck on a pathological image and is stopped.
TESSERACT_TIMEOUT_SECONDS = 90
DESKEW_MAX_DEGREES = 6.0
DESKEW_STEP_DEGREES = 0.5


class OcrError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class OcrResult:
    text: str
    lines: list[str]
    seconds: float
    pages: int
    # The top of the first page read again, enlarged (images and scans only): where the shop's name is.
    header: str = ""


@functools.cache
def tesseract_available() -> bool:
    """Tesseract is installed with the English and German language data."""
    try:
        languages = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError):
        return False
    return {"eng", "deu"} <= languages


def ocr_read(data: bytes, *, content_type: str) -> OcrResult:
    started = time.perf_counter()
    kind = content_type.split(";")[0].strip().lower()
    header = ""
    if kind in PDF_TYPES:
        texts, header = _pdf_texts(data)
    elif kind in IMAGE_TYPES:
        text, header = _image_text(_image_open(data))
        texts = [text]
    else:
        raise OcrError(f"A receipt must be a JPEG, PNG or WebP image or a PDF, not {content_type or 'unknown'}.")
    text = "\n\n".join(page.strip() for page in texts)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return OcrResult(
        text=text, lines=lines, seconds=time.perf_counter() - started, pages=len(texts), header=header.strip()
    )


def _image_open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise OcrError(f"The file is not a readable image ({error}).") from error
    return image


def _pdf_texts(data: bytes) -> tuple[list[str], str]:
    """Each page's text (its own, else read from a rendering) and the first scanned page's header pass."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise OcrError(f"The file is not a readable PDF ({error}).") from error
    try:
        if len(document) == 0:
            raise OcrError("The PDF has no pages.")
        texts = []
        header = ""
        for index in range(min(len(document), MAX_PDF_PAGES)):
            page = document[index]
            own = page.get_textpage().get_text_range()
            if len(re.sub(r"\s", "", own)) >= PDF_TEXT_MIN_CHARS:
                texts.append(own)
                continue
            # 300 dpi: a scanned receipt's small print stays readable.
            text, page_header = _image_text(page.render(scale=300 / 72).to_pil())
            texts.append(text)
            header = header or (page_header if index == 0 else "")
        return texts, header
    finally:
        document.close()


def _image_text(image: Image.Image) -> tuple[str, str]:
    """The whole receipt's text, and its top band's read again enlarged (see HEADER_SHARE)."""
    if not tesseract_available():
        raise OcrError(TESSERACT_MISSING)
    prepared = image_prepare(image)
    top = prepared.crop((0, 0, prepared.width, round(prepared.height * HEADER_SHARE)))
    top = top.resize((round(top.width * HEADER_SCALE), round(top.height * HEADER_SCALE)), Image.Resampling.LANCZOS)
    try:
        # --psm 4: one column of lines of varied size, which a receipt is; keeps label and amount on one line.
        # No search for white-on-black text: after autocontrast a receipt is dark print on light paper.
        words = pytesseract.image_to_data(
            prepared,
            lang=LANGUAGES,
            config="--psm 4 -c tessedit_do_invert=0",
            timeout=TESSERACT_TIMEOUT_SECONDS,
            output_type=pytesseract.Output.DICT,
        )
        # --psm 6: the header as one uniform block, which keeps a name's letters together better.
        header = pytesseract.image_to_string(
            top, lang=LANGUAGES, config="--psm 6 -c tessedit_do_invert=0", timeout=TESSERACT_TIMEOUT_SECONDS
        )
    except pytesseract.TesseractError as error:
        raise OcrError(f"Tesseract could not read the image ({error.message}).") from error
    except RuntimeError as error:  # pytesseract's timeout: the tesseract process was killed
        raise OcrError(
            f"Reading this receipt took longer than {TESSERACT_TIMEOUT_SECONDS} seconds and was stopped; "
            "a sharper or smaller photo reads faster."
        ) from error
    return rows_from_words(words), str(header)


def rows_from_words(words: dict[str, list[Any]]) -> str:
    """The receipt's printed rows from Tesseract's words and their boxes. Tesseract may read a wide receipt as
    two columns (every name, then every price); a row is rebuilt from the words at one height, left to right,
    so each price stays beside its name. A wide gap between words is kept as three spaces."""
    found = [
        _Word(
            middle=words["top"][index] + words["height"][index] / 2,
            left=words["left"][index],
            right=words["left"][index] + words["width"][index],
            height=words["height"][index],
            text=str(words["text"][index]).strip(),
        )
        for index in range(len(words["text"]))
        if str(words["text"][index]).strip() and float(words["conf"][index]) >= 0
    ]
    if not found:
        return ""
    typical = statistics.median(word.height for word in found)
    rows: list[list[_Word]] = []
    for word in sorted(found, key=lambda word: (word.middle, word.left)):
        # Same row: the middle within half a letter's height of the row's first word (after deskewing).
        if rows and abs(word.middle - rows[-1][0].middle) <= typical / 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda word: word.left)
        line = row[0].text
        for before, word in itertools.pairwise(row):
            line += ("   " if word.left - before.right > typical * 1.5 else " ") + word.text
        lines.append(line)
    return "\n".join(lines)


@dataclass
class _Word:
    middle: float
    left: int
    right: int
    height: int
    text: str


def image_prepare(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "P"):
        # A transparent background would turn black in grayscale.
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    image = image.convert("L")
    longest = max(image.size)
    if longest > MAX_SIDE:
        image = image.resize(
            (round(image.width * MAX_SIDE / longest), round(image.height * MAX_SIDE / longest)),
            Image.Resampling.LANCZOS,
        )
    factor = min(MIN_WIDTH / min(image.size), MAX_SIDE / max(image.size), 3.0)
    if factor > 1:
        image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    image = _background_whitened(ImageOps.autocontrast(image, cutoff=1))
    image = _orientation_fix(image)
    return _deskew(image)


def _background_whitened(image: Image.Image) -> Image.Image:
    """The table a receipt was photographed on, or a scan's dark margin, becomes paper: dark regions that reach
    the edge of the picture and are larger than any letter. Left dark, they pass for ink, so the tilt is measured
    on the table's edges and Tesseract splits the receipt into blocks around them (and may drop a column)."""
    import numpy  # noqa: PLC0415 - the worker's reading only; the web process never needs it
    from scipy import ndimage  # noqa: PLC0415

    # Found on a copy half the size (the outline of a table needs no finer detail), applied to the whole.
    small = numpy.asarray(image.reduce(2)) < 128
    # An opening keeps what is thicker than any stroke of print (the table, a margin) and drops the letters, so
    # a letter touching a dark margin stays.
    thickness = max(3, min(small.shape) // 60)
    solid = ndimage.binary_opening(small, structure=numpy.ones((thickness, thickness), dtype=bool))
    labels, count = ndimage.label(solid)
    if not count:
        return image
    touching = numpy.unique(numpy.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    touching = touching[touching > 0]
    if not touching.size:
        return image
    sizes = ndimage.sum_labels(solid, labels, touching)
    background = touching[sizes > small.size * BACKGROUND_MIN_SHARE]
    if not background.size:
        return image
    mask = Image.fromarray(numpy.isin(labels, background).astype(numpy.uint8) * 255).resize(image.size)
    whitened = image.copy()
    whitened.paste(255, mask=mask)
    return whitened


def _orientation_fix(image: Image.Image) -> Image.Image:
    """Turns a sideways or upside-down receipt upright when Tesseract's orientation detection is confident."""
    small = image.copy()
    small.thumbnail((OSD_MAX_SIDE, OSD_MAX_SIDE))
    try:
        osd = pytesseract.image_to_osd(
            small, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=TESSERACT_TIMEOUT_SECONDS
        )
    except (pytesseract.TesseractError, RuntimeError):
        return image  # too little text to tell (or no answer in time): read it as it is
    rotate = int(osd.get("rotate", 0))
    if rotate and float(osd.get("orientation_conf", 0)) >= OSD_MIN_CONFIDENCE:
        # Tesseract's "rotate" is clockwise; PIL rotates counter-clockwise.
        return image.rotate(-rotate, expand=True, fillcolor=255)
    return image


def _deskew(image: Image.Image) -> Image.Image:
    """Straightens a tilt of a few degrees: the angle whose rows of ink are sharpest (a projection profile)."""
    small = image.copy()
    small.thumbnail((800, 800))
    # Ink is 1, paper 0, so rotating fills the corners with paper.
    ink = small.point(lambda value: 255 if value < 128 else 0)
    best_angle, best_score = 0.0, -1.0
    steps = int(DESKEW_MAX_DEGREES / DESKEW_STEP_DEGREES)
    for step in range(-steps, steps + 1):
        angle = step * DESKEW_STEP_DEGREES
        rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        values = list(rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes())
        mean = sum(values) / len(values)
        score = sum((value - mean) ** 2 for value in values)
        if score > best_score:
            best_angle, best_score = angle, score
    if abs(best_angle) < DESKEW_STEP_DEGREES:
        return image
    return image.rotate(best_angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
