from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alerts import services
from alerts.models import Alert
from mlcore.services import Factor, Finding, RiskLevel
from transactions.tests.factories import TransactionFactory

AMOUNT_SENTENCE = "EUR 400.00 at REWE, 11.4× your usual EUR 35.00"
TIMING_SENTENCE = "At 3 in the morning; you never shop at night"


def charge(account, amount: str = "-400.00", description: str = "REWE SAGT DANKE", on=dt.date(2026, 11, 18),
           **fields):
    return TransactionFactory(account=account, amount=Decimal(amount), description=description, date=on, **fields)


def finding(txn, level: str = RiskLevel.HIGH, score: float = 0.91, related=(), factors=None) -> Finding:
    return Finding(transaction_id=txn.pk, level=level, score=score, related_ids=tuple(r.pk for r in related),
                   factors=factors or (Factor("amount", 0.9, AMOUNT_SENTENCE), Factor("timing", 0.4, TIMING_SENTENCE)))


def alert_for(user, txn, level: str = RiskLevel.HIGH, **kwargs) -> Alert:
    return services.alerts_record(user=user, findings=[finding(txn, level, **kwargs)])[0]


@pytest.fixture
def verdicts(monkeypatch):
    """What alerts tells mlcore of each answer, watched on its way to the real mlcore (what mlcore learns from
    it is mlcore's own tests, and test_engine_end_to_end's)."""
    calls: list[dict] = []
    record = services.mlcore.anomaly_verdict_record

    def watched(**kwargs):
        calls.append(kwargs)
        record(**kwargs)

    monkeypatch.setattr(services.mlcore, "anomaly_verdict_record", watched)
    return calls
