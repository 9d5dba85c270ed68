"""Writing the audit log: ``audit_record`` is the only way an entry is made."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from audit.chain import GENESIS, entry_hash, json_safe
from audit.models import AuditAction, AuditEntry
from audit.origin import Origin, current_origin, request_origin
from core.rls import row_security_as

SECRET_KEYS = re.compile(r"password|secret|token|otp|recovery", re.IGNORECASE)
REMOVED = "[removed]"
LABEL_MAX = 254


def changes_clean(changes: dict[str, Any] | None) -> dict[str, Any]:
    """``changes`` as stored: plain JSON, and any key that names a secret has its value removed."""

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: REMOVED if SECRET_KEYS.search(k) else scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    cleaned = scrub(json_safe(changes or {}))
    assert isinstance(cleaned, dict)
    return cleaned


def _chain_lock() -> None:
    """Serialise writers of the log, so that two entries never take the same previous hash.

    PostgreSQL: a table lock that conflicts with itself and with INSERT but not with reads, held to the end of
    the transaction. (A SELECT ... FOR UPDATE of the last row is not enough there: a writer that waited for the
    lock still reads the old last row under READ COMMITTED, and an empty table has no row to lock.)
    SQLite: every write transaction of Finsight begins IMMEDIATE (settings), which already holds the database's
    write lock from the start of the transaction, so the read of the last hash and the insert cannot interleave.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {AuditEntry._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    return str(actor.get_username() if hasattr(actor, "get_username") else actor)[:LABEL_MAX]


@transaction.atomic
def audit_record(*, action: AuditAction | str, actor: Any = None, target: models.Model | None = None,
                 target_type: str = "", target_id: str | int = "", target_label: str = "",
                 changes: dict[str, Any] | None = None, request: Any = None, origin: Origin | None = None,
                 now: datetime.datetime | None = None) -> AuditEntry:
    """Append an entry to the log.

    ``actor`` is the signed-in user who acted (None for someone not signed in, or Finsight itself); ``target``
    what was acted on (or ``target_type``/``target_id``/``target_label`` given directly, e.g. for a row about
    to be deleted). The IP and browser come from ``request``, else from ``origin``, else from the request being
    served (``audit.origin``); a task in the worker has none. ``changes`` never holds a secret: keys naming a
    password, token or secret lose their values.
    """
    action = AuditAction(action)
    if request is not None:
        origin = request_origin(request)
    elif origin is None:
        origin = current_origin()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    # One chain over everyone's entries (core.rls would show a person's request only theirs): the last hash and the
    # new entry, whoever it names, are read and written seeing the whole log.
    with row_security_as(bypass=True):
        _chain_lock()
        previous = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        entry = AuditEntry(
            created_at=now or timezone.now(), actor=actor, actor_label=_actor_label(actor), action=action.value,
            target_type=target_type[:100], target_id=str(target_id)[:64], target_label=target_label[:LABEL_MAX],
            ip=origin.ip, user_agent=origin.user_agent, changes=changes_clean(changes), previous_hash=previous)
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry
