"""Re-encrypt everything under the newest key of ENCRYPTION_KEYS (docs/encryption.md, "Rotating keys")."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from core.crypto import BATCH_SIZE, DecryptionError, column_rotate
from core.fields import EncryptedTextField


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field and file under the first key of FINSIGHT_ENCRYPTION_KEYS, in batches. "
            "Safe to stop and run again; afterwards the older keys can be removed.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        try:
            for model in apps.get_models():
                self.rotate_model(model, batch_size=batch_size)
        except DecryptionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS("Everything is encrypted under the newest key."))

    def rotate_model(self, model: type[models.Model], *, batch_size: int) -> None:
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                count = column_rotate(model._meta.db_table, field.column, batch_size=batch_size)
                self.stdout.write(f"{label}.{field.name}: {count} re-encrypted")
            elif isinstance(field, models.FileField) and hasattr(field.storage, "rotate"):
                # A storage that encrypts its files (receipts.models.ReceiptStorage) knows how to rotate one.
                outcomes: Counter[str] = Counter()
                names = (model._default_manager.exclude(**{field.name: ""}).order_by("pk")
                         .values_list(field.name, flat=True).iterator(chunk_size=batch_size))
                for name in names:
                    outcomes[field.storage.rotate(name) if field.storage.exists(name) else "missing"] += 1
                self.stdout.write(f"{label}.{field.name}: {outcomes['rotated']} files re-encrypted, "
                                  f"{outcomes['encrypted']} plaintext files encrypted, {outcomes['missing']} missing")
