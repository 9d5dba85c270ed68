"""The hash chain: what each entry's hash covers, and the walk that finds the first broken link."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit.models import AuditEntry

GENESIS = ""  # the previous hash of the first entry


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON that reads back the same from either database: floats and Decimals as text
    (PostgreSQL's jsonb may respell a float), dates as ISO text, anything else unknown as its str()."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(value)
    return str(value)


def canonical(entry: AuditEntry) -> bytes:
    """The entry's hashed fields as canonical JSON. The actor's foreign key is left out: deleting a user sets
    it to NULL, and ``actor_label`` keeps who it was."""
    created_at = entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    payload = {
        "created_at": created_at,
        "actor": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "changes": entry.changes,
        "previous_hash": entry.previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    entry_id: int
    problem: str  # "hash mismatch" or "previous-hash mismatch"
    detail: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken: BrokenLink | None
    last_hash: str

    @property
    def intact(self) -> bool:
        return self.broken is None


def chain_walk(entries: Iterable[AuditEntry]) -> ChainReport:
    """Check entries in chain order: each one's previous hash is the hash of the one before, and its own hash
    is what its fields hash to. Stops at the first broken link."""
    previous, checked = GENESIS, 0
    for entry in entries:
        checked += 1
        if entry.previous_hash != previous:
            detail = (f"entry {entry.id} says the entry before it hashed to {entry.previous_hash or '(nothing)'}, "
                      f"but the entry before it in the log hashes to {previous or '(nothing: it is the first)'}; "
                      "an entry was removed, inserted or reordered here")
            return ChainReport(checked, BrokenLink(entry.id, "previous-hash mismatch", detail), previous)
        actual = entry_hash(entry)
        if actual != entry.hash:
            detail = (f"entry {entry.id}'s fields hash to {actual}, not the stored {entry.hash}; "
                      "the entry was changed after it was written")
            return ChainReport(checked, BrokenLink(entry.id, "hash mismatch", detail), previous)
        previous = entry.hash
    return ChainReport(checked, None, previous)


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole log in the order it was written, in bounded memory."""
    return chain_walk(AuditEntry.objects.chain_order().iterator(chunk_size=chunk_size))
