"""No global model yet (a fresh install, or one an upgrade cannot read): no request trains it or waits for it.

Imports and new transactions are filed by rules and history; the rest waits, marked, and a worker trains the
model once (one lock for every worker) and then decides every user's waiting rows.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from huey.contrib.djhuey import HUEY

from core.models import JobRun
from mlcore import learning, tasks
from mlcore.tests.fixtures import PREPARE_TASK
from transactions import services
from transactions.models import Transaction
from transactions.tests.test_rules import make_rule


def prepare() -> None:
    """A worker running the queued job (Huey runs tasks inline in tests)."""
    PREPARE_TASK()


@pytest.mark.usefixtures("committed_db")
def test_posting_a_transaction_neither_trains_nor_waits_and_a_worker_decides_it_later(no_model, owner_api,
                                                                                        account):
    response = owner_api.post("/api/v1/transactions/", {"account": account.pk, "date": "2026-03-02",
                                                       "amount": "-42.10", "description": "REWE SAGT DANKE 1234"},
                              format="json")

    assert response.status_code == 201
    assert no_model.trained == []  # nothing trained in the request
    assert (response.json()["category"], response.json()["needs_review"]) == (None, True)
    txn = Transaction.objects.get(pk=response.json()["id"])
    assert (txn.category_source, txn.category_explanation, txn.category_confidence) == ("", learning.WAITING, None)
    assert no_model.queued == ["categorizer_prepare"]

    prepare()

    outcome = JobRun.objects.get(name="global_categorizer").outcome
    assert len(no_model.trained) == 1 and outcome == {**outcome, "trained": True, "users": 1, "transactions": 1}
    txn.refresh_from_db()
    assert txn.category_explanation not in ("", learning.WAITING)
    assert txn.category is not None or txn.suggested_category is not None
    assert txn.category_confidence is not None


@pytest.mark.django_db
def test_an_import_files_by_rules_and_history_and_the_rest_waits_for_the_worker(
        no_model, owner, owner_api, account, django_capture_on_commit_callbacks):
    streaming = services.category_create(user=owner, name="Streaming")
    make_rule(owner, name="Netflix", match_value="netflix", set_category=streaming)
    discounter = services.category_create(user=owner, name="Discounter")
    services.transaction_create(user=owner, account=account, on=account.opening_date, amount=Decimal("-9.99"),
                                description="ALDI SUED", category=discounter)
    data = (b"Date,Description,Amount\n2026-03-02,REWE SAGT DANKE 1234,-42.10\n2026-03-03,NETFLIX.COM,-15.99\n"
            b"2026-03-04,ALDI SUED,-23.45\n")

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/v1/imports/", {"account": account.pk,
                                                       "file": SimpleUploadedFile("export.csv", data)},
                                  format="multipart")

    assert response.status_code == 201, response.json()
    assert no_model.trained == []
    rows = {t.description: t for t in Transaction.objects.filter(owner=owner, import_batch__isnull=False)}
    assert (rows["NETFLIX.COM"].category, rows["NETFLIX.COM"].category_source) == (streaming, "rule")
    assert (rows["ALDI SUED"].category, rows["ALDI SUED"].category_source) == (discounter, "model")
    rewe = rows["REWE SAGT DANKE 1234"]
    assert (rewe.category, rewe.needs_review, rewe.category_explanation) == (None, True, learning.WAITING)
    assert no_model.queued == ["categorizer_prepare"]

    prepare()

    rewe.refresh_from_db()
    assert rewe.category_explanation != learning.WAITING and len(no_model.trained) == 1
    assert not learning.waiting_exists(user=owner)


@pytest.mark.django_db
def test_two_workers_never_train_twice_and_a_second_run_is_quick(no_model, owner, account):
    waiting = services.transaction_create(user=owner, account=account, on=account.opening_date,
                                          amount=Decimal("-5"), description="SHELL 1234")
    learning.transactions_categorize(user=owner, transactions=Transaction.objects.filter(pk=waiting.pk))
    assert learning.waiting_exists(user=owner)

    with HUEY.lock_task(tasks.CATEGORIZER_LOCK):  # another worker is training it
        prepare()
    assert no_model.trained == [] and learning.waiting_exists(user=owner)

    prepare()
    prepare()

    assert len(no_model.trained) == 1
    assert not learning.waiting_exists(user=owner)
    runs = list(JobRun.objects.filter(name="global_categorizer").order_by("pk").values_list("outcome", flat=True))
    assert [run["trained"] for run in runs] == [True, False]


@pytest.mark.django_db
def test_a_users_own_model_waits_for_the_global_model(no_model, owner, account, django_capture_on_commit_callbacks):
    own = [services.category_create(user=owner, name=name) for name in ("Hobby", "Pets")]
    for n in range(6):
        services.transaction_create(user=owner, account=account, on=account.opening_date, amount=Decimal("-5"),
                                    description=f"SHOP {n}", category=own[n % 2])

    with django_capture_on_commit_callbacks(execute=True):
        tasks.user_model_retrain.call_local(owner.pk)

    assert no_model.trained == [] and no_model.queued == ["categorizer_prepare"]
    assert JobRun.objects.get(name="user_model_retrain").outcome == {"trained": False, "waiting": "global model"}
