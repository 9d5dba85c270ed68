"""The authenticator app's shared secret is encrypted at rest: the database holds a token, codes still verify, a
missing key is the clear error, keys rotate, and the migration moves django-otp's plain-hex rows in."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_otp.oath import TOTP

from accounts import two_factor
from accounts.models import AuthenticatorApp
from core.crypto import DecryptionError

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
OLD_TABLE = "otp_totp_totpdevice"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_for(key: bytes) -> str:
    totp = TOTP(key)
    totp.time = dt.datetime.now(dt.UTC).timestamp()
    return f"{totp.token():06d}"


def stored_key(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + connection.ops.quote_name("key") + " FROM accounts_authenticatorapp WHERE id = %s",
                       [pk])
        return cursor.fetchone()[0]


def app_set_up(user) -> AuthenticatorApp:
    device = two_factor.totp_setup_begin(user=user)
    two_factor.totp_setup_confirm(user=user, code=code_for(device.bin_key))
    return device


@pytest.mark.django_db
def test_the_database_holds_a_token_not_the_secret_and_codes_still_verify(owner, clock):
    device = app_set_up(owner)
    secret_hex = device.key
    secret_base32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    raw = stored_key(device.pk)
    assert raw.startswith("gAAAAA")
    for form in (secret_hex, secret_hex.upper(), secret_base32, secret_base32.lower()):
        assert form not in raw
    # What the setup page shows is still the real key, and the app's next code signs in.
    assert two_factor.totp_secret(device).replace(" ", "") == secret_base32
    assert f"secret={secret_base32}" in device.config_url
    clock.shift(60)
    assert two_factor.second_factor_verify(user=owner, code=code_for(bytes.fromhex(secret_hex))) == "totp"
    assert two_factor.second_factor_verify(user=owner, code="000000") is None


@pytest.mark.django_db
def test_a_wrong_key_is_the_clear_error_and_rotation_moves_the_secret_to_the_new_key(owner, clock, settings,
                                                                                      capsys):
    settings.ENCRYPTION_KEYS = [OLD]
    device = app_set_up(owner)
    secret = device.bin_key
    clock.shift(60)

    settings.ENCRYPTION_KEYS = [NEW]
    # Whether someone has the app is still known (the admin's summary, the sign-in's methods): only the key is lost.
    assert two_factor.two_factor_summary(user=owner).startswith("On (authenticator app")
    assert two_factor.two_factor_methods(user=owner) == ["totp", "recovery_code"]
    with pytest.raises(DecryptionError, match="Cannot decrypt accounts.AuthenticatorApp.key: .* not among "
                                              "ENCRYPTION_KEYS"):
        two_factor.second_factor_verify(user=owner, code=code_for(secret))

    settings.ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_encryption_keys")
    assert "accounts.AuthenticatorApp.key: 1 re-encrypted" in capsys.readouterr().out
    settings.ENCRYPTION_KEYS = [NEW]
    assert two_factor.second_factor_verify(user=owner, code=code_for(secret)) == "totp"


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_django_otps_plain_rows_in_encrypted_and_back(owner):
    before, after = [("accounts", "0004_two_factor")], [("accounts", "0005_authenticator_app_encrypted")]
    quote = connection.ops.quote_name
    secret = "3132333435363738393031323334353637383930"  # RFC 6238's test key

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)

    def old_keys() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote('key')} FROM {OLD_TABLE}")  # noqa: S608
            return [row[0] for row in cursor.fetchall()]

    try:
        migrate(before)
        # django-otp's table as its migrations left it (the plugin is no longer installed, so made by hand here).
        id_column = "serial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {OLD_TABLE} (id {id_column}, user_id bigint NOT NULL, name varchar(64), "
                f"confirmed boolean, {quote('key')} varchar(80), step smallint, t0 bigint, digits smallint, "
                "tolerance smallint, drift smallint, last_t bigint, throttling_failure_timestamp timestamp with time "
                "zone NULL, throttling_failure_count integer, created_at timestamp with time zone NULL, "
                "last_used_at timestamp with time zone NULL)")
            cursor.execute(
                f"INSERT INTO {OLD_TABLE} VALUES (7, %s, 'Authenticator app', %s, %s, 30, 0, 6, 1, 0, 41, NULL, 0, "
                "%s, NULL)", [owner.pk, True, secret, connection.ops.adapt_datetimefield_value(START)])

        migrate(after)
        assert old_keys() == []
        device = AuthenticatorApp.objects.get(user=owner)
        assert device.key == secret and device.confirmed and device.last_t == 41
        assert device.created_at == START
        assert secret not in stored_key(device.pk) and stored_key(device.pk).startswith("gAAAAA")

        migrate(before)
        assert old_keys() == [secret]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {OLD_TABLE}")
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
