"""The schedule's global categorizer job: trains the model when a consumer finds it missing, then decides the
transactions left waiting for it; quick when all is there."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config import schedule
from core.models import JobRun
from mlcore.tests.fixtures import no_model  # noqa: F401 - a fixture
from transactions import services
from transactions.models import Transaction

pytestmark = pytest.mark.django_db

WAITING = "Waiting for the categorizer"


def test_the_job_trains_a_missing_model_once_and_decides_every_users_waiting_rows(no_model, owner, account,  # noqa: F811
                                                                                  other_user, other_account):
    mine = services.transaction_create(user=owner, account=account, on=account.opening_date, amount=Decimal("-5"),
                                       description="SHELL 1234")
    theirs = services.transaction_create(user=other_user, account=other_account, on=other_account.opening_date,
                                         amount=Decimal("-5"), description="REWE SAGT DANKE 1")
    Transaction.objects.filter(pk__in=[mine.pk, theirs.pk]).update(category_explanation=WAITING)

    schedule.global_categorizer.call_local()
    schedule.global_categorizer.call_local()

    assert len(no_model.trained) == 1
    assert not Transaction.objects.filter(category_explanation=WAITING).exists()
    outcomes = list(JobRun.objects.filter(name="global_categorizer").order_by("pk").values_list("outcome", flat=True))
    assert [(o["trained"], o["users"], o["transactions"]) for o in outcomes] == [(True, 2, 2), (False, 0, 0)]
