"""The daily audit_head job: the audit log's head (last entry id and hash) to the finsight.audit logger and, when
AUDIT_HEAD_EMAIL is set, to those addresses; once a day."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail

from audit.models import AuditAction
from audit.services import audit_record
from config import schedule
from core.models import JobRun

pytestmark = pytest.mark.django_db

AFTER_MIDNIGHT = dt.datetime(2026, 11, 21, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def three_entries(owner):
    return [audit_record(action=AuditAction.SIGN_IN, actor=owner, target=owner),
            audit_record(action=AuditAction.PASSWORD_CHANGE, actor=owner, target=owner),
            audit_record(action=AuditAction.SIGN_OUT, actor=owner, target=owner)]


def head_events(caplog) -> list[dict]:
    return [record.msg for record in caplog.records
            if record.name == "finsight.audit" and isinstance(record.msg, dict)
            and record.msg.get("event") == "audit_chain_head"]


def test_the_daily_job_logs_the_head_and_mails_it_once_a_day(three_entries, settings, caplog):
    settings.AUDIT_HEAD_EMAIL = ["security@example.com", "auditor@example.org"]
    caplog.set_level(logging.INFO, logger="finsight.audit")
    last = three_entries[-1]
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        schedule.audit_head.call_local()
        schedule.audit_head.call_local()  # the hourly re-check, or a second consumer: nothing more
    [event] = head_events(caplog)
    assert (event["entry_id"], event["hash"], event["head"]) == (last.pk, last.hash, f"{last.pk}:{last.hash}")

    [message] = mail.outbox
    assert message.to == ["security@example.com", "auditor@example.org"]
    assert message.subject == f"Finsight audit log head {last.pk}, 2026-11-21"
    assert f"verify_audit_log --head {last.pk}:{last.hash}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f"{last.pk}:{last.hash}" in html
    [run] = JobRun.objects.filter(name="audit_head")
    assert run.outcome == {"entry_id": last.pk, "emailed": 2}


def test_without_addresses_the_head_is_only_logged(three_entries, settings, caplog):
    settings.AUDIT_HEAD_EMAIL = []
    caplog.set_level(logging.INFO, logger="finsight.audit")
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        schedule.audit_head.call_local()
    assert head_events(caplog)[0]["entry_id"] == three_entries[-1].pk
    assert mail.outbox == []


def test_an_empty_log_is_reported_as_empty(settings, caplog):
    settings.AUDIT_HEAD_EMAIL = ["security@example.com"]
    caplog.set_level(logging.INFO, logger="finsight.audit")
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        schedule.audit_head.call_local()
    assert head_events(caplog)[0]["entry_id"] is None
    assert "The audit log is empty." in mail.outbox[0].body
