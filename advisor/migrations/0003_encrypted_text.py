"""Advisor messages and monthly letters encrypted at rest.

Existing rows are encrypted by raw SQL while the fields are still plain text (a former CharField first becomes a
TextField, since a token is longer than its text), then the fields become EncryptedTextField. Backwards decrypts."""

import core.fields
from django.db import migrations

from core.fields import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('advisor', '0002_message_suggestions_computed_at'),
    ]

    operations = [
        encrypt_columns(
            ('advisor', 'Message', 'text'),
            ('advisor', 'Message', 'disclaimer'),
            ('advisor', 'MonthlyLetter', 'went_well'),
            ('advisor', 'MonthlyLetter', 'changed'),
            ('advisor', 'MonthlyLetter', 'suggestion'),
        ),
        migrations.AlterField(
            model_name='message',
            name='disclaimer',
            field=core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='message',
            name='text',
            field=core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='monthlyletter',
            name='changed',
            field=core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='monthlyletter',
            name='suggestion',
            field=core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='monthlyletter',
            name='went_well',
            field=core.fields.EncryptedTextField(),
        ),
    ]
