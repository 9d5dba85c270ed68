from __future__ import annotations

import datetime as dt

from huey.contrib.djhuey import db_task

from core.rls import row_security_owner
from notifications.delivery import delivery_send
from notifications.models import Delivery


@db_task()
def delivery_send_task(delivery_id: int) -> None:
    """Send one email delivery; its own backoff reschedules it after an SMTP error."""
    with row_security_owner(Delivery, delivery_id, owner="notification__user"):
        delivery_send_and_reschedule(delivery_id=delivery_id)


def delivery_send_and_reschedule(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery; when it failed and may be tried again, queue that attempt for its retry time."""
    return delivery_send(delivery_id=delivery_id, now=now,
                         on_retry=lambda at: delivery_send_task.schedule(args=(delivery_id,), eta=at))
