"""Delivery channels. Each is a small class with ``send(notification)`` that raises TransportError on failure."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
from typing import Any

import apprise
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from notifications.models import Channel, Notification


class TransportError(Exception):
    """The channel could not deliver now; the delivery is retried later."""


class InAppTransport:
    """The notification row is the in-app copy; delivering it is writing it."""

    def send(self, notification: Notification) -> None:
        return None


def _with_dates(context: dict[str, Any]) -> dict[str, Any]:
    """Context is stored as JSON; ISO dates under keys ending in ``date`` come back as dates for |date."""
    restored = {}
    for key, value in context.items():
        if isinstance(value, str) and (key == "date" or key.endswith("_date")):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, list):
            value = [_with_dates(item) if isinstance(item, dict) else item for item in value]
        restored[key] = value
    return restored


def email_render(notification: Notification) -> tuple[str, str, str]:
    """(subject, text body, html body) from emails/<kind>-subject.txt, -body.txt and -body.html."""
    site_url = settings.SITE_URL.rstrip("/")
    context = {
        **_with_dates(notification.context),
        "notification": notification,
        "user": notification.user,
        "site_url": site_url,
        "link_url": f"{site_url}{notification.link}" if notification.link else site_url,
        "preferences_url": f"{site_url}/notifications/preferences/",
    }
    base = f"emails/{notification.kind}"
    subject = " ".join(render_to_string(f"{base}-subject.txt", context).split())
    return subject, render_to_string(f"{base}-body.txt", context), render_to_string(f"{base}-body.html", context)


class EmailTransport:
    def send(self, notification: Notification) -> None:
        subject, text, html = email_render(notification)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[notification.user.email])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError, socket.timeout) as error:
            raise TransportError(f"{type(error).__name__}: {error}") from error


def push_targets(urls: list[str]) -> apprise.Apprise:
    """The operator's push services (apprise URLs: ntfy://, an SMS gateway, ...); raises ValueError naming the
    scheme of one it does not know (never the whole URL: it may hold a token)."""
    targets = apprise.Apprise()
    for url in urls:
        if not targets.add(url):
            raise ValueError(f"PUSH_URLS has a URL of an unknown kind ({url.split('://', 1)[0]}://...).")
    return targets


class PushTransport:
    """A short push (title, one line, the link) to every URL in settings.PUSH_URLS."""

    def send(self, notification: Notification) -> None:
        if not settings.PUSH_URLS:
            raise TransportError("No push channel is configured (PUSH_URLS is empty).")
        try:
            targets = push_targets(settings.PUSH_URLS)
        except ValueError as error:
            raise TransportError(str(error)) from error
        site_url = settings.SITE_URL.rstrip("/")
        body = notification.body or notification.title
        if notification.link:
            body = f"{body}\n{site_url}{notification.link}"
        if not targets.notify(title=notification.title, body=body):
            raise TransportError("A push service could not be reached or refused the message.")


TRANSPORTS = {Channel.IN_APP: InAppTransport(), Channel.EMAIL: EmailTransport(), Channel.PUSH: PushTransport()}


def transport_for(channel: str) -> InAppTransport | EmailTransport | PushTransport:
    return TRANSPORTS[channel]
