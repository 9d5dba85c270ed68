"""Writes of receipts: the upload (verified and re-encoded), and the confirmation that makes it ledger rows.

The worker's reading of a receipt is ``receipts.processing.receipt_process``.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction as db_transaction
from django.utils import timezone
import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import User
from billing.services import feature_quota_check
from core.outbox import outbox_enqueue
from receipts import tasks
from receipts.models import Receipt, ReceiptStatus
from transactions import services as ledger
from transactions.models import Account, Category, Source, Transaction

CENT = Decimal("0.01")
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"}
# Items the categorizer could not place, and a remainder line, go here unless the person chose.
FALLBACK_CATEGORY_KEY = "shopping"
REMAINDER_TEXT = "Rest of the receipt (tax, discounts, rounding)"


# --- upload -------------------------------------------------------------------------------------------------

def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _image_reencode(data: bytes) -> ContentFile[bytes]:
    """A fresh JPEG of the image: orientation applied, no metadata or trailing bytes kept."""
    max_side, max_pixels = settings.RECEIPT_MAX_PIXELS, settings.RECEIPT_MAX_MEGAPIXELS * 1_000_000
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("This file is not a photo or PDF we can read (JPEG, PNG, WebP, HEIC is not "
                              "supported yet; or a PDF).", code="not_image") from None
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(f"{image_format} images are not accepted; use JPEG, PNG or WebP, or a PDF.",
                              code="format")
    if width > max_side or height > max_side or width * height > max_pixels:
        raise ValidationError(
            f"The image is {width}x{height} pixels; the limit is {max_side} pixels on each side and "
            f"{settings.RECEIPT_MAX_MEGAPIXELS} million in all.", code="too_many_pixels")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGB")
            image.thumbnail((settings.RECEIPT_STORED_SIZE, settings.RECEIPT_STORED_SIZE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=90, optimize=True)  # no exif= : the metadata stays behind
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The image is damaged or truncated and cannot be read.", code="truncated") from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _pdf_check(data: bytes) -> ContentFile[bytes]:
    """A PDF is kept as sent (its own text reads better than a rendering), once PDFium opens it, it has no
    password and few enough pages."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ValidationError("The PDF is password-protected; save it without a password and upload it again.",
                                  code="encrypted") from None
        raise ValidationError("The PDF is damaged or not a PDF, and cannot be read.", code="not_pdf") from None
    try:
        pages = len(document)
    finally:
        document.close()
    if pages == 0:
        raise ValidationError("The PDF has no pages.", code="not_pdf")
    if pages > settings.RECEIPT_MAX_PDF_PAGES:
        raise ValidationError(f"The PDF has {pages} pages; a receipt may have at most "
                              f"{settings.RECEIPT_MAX_PDF_PAGES}.", code="too_many_pages")
    return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")


def receipt_file_verify(upload: UploadedFile) -> tuple[ContentFile[bytes], str]:
    """The file to store and its content type, or ValidationError saying why not (nothing is stored)."""
    limit = settings.RECEIPT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"The file is {_mb(upload.size)}; the limit is {limit // 1024 // 1024} MB.",
                              code="too_large")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"The file is larger than {limit // 1024 // 1024} MB.", code="too_large")
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    if data.startswith(b"%PDF-"):
        return _pdf_check(data), "application/pdf"
    return _image_reencode(data), "image/jpeg"


def receipt_quota_check(*, user: User) -> None:
    """Refuse an upload beyond the receipts a month the person's plan includes (billing; no limit with it off)."""
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = Receipt.objects.filter(user=user, created_at__gte=month_start).count()
    feature_quota_check(user=user, feature="receipts_per_month", used=used, noun=("receipt", "receipts"),
                        per=" a month")


@db_transaction.atomic
def receipt_upload(*, user: User, upload: UploadedFile, meant_for: Transaction | None = None) -> Receipt:
    """Keep a verified receipt privately and queue its reading in the worker; ``meant_for``: the payment it
    was uploaded for (its transaction's page)."""
    if meant_for is not None and meant_for.owner_id != user.pk:
        raise ValidationError({"transaction": "Unknown transaction."})
    receipt_quota_check(user=user)
    content, content_type = receipt_file_verify(upload)
    receipt = Receipt(user=user, content_type=content_type, size=content.size, meant_for=meant_for)
    receipt.file.save(content.name or "receipt", content, save=False)
    try:
        receipt.save()
        outbox_enqueue(tasks.receipt_process_task, receipt.pk)
    except BaseException:
        receipt.file.delete(save=False)  # no orphan file when the row is not written
        raise
    return receipt


@db_transaction.atomic
def receipt_retry(*, user: User, receipt: Receipt) -> Receipt:
    """Read a receipt that failed once more (Tesseract installed since, a worker lost)."""
    updated = Receipt.objects.filter(pk=receipt.pk, user=user, status=ReceiptStatus.FAILED).update(
        status=ReceiptStatus.UPLOADED, progress=0, error="", updated_at=timezone.now())
    if updated != 1:
        raise ValidationError("Only a receipt that could not be read is read again.", code="not_failed")
    outbox_enqueue(tasks.receipt_process_task, receipt.pk)
    receipt.refresh_from_db()
    return receipt


@db_transaction.atomic
def receipt_delete(*, user: User, receipt: Receipt) -> None:
    if receipt.user_id != user.pk:
        raise ValidationError("Unknown receipt.")
    name = receipt.file.name
    receipt.delete()
    storage = receipt.file.storage
    db_transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- confirm ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemEdit:
    description: str
    amount: Decimal  # the line's total, positive (a discount line is negative)
    category: Category | None = None


@dataclass(frozen=True)
class ReceiptEdits:
    """What the person confirmed: the fields as read or as they corrected them."""

    merchant: str
    date: dt.date
    total: Decimal
    currency: str = ""
    items: Sequence[ItemEdit] = field(default_factory=tuple)
    # Items filed under the same category become one split part (their names in its notes).
    merge_same_category: bool = False


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(CENT) if value not in (None, "") else None
    except InvalidOperation:
        return None


def receipt_edits_from_stored(receipt: Receipt) -> ReceiptEdits | None:
    """The fields as the worker read them, or None when the date or the total is missing."""
    total = _decimal(receipt.field_value("total"))
    date_text = receipt.field_value("date")
    if total is None or not date_text:
        return None
    categories = {c.pk: c for c in Category.objects.visible_to(receipt.user).filter(
        pk__in=[i.get("category_id") for i in receipt.items if i.get("category_id")])}
    items = [ItemEdit(description=i.get("description", ""), amount=_decimal(i.get("amount")) or Decimal(0),
                      category=categories.get(i.get("category_id"))) for i in receipt.items]
    return ReceiptEdits(merchant=str(receipt.field_value("merchant") or ""), date=dt.date.fromisoformat(date_text),
                        total=total, currency=str(receipt.field_value("currency") or ""), items=items)


def receipt_edits_merge(*, receipt: Receipt, data: dict[str, Any]) -> ReceiptEdits:
    """The fields read, with what the person changed (``data``: merchant, date, total, currency, items as
    {description, amount, category}, merge_same_category); ``items`` given replaces the items read."""
    stored = receipt_edits_from_stored(receipt)
    date = data.get("date") or (stored.date if stored else None)
    total = data.get("total") if data.get("total") is not None else (stored.total if stored else None)
    if date is None:
        raise ValidationError({"date": "Give the receipt's date: it could not be read."})
    if total is None:
        raise ValidationError({"total": "Give the receipt's total: it could not be read."})
    if "items" in data:
        items: Sequence[ItemEdit] = [ItemEdit(description=i.get("description", ""), amount=Decimal(i["amount"]),
                                              category=i.get("category")) for i in data["items"]]
    else:
        items = stored.items if stored else []
    merchant = data["merchant"] if "merchant" in data else (stored.merchant if stored else
                                                            str(receipt.field_value("merchant") or ""))
    currency = data.get("currency") or (stored.currency if stored else str(receipt.field_value("currency") or ""))
    return ReceiptEdits(merchant=merchant, date=date, total=Decimal(total), currency=currency, items=items,
                        merge_same_category=bool(data.get("merge_same_category")))


def _fallback_category() -> Category:
    category = Category.objects.filter(key=FALLBACK_CATEGORY_KEY).first()
    if category is None:
        raise ValidationError("The standard categories are missing; run the migrations.")
    return category


def _split_parts(*, user: User, edits: ReceiptEdits) -> list[tuple[Category, Decimal, str]]:
    """The items as (category, positive amount, notes), discounts folded into the line above, merged by
    category when asked, and a remainder line so that they add up to the total."""
    lines: list[list[Any]] = []
    for item in edits.items:
        amount = Decimal(item.amount).quantize(CENT)
        if amount == 0:
            continue
        if item.category is not None and item.category.owner_id not in (None, user.pk):
            raise ValidationError({"items": "Unknown category."})
        if amount < 0 and lines:
            lines[-1][1] += amount  # a discount belongs to the item above it
            continue
        lines.append([item.category, amount, item.description.strip()[:200]])
    lines = [line for line in lines if line[1] > 0]
    fallback = None
    for line in lines:
        if line[0] is None:
            fallback = fallback or _fallback_category()
            line[0] = fallback
    if edits.merge_same_category:
        merged: dict[int, list[Any]] = {}
        for category, amount, notes in lines:
            if category.pk in merged:
                merged[category.pk][1] += amount
                merged[category.pk][2] = f"{merged[category.pk][2]}, {notes}"[:200]
            else:
                merged[category.pk] = [category, amount, notes]
        lines = list(merged.values())
    items_total = sum((line[1] for line in lines), Decimal(0))
    if items_total > edits.total:
        raise ValidationError({"items": f"The items add up to {items_total}, more than the total {edits.total}: "
                                        "correct an amount or remove an item."})
    if lines and items_total < edits.total:
        remainder_category = max(lines, key=lambda line: line[1])[0]
        lines.append([remainder_category, edits.total - items_total, REMAINDER_TEXT])
    return [(category, amount, notes) for category, amount, notes in lines]


@db_transaction.atomic
def receipt_confirm(*, user: User, receipt: Receipt, edits: ReceiptEdits, account: Account | None = None,
                    attach_to: Transaction | None = None) -> Transaction:
    """Make the receipt ledger rows: attach it to ``attach_to`` (a payment already imported, which takes its
    items as splits) or create a new transaction in ``account``; every item a split part, the parts adding
    up to the total."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.user_id != user.pk:
        raise ValidationError("Unknown receipt.")
    if receipt.status == ReceiptStatus.CONFIRMED:
        raise ValidationError("This receipt is confirmed already.", code="confirmed")
    if receipt.status != ReceiptStatus.READY:
        raise ValidationError("This receipt has not been read yet.", code="not_ready")
    total = Decimal(edits.total).quantize(CENT)
    if total <= 0:
        raise ValidationError({"total": "The total must be more than 0."})
    edits = ReceiptEdits(merchant=edits.merchant.strip(), date=edits.date, total=total,
                         currency=(edits.currency or "").upper(), items=edits.items,
                         merge_same_category=edits.merge_same_category)
    parts = _split_parts(user=user, edits=edits)
    if attach_to is not None:
        if attach_to.owner_id != user.pk:
            raise ValidationError({"attach_to": "Unknown transaction."})
        if Receipt.objects.filter(transaction=attach_to).exclude(pk=receipt.pk).exists():
            raise ValidationError({"attach_to": "Another receipt is attached to this transaction already."})
        if attach_to.amount != -total:
            raise ValidationError({"attach_to": f"The transaction is {attach_to.amount}; the receipt's total "
                                                f"is {total}."})
        txn = attach_to
        if edits.merchant and not txn.merchant:
            txn = ledger.transaction_update(user=user, txn=txn, data={"merchant": edits.merchant})
    else:
        if account is None:
            raise ValidationError({"account": "Choose the account you paid from."})
        txn = ledger.transaction_create(
            user=user, account=account, on=edits.date, amount=-total, description=edits.merchant or "Receipt",
            merchant=edits.merchant, currency=edits.currency or None, source=Source.RECEIPT)
    if len(parts) >= 2:
        ledger.transaction_split_set(user=user, txn=txn, parts=[(c, -amount, notes) for c, amount, notes in parts])
    elif parts:
        ledger.transaction_update(user=user, txn=txn, data={"category": parts[0][0]})
    receipt.status = ReceiptStatus.CONFIRMED
    receipt.transaction = txn
    receipt.account = txn.account
    receipt.attached = attach_to is not None
    receipt.confirmed_at = timezone.now()
    receipt.fields = {**receipt.fields, "confirmed": {
        "merchant": edits.merchant, "date": edits.date.isoformat(), "total": str(total),
        "currency": edits.currency or txn.currency}}
    receipt.save(update_fields=["status", "transaction", "account", "attached", "confirmed_at", "fields",
                                "updated_at"])
    return txn
