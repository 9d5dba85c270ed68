"""Receipts: a photo or PDF kept privately, what the worker read from it, and the transaction it became.

The file lives under ``settings.RECEIPT_DIR``, outside MEDIA_ROOT: no URL reaches it but the owner's
``receipts:file`` view. Parsed fields and line items are JSON (each field with its confidence); a receipt
becomes ledger rows only when its owner confirms it.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible

from core.crypto import TOKEN_PREFIX, DecryptionError, decrypt_bytes, encrypt_bytes, is_encrypted, rotate_bytes
from core.fields import EncryptedTextField


@deconstructible
class ReceiptStorage(FileSystemStorage):
    """Files under settings.RECEIPT_DIR, read when used (tests point it elsewhere); no public URL.

    Each file is a Fernet token on disk (core.crypto): saving encrypts, opening decrypts, so the views and the OCR
    see the image while a copy of the disk holds none. ``rotate_encryption_keys`` re-encrypts them, and encrypts
    a file stored before encryption (still readable until then: no image or PDF starts like a token)."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return Path(settings.RECEIPT_DIR)

    @property
    def location(self):  # type: ignore[override]
        return str(Path(settings.RECEIPT_DIR).resolve())

    def url(self, name):  # type: ignore[override]
        raise ValueError("Receipts have no public URL; receipts:file serves them to their owner.")

    def _save(self, name, content):
        content.seek(0)
        return super()._save(name, ContentFile(encrypt_bytes(content.read())))

    def _open(self, name, mode="rb"):
        with super()._open(name, "rb") as stored:
            data = stored.read()
        # A file stored before encryption (until rotate_encryption_keys encrypts it) starts with an image's or a
        # PDF's magic bytes, never with a token's; anything token-like must decrypt or fail with the key error.
        if data.startswith(TOKEN_PREFIX):
            data = decrypt_bytes(data, what=f"the receipt file {name}")
        return File(io.BytesIO(data), name=name)

    def rotate(self, name: str) -> str:
        """Store ``name`` under the newest key: "rotated", or "encrypted" when it was still plaintext."""
        with super()._open(name, "rb") as stored:
            data = stored.read()
        if is_encrypted(data):
            token, outcome = rotate_bytes(data, what=f"the receipt file {name}"), "rotated"
        elif data.startswith(TOKEN_PREFIX):
            raise DecryptionError(f"the receipt file {name}")
        else:
            token, outcome = encrypt_bytes(data), "encrypted"
        # Written beside it and renamed over it: a stop midway leaves the old file whole.
        path = Path(self.path(name))
        partial = path.with_name(path.name + ".rotating")
        partial.write_bytes(token)
        partial.chmod(path.stat().st_mode & 0o777)
        partial.replace(path)
        return outcome


receipt_storage = ReceiptStorage()


class ReceiptStatus(models.TextChoices):
    UPLOADED = "uploaded", "Waiting to be read"
    PROCESSING = "processing", "Reading"
    READY = "ready", "Ready to review"
    FAILED = "failed", "Could not be read"
    CONFIRMED = "confirmed", "Confirmed"


class ReceiptQuerySet(models.QuerySet["Receipt"]):
    def for_user(self, user) -> ReceiptQuerySet:
        return self.filter(user=user)


def receipt_file_name(instance: Receipt, filename: str) -> str:
    return f"{instance.user_id}/{filename}"


class Receipt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(storage=receipt_storage, upload_to=receipt_file_name, max_length=200)
    content_type = models.CharField(max_length=40)  # image/jpeg, image/png or application/pdf, as re-encoded
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=ReceiptStatus.choices, default=ReceiptStatus.UPLOADED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while the worker reads it
    error = models.TextField(blank=True)
    ocr_text = EncryptedTextField(blank=True)
    ocr_seconds = models.FloatField(null=True, blank=True)
    # {"merchant": {"value": "Lidl", "confidence": 0.9}, "date": ..., "total": ..., "tax": ..., "currency": ...}
    fields = models.JSONField(default=dict, blank=True)
    # [{"description", "quantity", "amount", "category_id", "category_confidence"}], amounts as strings
    items = models.JSONField(default=list, blank=True)
    account = models.ForeignKey("transactions.Account", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="receipts")
    transaction = models.ForeignKey("transactions.Transaction", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="receipts")
    # The payment the person uploaded this receipt for (from a transaction's page), offered first to attach to.
    meant_for = models.ForeignKey("transactions.Transaction", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    # True: confirmed onto a transaction already in the ledger (an imported payment), not a new one.
    attached = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"Receipt {self.pk}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def is_working(self) -> bool:
        return self.status in (ReceiptStatus.UPLOADED, ReceiptStatus.PROCESSING)

    def field_value(self, name: str):
        return (self.fields.get(name) or {}).get("value")

    def field_confidence(self, name: str) -> float | None:
        return (self.fields.get(name) or {}).get("confidence")
