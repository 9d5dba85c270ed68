"""Encryption at rest: Fernet tokens under the keys of ``settings.ENCRYPTION_KEYS``, newest first.

Every key in the list can decrypt; only the first encrypts. A new key goes in front, then
``rotate_encryption_keys`` re-encrypts everything under it, and the old key can be dropped.
docs/encryption.md lists what is encrypted and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

GENERATE_KEY_COMMAND = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
# Every Fernet token starts with its version byte 0x80, which base64 writes as "gAAAAA" for today's timestamps.
TOKEN_PREFIX = b"gAAAAA"
BATCH_SIZE = 500


class DecryptionError(Exception):
    """Stored data that none of ENCRYPTION_KEYS opens: the key it was written with is missing."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Cannot decrypt {what}: it was encrypted with a key that is not among ENCRYPTION_KEYS "
            "(FINSIGHT_ENCRYPTION_KEYS). Put the key it was written with back in the list; "
            "see docs/encryption.md."
        )
        self.what = what


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            f"ENCRYPTION_KEYS is empty; set FINSIGHT_ENCRYPTION_KEYS to a key made with: {GENERATE_KEY_COMMAND}"
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "FINSIGHT_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64-encoded bytes); "
            f"make one with: {GENERATE_KEY_COMMAND}"
        ) from None


def _fernet() -> MultiFernet:
    # Keyed on the current list, so tests that override ENCRYPTION_KEYS get their own MultiFernet.
    return _multi_fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes, *, what: str = "a file") -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise DecryptionError(what) from None


def encrypt_text(value: str) -> str:
    return encrypt_bytes(value.encode()).decode("ascii")


def decrypt_text(token: str, *, what: str = "a value") -> str:
    return decrypt_bytes(token.encode("ascii", errors="replace"), what=what).decode()


def rotate_bytes(token: bytes, *, what: str = "a file") -> bytes:
    """The same data under the newest key."""
    try:
        return _fernet().rotate(token)
    except InvalidToken:
        raise DecryptionError(what) from None


def rotate_text(token: str, *, what: str = "a value") -> str:
    return rotate_bytes(token.encode("ascii", errors="replace"), what=what).decode("ascii")


def is_encrypted(data: bytes) -> bool:
    """True when one of the keys opens ``data``: telling ciphertext from plaintext written before encryption."""
    if not data.startswith(TOKEN_PREFIX):
        return False
    try:
        _fernet().decrypt(data)
    except InvalidToken:
        return False
    return True


def column_batches(table: str, column: str, *, batch_size: int = BATCH_SIZE) -> Iterator[list[tuple[int, str]]]:
    """(id, stored value) of a table's non-empty column, in batches by id, read raw: no field decrypts them."""
    quote = connection.ops.quote_name
    last_id = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608 - names from the model's _meta
                f"WHERE id > %s AND {quote(column)} IS NOT NULL AND {quote(column)} <> '' ORDER BY id LIMIT %s",
                [last_id, batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def column_write(table: str, column: str, rows: list[tuple[int, str]]) -> None:
    """Store new values for (id, value) rows of one column in one transaction."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608 - names from _meta
            [(value, pk) for pk, value in rows],
        )


def column_encrypt(table: str, column: str, *, batch_size: int = BATCH_SIZE) -> int:
    """Encrypt the plaintext values of a column (data migrations); values already encrypted are left. Returns
    how many were encrypted. Works on raw SQL: a historical model may already carry the encrypting field."""
    done = 0
    for rows in column_batches(table, column, batch_size=batch_size):
        plain = [(pk, encrypt_text(value)) for pk, value in rows if not is_encrypted(value.encode())]
        if plain:
            column_write(table, column, plain)
            done += len(plain)
    return done


def column_decrypt(table: str, column: str, *, batch_size: int = BATCH_SIZE) -> int:
    """The reverse of column_encrypt, for migrating back: tokens become their plaintext again."""
    done = 0
    for rows in column_batches(table, column, batch_size=batch_size):
        opened = [(pk, decrypt_text(value, what=f"{table}.{column} #{pk}"))
                  for pk, value in rows if is_encrypted(value.encode())]
        if opened:
            column_write(table, column, opened)
            done += len(opened)
    return done


def column_rotate(table: str, column: str, *, batch_size: int = BATCH_SIZE) -> int:
    """Re-encrypt a column under the newest key, a batch per transaction: a stop midway leaves every row under
    a key in the list, so running it again finishes the job. Returns how many values were rewritten."""
    done = 0
    for rows in column_batches(table, column, batch_size=batch_size):
        column_write(table, column, [(pk, rotate_text(value, what=f"{table}.{column} #{pk}")) for pk, value in rows])
        done += len(rows)
    return done
