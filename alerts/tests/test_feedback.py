"""Answering an alert: this is fine, not mine, duplicate (and deleting one charge of the pair)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from alerts import services
from alerts.models import Alert
from alerts.tests.conftest import alert_for, charge
from mlcore.services import Factor
from transactions.models import Transaction

pytestmark = pytest.mark.django_db

DUPLICATE = (Factor("duplicate", 0.95, "Same amount at REWE twice on 18 Nov"),)


def test_fine_records_the_answer_tells_the_detectors_and_clears_the_marker(owner, account, verdicts):
    txn = charge(account)
    alert = alert_for(owner, txn)
    decision = services.alert_decide(user=owner, alert=alert, verdict="fine")
    assert "will not alert you about it again" in decision.message
    alert.refresh_from_db()
    assert alert.status == "fine" and alert.decided_at is not None
    assert verdicts == [{"user": owner, "transaction": txn, "verdict": "fine", "detectors": ["amount", "timing"]}]
    txn.refresh_from_db()
    assert txn.alert_level == ""


def test_not_mine_answers_with_what_to_do(owner, account, verdicts):
    alert = alert_for(owner, charge(account))
    decision = services.alert_decide(user=owner, alert=alert, verdict="not_mine")
    assert "call your bank" in decision.message and "block the card" in decision.message
    assert Alert.objects.get().status == "not_mine"
    assert verdicts[0]["verdict"] == "not_mine"


def test_duplicate_offers_the_pair_then_deletes_the_chosen_charge_and_the_alert_stays_readable(owner, account,
                                                                                              verdicts):
    first = charge(account, "-35.20")
    second = charge(account, "-35.20")
    alert = alert_for(owner, second, related=[first], factors=DUPLICATE)
    decision = services.alert_decide(user=owner, alert=alert, verdict="duplicate")
    assert {txn.pk for txn in decision.duplicates} == {first.pk, second.pk}
    assert Transaction.objects.count() == 2  # nothing deleted before the person chooses

    decision = services.alert_decide(user=owner, alert=alert, verdict="duplicate", delete_transaction_id=second.pk)
    assert "Deleted the duplicate charge of EUR 35.20" in decision.message
    assert list(Transaction.objects.values_list("pk", flat=True)) == [first.pk]
    alert = Alert.objects.get()
    assert alert.transaction is None and alert.status == "duplicate"
    assert (str(alert.amount), alert.description) == ("-35.20", "REWE SAGT DANKE")  # the snapshot
    assert len(verdicts) == 1  # the delete step is not a second answer


def test_duplicate_delete_refuses_a_charge_outside_the_pair(owner, account, other_account, verdicts):
    first, second, unrelated = charge(account), charge(account), charge(account)
    theirs = charge(other_account)
    alert = alert_for(owner, second, related=[first], factors=DUPLICATE)
    for pk in (unrelated.pk, theirs.pk):
        with pytest.raises(ValidationError) as error:
            services.alert_decide(user=owner, alert=alert, verdict="duplicate", delete_transaction_id=pk)
        assert "delete_transaction" in error.value.message_dict
    assert Transaction.objects.count() == 4


def test_a_bad_verdict_or_someone_elses_alert_is_refused(owner, other_user, account, verdicts):
    alert = alert_for(owner, charge(account))
    with pytest.raises(ValidationError):
        services.alert_decide(user=owner, alert=alert, verdict="maybe")
    with pytest.raises(Alert.DoesNotExist):
        services.alert_decide(user=other_user, alert=alert, verdict="fine")
    with pytest.raises(ValidationError):
        services.alert_decide(user=owner, alert=alert, verdict="fine", delete_transaction_id=alert.transaction_id)
    assert Alert.objects.get().status == "open" and verdicts == []
