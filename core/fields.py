"""Model fields shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.db import migrations, models

from core.crypto import column_decrypt, column_encrypt, decrypt_text, encrypt_text

# Encryption is randomised, so the database can only tell an empty value from a filled one.
ENCRYPTED_LOOKUPS = {"exact", "isnull"}


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token (core.crypto): the database holds ciphertext, Python sees the text.

    An empty string stays empty, so ``blank=True`` and ``filter(notes="")`` still work; any other value cannot
    be searched, sorted or compared in SQL. ``max_length`` is checked on the text (model validation, forms,
    serializers), never on the longer token. Rows written before a field became encrypted are encrypted by
    their app's data migration (``core.crypto.column_encrypt``), not guessed at here.
    """

    description = "Text encrypted at rest"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt_text(value, what=f"{self.model._meta.label}.{self.name}")

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ENCRYPTED_LOOKUPS:
            return None  # Django then raises FieldError: "Unsupported lookup 'icontains' ..."
        return super().get_lookup(lookup_name)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        # A short field (a former CharField) keeps its one-line input; a long one is a textarea as before.
        if self.max_length is not None and not self.choices and form_class is None:
            return models.Field.formfield(self, form_class=forms.CharField, max_length=self.max_length, **kwargs)
        return super().formfield(form_class=form_class, choices_form_class=choices_form_class, **kwargs)


def encrypt_columns(*fields: tuple[str, str, str]) -> migrations.RunPython:
    """A data migration encrypting the existing plaintext of (app label, model, field) columns, in batches.

    Run it while the historical field is still a plain TextField (before the AlterField to
    EncryptedTextField): it reads and writes raw SQL either way, so it never decrypts plaintext by mistake.
    Reversing it decrypts the columns again.
    """

    def columns(apps: Any) -> list[tuple[str, str]]:
        found = []
        for app_label, model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            found.append((model._meta.db_table, model._meta.get_field(field_name).column))
        return found

    def forwards(apps: Any, schema_editor: Any) -> None:
        for table, column in columns(apps):
            column_encrypt(table, column)

    def backwards(apps: Any, schema_editor: Any) -> None:
        for table, column in columns(apps):
            column_decrypt(table, column)

    return migrations.RunPython(forwards, backwards, elidable=False)
