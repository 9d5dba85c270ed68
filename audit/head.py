"""The chain's head kept outside the database: the last entry's id and hash, logged and mailed daily, and checked
against the log later (``verify_audit_log --head ID:HASH``).

The chain alone shows changes made by someone who did not recompute the hashes; someone who can write the database
can rewrite the whole chain, or drop its newest entries, and leave one that verifies. A head copied elsewhere every
day (a log host, a mailbox) catches both: the log must still hold that entry with that hash.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AuditEntry

# A dedicated logger, so that an operator can send it somewhere the database's users cannot rewrite.
head_log = structlog.get_logger("finsight.audit")

HEAD_FORMAT = re.compile(r"^(\d+):([0-9a-f]{64})$")


@dataclass(frozen=True)
class ChainHead:
    entry_id: int
    hash: str
    created_at: dt.datetime | None = None

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.hash}"


def audit_chain_head() -> ChainHead | None:
    """The newest entry of the log (the chain's end), or None when the log is empty."""
    last = AuditEntry.objects.order_by("-id").values("id", "hash", "created_at").first()
    if last is None:
        return None
    return ChainHead(last["id"], last["hash"], last["created_at"])


def chain_head_parse(text: str) -> ChainHead:
    """``ID:HASH`` as the daily job writes it; ValueError saying what is expected otherwise."""
    match = HEAD_FORMAT.match(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not ID:HASH (an entry id, a colon, and its 64-character hex hash), as the "
                         "daily audit_head job logs and mails it")
    return ChainHead(int(match[1]), match[2])


def chain_head_problem(head: ChainHead) -> str | None:
    """Why the log no longer agrees with a head kept elsewhere, or None when it still holds that entry with that
    hash. (That the entries after it still chain onto it is the walk's job: ``audit.chain.audit_chain_verify``.)"""
    stored = AuditEntry.objects.filter(pk=head.entry_id).values_list("hash", flat=True).first()
    if stored is None:
        newest = audit_chain_head()
        end = f"the log now ends at entry {newest.entry_id}" if newest else "the log is now empty"
        return (f"entry {head.entry_id} is not in the log ({end}): entries were removed from its end, or the log "
                "was rewritten")
    if stored != head.hash:
        return (f"entry {head.entry_id} now has the hash {stored}, not {head.hash} as kept: the log was rewritten "
                "from this entry or an earlier one, and the hashes recomputed")
    return None


def audit_head_publish(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """Write the chain's head to the ``finsight.audit`` log and mail it to AUDIT_HEAD_EMAIL (when set)."""
    now = now or timezone.now()
    head = audit_chain_head()
    head_log.info("audit_chain_head", entry_id=head.entry_id if head else None, hash=head.hash if head else "",
                  head=str(head) if head else "", at=now.isoformat())
    recipients = list(settings.AUDIT_HEAD_EMAIL)
    if recipients:
        context = {"head": head, "now": now, "site_url": settings.SITE_URL or ""}
        message = EmailMultiAlternatives(
            subject=render_to_string("emails/audit_head-subject.txt", context).strip(),
            body=render_to_string("emails/audit_head-body.txt", context), to=recipients)
        message.attach_alternative(render_to_string("emails/audit_head-body.html", context), "text/html")
        message.send()
    return {"entry_id": head.entry_id if head else None, "emailed": len(recipients)}
