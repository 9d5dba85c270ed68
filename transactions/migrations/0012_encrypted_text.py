"""Notes encrypted at rest.

Existing rows are encrypted by raw SQL while the fields are still plain text (a former CharField first becomes a
TextField, since a token is longer than its text), then the fields become EncryptedTextField. Backwards decrypts."""

import core.fields
from django.db import migrations, models

from core.fields import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0011_transaction_alert_level_checked_at'),
    ]

    operations = [
        migrations.AlterField(
            model_name='transactionsplit',
            name='notes',
            field=models.TextField(blank=True),
        ),
        encrypt_columns(
            ('transactions', 'Transaction', 'notes'),
            ('transactions', 'TransactionSplit', 'notes'),
        ),
        migrations.AlterField(
            model_name='transaction',
            name='notes',
            field=core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='transactionsplit',
            name='notes',
            field=core.fields.EncryptedTextField(blank=True, max_length=200),
        ),
    ]
