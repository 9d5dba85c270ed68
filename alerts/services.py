"""Recording what the anomaly detectors found, telling the person, and acting on their answer.

Scoring happens in mlcore (workers only); this module turns its Findings into Alert rows, one per transaction,
notifies by level (High: in the app, by email and the optional push channel; Medium: in the app; Low: listed
only), and records the person's verdict, which mlcore learns from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import structlog
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone

from accounts.models import User
from alerts import selectors
from alerts.models import Alert, AlertLevel, ProtectionScan
from core.money import money_text
from mlcore import services as mlcore
from mlcore.services import Finding, RiskLevel, Verdict
from notifications.models import NotificationKind, Severity
from notifications.services import notification_create
from transactions import services as ledger
from transactions.models import Transaction

log = structlog.get_logger(__name__)

# A user's first scan scores only this many days of history: an alert about a charge from last year is noise.
FIRST_SCAN_DAYS = 60
# The row marker shows only the levels that notify; a Low alert is listed on the alerts page, nothing more.
MARKED_LEVELS = (AlertLevel.HIGH, AlertLevel.MEDIUM)

NOT_MINE_ADVICE = ("If you do not recognise this charge, call your bank now to block the card and dispute it. "
                   "Finsight will watch similar charges more closely from now on.")
FINE_REPLY = "Thanks. Finsight has learned this pattern and will not alert you about it again."
DUPLICATE_REPLY = "Choose the charge to delete; the other one stays."
DUPLICATE_ALONE_REPLY = ("Finsight did not find the other charge of this duplicate. Delete this one if it was "
                         "recorded twice.")


def _level(value: str) -> str:
    if value not in (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW):
        raise ValueError(f"Unknown risk level {value!r}.")
    return value


def _charge_words(alert: Alert) -> str:
    return f"{money_text(abs(alert.amount), alert.currency)} at {alert.description}"


def _notify(*, user: User, alert: Alert) -> None:
    if alert.level == AlertLevel.LOW:
        return
    high = alert.level == AlertLevel.HIGH
    reasons = alert.sentences
    notification = notification_create(
        user=user,
        kind=NotificationKind.ANOMALY_HIGH if high else NotificationKind.ANOMALY_MEDIUM,
        severity=Severity.CRITICAL if high else Severity.WARNING,
        title=f"{'Was this you?' if high else 'Unusual charge:'} {_charge_words(alert)}"[:200],
        body="\n".join(reasons),
        link=f"/alerts/?transaction={alert.transaction_id}" if alert.transaction_id else "/alerts/",
        dedupe_key=f"anomaly:{alert.transaction_id}",
        context={"amount": str(abs(alert.amount)), "currency": alert.currency, "description": alert.description,
                 "date": alert.date.isoformat(), "level": alert.level, "reasons": reasons},
    )
    if notification is not None:
        Alert.objects.filter(pk=alert.pk).update(notification=notification)


def alerts_record(*, user: User, findings: Iterable[Finding]) -> list[Alert]:
    """Record one alert per flagged transaction of the user and notify by level; returns the alerts created.

    Idempotent: a transaction that already has an alert (whatever its status) gets no second one, and the
    notification is claimed by its dedupe key, so a rerun of the scan creates and sends nothing.
    """
    findings = [finding for finding in findings if finding.factors]
    charges = Transaction.objects.for_user(user).in_bulk([finding.transaction_id for finding in findings])
    taken = set(Alert.objects.for_user(user).filter(transaction_id__in=list(charges))
                .values_list("transaction_id", flat=True))
    created: list[Alert] = []
    for finding in findings:
        txn = charges.get(finding.transaction_id)
        if txn is None or txn.pk in taken:
            continue  # deleted since it was scored, not the user's, or already alerted
        taken.add(txn.pk)
        alert = Alert(
            user=user, transaction=txn, date=txn.date, amount=txn.amount, currency=txn.currency,
            description=(txn.merchant or txn.description)[:500], level=_level(finding.level),
            score=Decimal(str(round(min(max(finding.score, 0.0), 1.0), 3))), kind=finding.kind,
            factors=[{"detector": f.detector, "score": round(float(f.score), 3), "sentence": f.sentence}
                     for f in finding.factors],
            related_ids=[int(pk) for pk in finding.related_ids],
        )
        try:
            with db_transaction.atomic():
                alert.save()
                if alert.level in MARKED_LEVELS:
                    ledger.transactions_alert_mark(user=user, levels={txn.pk: alert.level})
                _notify(user=user, alert=alert)
        except IntegrityError:
            continue  # another worker recorded this transaction's alert a moment ago
        created.append(alert)
    if created:
        log.info("alerts_recorded", user_id=user.pk, created=len(created),
                 levels=sorted({alert.level for alert in created}))
    return created


def scan_pending(*, user: User, today: dt.date) -> tuple[list[int], list[int]]:
    """The user's transactions the scan has not looked at: (the ids to score, the ids too old to score).

    A row is pending until the scan marks it checked (``Transaction.checked_at``), whenever it was committed.
    Charges dated before FIRST_SCAN_DAYS are checked without scoring: an alert on last year's charge is noise.
    """
    since = today - dt.timedelta(days=FIRST_SCAN_DAYS)
    pending = Transaction.objects.for_user(user).filter(checked_at__isnull=True).order_by("pk")
    rows = list(pending.values_list("pk", "date"))
    return [pk for pk, on in rows if on >= since], [pk for pk, on in rows if on < since]


def protection_refresh(*, user: User, today: dt.date | None = None) -> dict[str, int]:
    """Workers only: refresh the user's patterns, score the transactions not checked yet, record the alerts."""
    today = today or user.financial_profile.local_today()
    unconfirmed = selectors.unconfirmed_transaction_ids(user=user)
    mlcore.patterns_refresh(user=user, today=today, unconfirmed_ids=unconfirmed)
    ids, too_old = scan_pending(user=user, today=today)
    findings = (mlcore.anomalies_detect(user=user, transaction_ids=ids, today=today, unconfirmed_ids=unconfirmed)
                if ids else [])
    created = alerts_record(user=user, findings=findings)
    now = timezone.now()
    ledger.transactions_checked_mark(user=user, ids=[*ids, *too_old], at=now)
    ProtectionScan.objects.update_or_create(user=user, defaults={
        "last_run_at": now, "last_scored": len(ids), "last_flagged": len(created)})
    return {"scored": len(ids), "flagged": len(findings), "alerts": len(created),
            "high": sum(a.level == AlertLevel.HIGH for a in created),
            "medium": sum(a.level == AlertLevel.MEDIUM for a in created)}


@dataclass(frozen=True)
class Decision:
    alert: Alert
    message: str
    # For "Duplicate" before a deletion: the charges of the pair still in the ledger, one to delete.
    duplicates: Sequence[Transaction] = ()


def duplicate_candidates(*, user: User, alert: Alert) -> list[Transaction]:
    """The charges of a duplicate pair still in the ledger: the alert's own and the related ones."""
    ids = [pk for pk in [alert.transaction_id, *alert.related_ids] if pk]
    return list(Transaction.objects.for_user(user).filter(pk__in=ids).select_related("account").order_by("date", "pk"))


@db_transaction.atomic
def alert_decide(*, user: User, alert: Alert, verdict: str, delete_transaction_id: int | None = None,
                 now: dt.datetime | None = None) -> Decision:
    """Record the person's answer to an alert and tell the detectors; returns what to say next.

    "fine" teaches the baseline (the same pattern does not alert again); "not_mine" answers with what to do
    and raises the risk of similar charges; "duplicate" offers the pair and, given ``delete_transaction_id``
    (one of the pair), deletes that charge through the ledger, the alert staying readable.
    """
    if alert.user_id != user.pk:
        raise Alert.DoesNotExist
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": [f"Choose one of: {', '.join(Verdict.values)}."]})
    candidates = duplicate_candidates(user=user, alert=alert) if verdict == Verdict.DUPLICATE else []
    if delete_transaction_id is not None:
        if verdict != Verdict.DUPLICATE:
            raise ValidationError({"delete_transaction": ["Only a duplicate's charge can be deleted here."]})
        if delete_transaction_id not in {txn.pk for txn in candidates}:
            raise ValidationError({"delete_transaction": ["Choose one of the two charges of this duplicate."]})
    if alert.transaction is not None and alert.status != verdict:  # the delete step of a duplicate is no new answer
        mlcore.anomaly_verdict_record(user=user, transaction=alert.transaction, verdict=verdict,
                                      detectors=alert.detectors)
        ledger.transactions_alert_mark(user=user, levels={alert.transaction.pk: ""})
    alert.status = verdict
    alert.decided_at = now or timezone.now()
    alert.save(update_fields=["status", "decided_at"])
    if verdict == Verdict.FINE:
        return Decision(alert=alert, message=FINE_REPLY)
    if verdict == Verdict.NOT_MINE:
        return Decision(alert=alert, message=NOT_MINE_ADVICE)
    if delete_transaction_id is None:
        return Decision(alert=alert, message=DUPLICATE_REPLY if len(candidates) > 1 else DUPLICATE_ALONE_REPLY,
                        duplicates=candidates)
    doomed = next(txn for txn in candidates if txn.pk == delete_transaction_id)
    words = f"{money_text(abs(doomed.amount), doomed.currency)} on {doomed.date:%-d %b %Y}"
    ledger.transaction_delete(user=user, txn=doomed)
    alert.refresh_from_db()
    return Decision(alert=alert, message=f"Deleted the duplicate charge of {words}.")

