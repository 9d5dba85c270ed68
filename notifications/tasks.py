from __future__ import annotations

from huey.contrib.djhuey import db_task

from notifications import services


@db_task()
def delivery_send_task(delivery_id: int) -> None:
    """Send one email delivery; its own backoff reschedules it after an SMTP error."""
    services.delivery_send(delivery_id=delivery_id)
