"""Background learning: a user's own model is retrained shortly after they categorize, and nightly."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from huey.contrib.djhuey import db_task

from accounts.models import User
from core.jobs import locked_job, users_fan_out

RETRAIN_DELAY_SECONDS = 30  # a burst of corrections leads to one retraining


@db_task()
@locked_job("user_model_retrain", lock="user-model-{user_id}")
def user_model_retrain(user_id: int) -> dict[str, Any]:
    """Retrain the user's own categorizer if it is stale; another worker training it meanwhile drops this one."""
    from mlcore import learning  # noqa: PLC0415 - scikit-learn: only the worker that trains loads it

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not learning.user_model_is_stale(user=user):
        return {"trained": False}
    model = learning.user_model_train(user=user)
    return {"trained": model is not None}


def user_model_retrain_soon(*, user_id: int) -> None:
    """After the current transaction commits, retrain the user's model a little later."""
    transaction.on_commit(lambda: user_model_retrain.schedule(args=(user_id,), delay=RETRAIN_DELAY_SECONDS))


def user_models_retrain_enqueue() -> int:
    """One retraining job per active user (each trains only a stale model); returns how many were queued."""
    return users_fan_out(user_model_retrain)


def on_category_chosen(sender: object, *, user: User, **kwargs: object) -> None:
    """A person filed transactions themselves (transactions.signals.category_chosen): learn from it soon."""
    user_model_retrain_soon(user_id=user.pk)
