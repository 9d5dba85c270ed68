"""verify_audit_log --head ID:HASH: a head kept outside the database finds a log rewritten (hashes recomputed) or
cut short since. (The daily job that logs and mails the head: config/tests/test_audit_head.py.)"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.chain import entry_hash
from audit.models import AuditAction, AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_entries(owner):
    return [audit_record(action=AuditAction.SIGN_IN, actor=owner, target=owner),
            audit_record(action=AuditAction.PASSWORD_CHANGE, actor=owner, target=owner),
            audit_record(action=AuditAction.SIGN_OUT, actor=owner, target=owner)]


def verify(*heads: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit_log", *[arg for head in heads for arg in ("--head", head)], stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def rewrite_from(entry: AuditEntry, *, ip: str) -> None:
    """What someone with write access to the database can do: change an entry and recompute every hash after it,
    leaving a chain that verifies."""
    previous = entry.previous_hash
    for row in AuditEntry.objects.filter(pk__gte=entry.pk).order_by("id"):
        if row.pk == entry.pk:
            row.ip = ip
        row.previous_hash = previous
        row.hash = entry_hash(row)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET ip = %s, previous_hash = %s, hash = %s "  # noqa: S608
                           "WHERE id = %s", [row.ip, row.previous_hash, row.hash, row.pk])
        previous = row.hash


def test_a_matching_head_verifies(three_entries):
    second = three_entries[1]
    code, output = verify(f"{second.pk}:{second.hash}", f"{three_entries[-1].pk}:{three_entries[-1].hash}")
    assert code == 0
    assert f"The log still holds entry {second.pk} with the hash kept outside the database." in output
    assert f"Head, to keep elsewhere and check later with --head: {three_entries[-1].pk}:" in output


def test_a_rewritten_chain_verifies_alone_but_not_against_the_head_kept(three_entries):
    first, second, third = three_entries
    kept = f"{third.pk}:{third.hash}"
    rewrite_from(second, ip="10.9.9.9")
    assert verify()[0] == 0  # recomputed hashes: the chain alone cannot tell
    code, output = verify(kept)
    assert code == 1
    assert f"The head {kept} kept outside the database does not match: entry {third.pk} now has the hash" in output
    assert "the log was rewritten" in output
    assert verify(f"{first.pk}:{first.hash}")[0] == 0  # entries before the rewrite still match


def test_a_head_removed_from_the_end_is_reported(three_entries):
    second, third = three_entries[1:]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [third.pk])  # noqa: S608
    code, output = verify(f"{third.pk}:{third.hash}")
    assert code == 1
    assert f"entry {third.pk} is not in the log (the log now ends at entry {second.pk})" in output


def test_a_malformed_head_is_refused_saying_what_is_expected():
    with pytest.raises(CommandError, match="is not ID:HASH"):
        call_command("verify_audit_log", "--head", "abc", stdout=StringIO())
