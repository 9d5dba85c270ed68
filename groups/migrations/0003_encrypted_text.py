"""Expense notes and settlement notes encrypted at rest.

Existing rows are encrypted by raw SQL while the fields are still plain text (a former CharField first becomes a
TextField, since a token is longer than its text), then the fields become EncryptedTextField. Backwards decrypts."""

import core.fields
from django.db import migrations, models

from core.fields import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0002_invite_expiry_and_deletion_log'),
    ]

    operations = [
        migrations.AlterField(
            model_name='settlement',
            name='note',
            field=models.TextField(blank=True),
        ),
        encrypt_columns(
            ('groups', 'GroupExpense', 'notes'),
            ('groups', 'Settlement', 'note'),
        ),
        migrations.AlterField(
            model_name='groupexpense',
            name='notes',
            field=core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='settlement',
            name='note',
            field=core.fields.EncryptedTextField(blank=True, max_length=200),
        ),
    ]
