"""Recording findings as alerts: once per transaction, notified by level."""

from __future__ import annotations

import pytest
from django.core import mail

from alerts import services
from alerts.models import Alert, AlertLevel
from alerts.tests.conftest import AMOUNT_SENTENCE, alert_for, charge, finding
from mlcore.services import RiskLevel
from notifications.models import Channel, DeliveryStatus, Notification, NotificationKind, Severity

pytestmark = pytest.mark.django_db


def test_high_alert_is_recorded_with_its_reasons_and_notified_in_app_and_by_email(owner, account):
    txn = charge(account)
    [alert] = services.alerts_record(user=owner, findings=[finding(txn)])
    assert (alert.level, alert.kind, alert.status, alert.transaction_id) == ("high", "amount", "open", txn.pk)
    assert alert.sentences[0] == AMOUNT_SENTENCE
    assert (alert.amount, alert.currency, alert.description, alert.date) == (txn.amount, "EUR", txn.description,
                                                                             txn.date)
    notification = Notification.objects.get(user=owner)
    assert notification.kind == NotificationKind.ANOMALY_HIGH and notification.severity == Severity.CRITICAL
    assert notification.dedupe_key == f"anomaly:{txn.pk}" and notification.in_app
    assert "EUR 400.00" in notification.title and AMOUNT_SENTENCE in notification.body
    channels = dict(notification.deliveries.values_list("channel", "status"))
    assert channels[Channel.IN_APP] == DeliveryStatus.SENT
    assert channels[Channel.EMAIL] == DeliveryStatus.PENDING  # the delivery task sends it after commit
    assert Channel.PUSH not in channels  # no push channel configured
    alert.refresh_from_db()
    assert alert.notification == notification
    txn.refresh_from_db()
    assert txn.alert_level == "high"


def test_high_alert_email_names_the_charge_and_the_reasons(owner, account, django_capture_on_commit_callbacks):
    txn = charge(account)
    with django_capture_on_commit_callbacks(execute=True):
        alert_for(owner, txn)
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "Was this you? EUR 400.00 at REWE SAGT DANKE" == message.subject
    assert AMOUNT_SENTENCE in message.body and f"/alerts/?transaction={txn.pk}" in message.body
    html = message.alternatives[0][0]
    assert "11.4× your usual" in html and "See the alert" in html


def test_medium_alert_is_in_app_only(owner, account):
    txn = charge(account)
    alert_for(owner, txn, level=RiskLevel.MEDIUM)
    notification = Notification.objects.get(user=owner)
    assert notification.kind == NotificationKind.ANOMALY_MEDIUM and notification.severity == Severity.WARNING
    assert list(notification.deliveries.values_list("channel", flat=True)) == [Channel.IN_APP]
    txn.refresh_from_db()
    assert txn.alert_level == "medium"


def test_low_alert_is_recorded_without_notification_or_marker(owner, account):
    txn = charge(account)
    alert = alert_for(owner, txn, level=RiskLevel.LOW, score=0.2)
    assert alert.level == AlertLevel.LOW and alert.notification is None
    assert not Notification.objects.exists()
    txn.refresh_from_db()
    assert txn.alert_level == ""


def test_recording_twice_creates_and_sends_nothing_new(owner, account):
    txn = charge(account)
    findings = [finding(txn)]
    assert len(services.alerts_record(user=owner, findings=findings)) == 1
    assert services.alerts_record(user=owner, findings=findings) == []
    assert Alert.objects.count() == 1 and Notification.objects.count() == 1


def test_an_answered_alert_is_not_created_again(owner, account, verdicts):
    txn = charge(account)
    alert = alert_for(owner, txn)
    services.alert_decide(user=owner, alert=alert, verdict="fine")
    assert services.alerts_record(user=owner, findings=[finding(txn)]) == []
    assert Alert.objects.get().status == "fine"


def test_another_users_transaction_or_a_deleted_one_gets_no_alert(owner, account, other_account):
    theirs = charge(other_account)
    gone = charge(account)
    gone_finding = finding(gone)
    gone.delete()
    assert services.alerts_record(user=owner, findings=[finding(theirs), gone_finding]) == []
    assert not Alert.objects.exists()


def test_user_who_turned_the_kind_off_gets_the_alert_listed_but_no_email(owner, account):
    from notifications.preferences import preferences_update

    preferences_update(user=owner, in_app_kinds=[], email_kinds=[], reminder_lead_days=3, weekly_digest=False)
    alert_for(owner, charge(account))
    assert Alert.objects.count() == 1
    notification = Notification.objects.get()
    assert not notification.in_app and not notification.deliveries.exists()
