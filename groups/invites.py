"""Invitation emails. A registered user also gets an in-app notification; someone without an account gets the
email only, whose link leads through sign-up into the group."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from groups.models import Invite, InviteStatus
from notifications.models import NotificationKind
from notifications.services import notification_create


def invite_path(token: str) -> str:
    return f"/groups/invites/{token}/"


def invite_send(*, invite_id: int, token: str) -> None:
    """``token`` is the link's secret, passed on from invite_create: the database holds only its hash."""
    invite = Invite.objects.select_related("group", "invited_by").filter(pk=invite_id).first()
    if invite is None or invite.status != InviteStatus.PENDING:
        return
    inviter = invite.invited_by.get_short_name() if invite.invited_by else "Someone"
    expires = f"{timezone.localtime(invite.expires_at):%-d %b %Y}"
    user = User.objects.filter(email__iexact=invite.email, is_active=True).first()
    if user is not None:
        # In the app and, per their preferences, by email: the notification's own email carries the link.
        notification_create(
            user=user, kind=NotificationKind.GROUP_INVITE, title=f"{inviter} invited you to {invite.group.name}",
            body=f"Join “{invite.group.name}” to share expenses in {invite.group.currency}. "
                 f"The invitation works until {expires}.",
            link=invite_path(token), dedupe_key=f"group_invite:{invite.pk}",
            context={"group": invite.group.name, "inviter": inviter, "currency": invite.group.currency,
                     "expires": expires},
        )
        return
    context = {"group": invite.group.name, "inviter": inviter, "url": settings.SITE_URL.rstrip("/") + invite_path(token),
               "currency": invite.group.currency, "expires": expires}
    subject = " ".join(render_to_string("groups/emails/invite-subject.txt", context).split())
    message = EmailMultiAlternatives(subject=subject, body=render_to_string("groups/emails/invite-body.txt", context),
                                     to=[invite.email])
    message.attach_alternative(render_to_string("groups/emails/invite-body.html", context), "text/html")
    message.send()
