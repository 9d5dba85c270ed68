"""Authenticator apps move from django-otp's ``otp_totp_totpdevice`` (key in plain hex) to ``AuthenticatorApp``,
whose key is encrypted with the first key of FINSIGHT_ENCRYPTION_KEYS (set it before migrating). The old rows are
then deleted; the emptied table stays (django_otp.plugins.otp_totp is no longer installed) so that migrating back
can put the keys there again. docs/encryption.md, "Upgrading an existing installation".

The old table is read with raw SQL, only when it exists: a new installation never had it.
"""

import datetime

import accounts.models
import core.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "otp_totp_totpdevice"
COLUMNS = ("id", "user_id", "name", "confirmed", "key", "step", "t0", "digits", "tolerance", "drift", "last_t",
           "throttling_failure_timestamp", "throttling_failure_count", "created_at", "last_used_at")
DATETIMES = ("throttling_failure_timestamp", "created_at", "last_used_at")


def _aware(value):
    # Raw SQL on SQLite gives text in UTC without an offset; PostgreSQL gives an aware datetime.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _old_table_exists(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        return OLD_TABLE in schema_editor.connection.introspection.table_names(cursor)


def apps_move_in(apps, schema_editor):
    if not _old_table_exists(schema_editor):
        return
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    AuthenticatorApp = apps.get_model("accounts", "AuthenticatorApp")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in COLUMNS)} FROM {quote(OLD_TABLE)} ORDER BY id")
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row.pop("id")
        row.update({name: _aware(row[name]) for name in DATETIMES})
        created_at = row.pop("created_at")
        app = AuthenticatorApp.objects.create(**row)  # the historical EncryptedTextField encrypts the key
        # created_at is auto_now_add: keep when the app was really set up.
        AuthenticatorApp.objects.filter(pk=app.pk).update(created_at=created_at)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(OLD_TABLE)}")


def apps_move_back(apps, schema_editor):
    if not _old_table_exists(schema_editor):
        return  # installed after the move: there is no old table to go back to
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    AuthenticatorApp = apps.get_model("accounts", "AuthenticatorApp")
    columns = [c for c in COLUMNS if c != "id"]
    with connection.cursor() as cursor:
        for app in AuthenticatorApp.objects.order_by("pk"):
            cursor.execute(
                f"INSERT INTO {quote(OLD_TABLE)} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                [connection.ops.adapt_datetimefield_value(getattr(app, c)) if c in DATETIMES else getattr(app, c)
                 for c in columns])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_two_factor'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthenticatorApp',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('key', core.fields.EncryptedTextField(default=accounts.models.authenticator_key_new, help_text='The shared secret, hex-encoded, encrypted at rest.', max_length=80, validators=[accounts.models.authenticator_key_validate])),
                ('step', models.PositiveSmallIntegerField(default=30, help_text='The time step in seconds.')),
                ('t0', models.BigIntegerField(default=0, help_text='The Unix time at which to begin counting steps.')),
                ('digits', models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ('tolerance', models.PositiveSmallIntegerField(default=1, help_text='Time steps in the past or future allowed.')),
                ('drift', models.SmallIntegerField(default=0, help_text='Time steps the app is known to be off our clock.')),
                ('last_t', models.BigIntegerField(default=-1, help_text='The time step of the last code accepted; the next code must be of a later step.')),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'authenticator app',
                'abstract': False,
            },
        ),
        migrations.RunPython(apps_move_in, apps_move_back, elidable=False),
    ]
