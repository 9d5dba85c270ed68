"""A receipt's OCR text encrypted at rest.

Existing rows are encrypted by raw SQL while the fields are still plain text (a former CharField first becomes a
TextField, since a token is longer than its text), then the fields become EncryptedTextField. Backwards decrypts."""

import core.fields
from django.db import migrations

from core.fields import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('receipts', '0001_initial'),
    ]

    operations = [
        encrypt_columns(
            ('receipts', 'Receipt', 'ocr_text'),
        ),
        migrations.AlterField(
            model_name='receipt',
            name='ocr_text',
            field=core.fields.EncryptedTextField(blank=True),
        ),
    ]
