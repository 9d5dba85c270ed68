"""Background learning: a user's own model is retrained shortly after they categorize, and nightly; the global
model is trained by a worker when it is missing, and then decides the transactions left waiting for it."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from accounts.models import User
from core.jobs import locked_job, users_fan_out
from core.outbox import outbox_enqueue
from transactions.models import Transaction

RETRAIN_DELAY_SECONDS = 30  # a burst of corrections leads to one retraining
# One lock for every job that may train the global model (this task and the schedule's): it is trained once.
CATEGORIZER_LOCK = "global-categorizer"
# While another worker trains the global model, come back after it: rows left waiting meanwhile are decided then.
CATEGORIZER_RETRY_SECONDS = 60


@db_task()
@locked_job("user_model_retrain", lock="user-model-{user_id}")
def user_model_retrain(user_id: int) -> dict[str, Any]:
    """Retrain the user's own categorizer if it is stale; another worker training it meanwhile drops this one."""
    from mlcore import global_categorizer, learning  # noqa: PLC0415 - scikit-learn: only the worker that trains loads it

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not learning.user_model_is_stale(user=user):
        return {"trained": False}
    if not global_categorizer.categorizer_ready():
        # The user's model learns from the global model's guesses; it is trained at night or after the next edit.
        categorizer_prepare_soon()
        return {"trained": False, "waiting": "global model"}
    model = learning.user_model_train(user=user)
    return {"trained": model is not None}


def user_model_retrain_soon(*, user_id: int) -> None:
    """After the current transaction commits, retrain the user's model a little later."""
    outbox_enqueue(user_model_retrain, user_id, delay=RETRAIN_DELAY_SECONDS)


def user_models_retrain_enqueue() -> int:
    """One retraining job per active user (each trains only a stale model); returns how many were queued."""
    return users_fan_out(user_model_retrain)


def on_category_chosen(sender: object, *, user: User, **kwargs: object) -> None:
    """A person filed transactions themselves (transactions.signals.category_chosen): learn from it soon."""
    user_model_retrain_soon(user_id=user.pk)


@db_task()
@locked_job("global_categorizer", lock=CATEGORIZER_LOCK, retry_when_locked=CATEGORIZER_RETRY_SECONDS)
def categorizer_prepare_task() -> dict[str, Any]:
    """Train the global model if it is missing, then decide every user's transactions left waiting for it."""
    from mlcore import learning  # noqa: PLC0415 - scikit-learn: only the worker that trains loads it

    return learning.categorizer_prepare()


def categorizer_prepare_soon() -> None:
    """Once the current transaction commits (so the worker sees the waiting rows), queue categorizer_prepare_task."""
    outbox_enqueue(categorizer_prepare_task)


def on_transactions_added(sender: object, *, user: User, ids: list[int] | None = None, **kwargs: object) -> None:
    """New transactions were committed (transactions.signals.transactions_added).

    The ones typed in or posted to the API (``ids``) are categorized here, before the response, in the one
    precedence and by inference only, so the page or the API shows the category with its confidence and reason;
    a category the person chose is kept. An import's rows were decided before their insert. Rows either left
    waiting for the global model are decided by a worker once it is there.
    """
    from mlcore import learning  # noqa: PLC0415 - scikit-learn, loaded by the first categorization

    if ids:
        learning.transactions_categorize(user=user, transactions=Transaction.objects.filter(pk__in=ids))
    if learning.waiting_exists(user=user):
        categorizer_prepare_soon()
