from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import task


@task(retries=5, retry_delay=30)
def email_send(*, subject: str, body: str, to: list[str], html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()

