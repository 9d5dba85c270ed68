"""Reads of a user's notifications. Every function takes ``user=``; another user's notification is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from notifications.models import Notification


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's inbox (in-app copies), newest first; ``unread`` True/False keeps only unread/read ones."""
    notifications = Notification.objects.for_user(user).in_inbox()
    if unread is True:
        notifications = notifications.unread()
    elif unread is False:
        notifications = notifications.filter(read_at__isnull=False)
    return notifications.order_by("-created_at", "-id")


def notification_get(*, user: User, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.for_user(user).in_inbox(), pk=pk)


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.for_user(user).in_inbox().unread().count()


def notification_safe_link(*, notification: Notification) -> str | None:
    """The notification's link when it is a path inside Finsight ("/bills/"), else None: never "//evil.example"."""
    link = notification.link.strip()
    if not link.startswith("/") or link.startswith("//") or "\\" in link or any(ord(c) < 32 for c in link):
        return None
    return link
