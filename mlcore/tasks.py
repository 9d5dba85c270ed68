"""Background learning: a user's own model is retrained shortly after they categorize, and nightly."""

from __future__ import annotations

from django.db import transaction
from huey.contrib.djhuey import db_task, lock_task
from huey.exceptions import TaskLockedException

from accounts.models import User
from mlcore import learning

RETRAIN_DELAY_SECONDS = 30  # a burst of corrections leads to one retraining


@db_task()
def user_model_retrain(user_id: int) -> None:
    try:
        with lock_task(f"user-model-{user_id}"):
            user = User.objects.filter(pk=user_id, is_active=True).first()
            if user is not None and learning.user_model_is_stale(user=user):
                learning.user_model_train(user=user)
    except TaskLockedException:
        pass  # another worker is training this user's model right now


def user_model_retrain_soon(*, user_id: int) -> None:
    """After the current transaction commits, retrain the user's model a little later."""
    transaction.on_commit(lambda: user_model_retrain.schedule(args=(user_id,), delay=RETRAIN_DELAY_SECONDS))
