"""Writes for users and their profiles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from accounts.avatars import avatar_process
from accounts.models import ROLE_GROUPS, FinancialProfile, RevokedTokenFamily, Role, SignupRequest, User
from accounts.tasks import email_send
from accounts.tokens import family_expiry
from audit.models import AuditAction
from audit.services import audit_record

log = structlog.get_logger(__name__)

PROFILE_FIELDS = ("display_name",)
FINANCIAL_FIELDS = ("monthly_net_income", "savings_rate_target", "preferred_currency", "timezone")


SIGNUP_LINK_LIFETIME = timedelta(hours=24)
SIGNUP_LINK_INVALID = "This sign-up link has expired or was already used. Log in, or sign up again for a new link."


def _email_send(*, template: str, to: str, context: dict[str, Any]) -> None:
    """Render ``accounts/emails/<template>-subject.txt``, ``-body.txt`` and ``-body.html`` and queue the email."""
    context = {**context, "site_url": str(settings.SITE_URL).rstrip("/")}
    subject = "".join(loader.render_to_string(f"accounts/emails/{template}-subject.txt", context).splitlines())
    body = loader.render_to_string(f"accounts/emails/{template}-body.txt", context)
    html = loader.render_to_string(f"accounts/emails/{template}-body.html", context)
    email_send(subject=subject, body=body, to=[to], html=html)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def signup_request(*, email: str, password: str, display_name: str = "", next_url: str = "") -> None:
    """Start a sign-up; the answer is the same whether or not the address has an account.

    A new address gets a link that creates the account (``signup_confirm``); an address that already has an
    account gets an email telling its owner that someone tried, with where to log in or reset the password.
    Both ways hash the password and send one email, so neither the answer nor its time tells them apart.
    """
    email = User.objects.normalize_email(email).lower()
    try:
        password_validation.validate_password(password, User(email=email, display_name=display_name))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    hashed = make_password(password)
    SignupRequest.objects.filter(created_at__lt=timezone.now() - SIGNUP_LINK_LIFETIME).delete()
    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        _email_send(template="signup_existing", to=owner.email, context={
            "user": owner, "login_path": reverse("accounts:login"),
            "reset_path": reverse("accounts:password_reset")})
        log.info("signup_for_existing_address", user_id=owner.pk)
        return
    token = secrets.token_urlsafe(32)
    SignupRequest.objects.create(email=email, display_name=display_name, password=hashed, next_url=next_url,
                                 token_hash=_token_hash(token))
    _email_send(template="signup_confirm", to=email, context={
        "display_name": display_name, "hours": int(SIGNUP_LINK_LIFETIME.total_seconds() // 3600),
        "confirm_path": reverse("accounts:signup_confirm", kwargs={"token": token})})
    log.info("signup_requested")


def signup_request_get(*, token: str) -> SignupRequest | None:
    """The sign-up waiting for this link, if the link is still good."""
    cutoff = timezone.now() - SIGNUP_LINK_LIFETIME
    return SignupRequest.objects.filter(token_hash=_token_hash(token), created_at__gte=cutoff).first()


@transaction.atomic
def signup_confirm(*, token: str) -> tuple[User, str]:
    """Create the account of the sign-up this link belongs to; returns it and where sign-up was going (``next``).

    The link works once; opening it removes every other sign-up waiting for the same address.
    """
    pending = signup_request_get(token=token)
    if pending is None:
        raise ValidationError(SIGNUP_LINK_INVALID, code="invalid_link")
    SignupRequest.objects.filter(email__iexact=pending.email).delete()
    if User.objects.filter(email__iexact=pending.email).exists():
        raise ValidationError(SIGNUP_LINK_INVALID, code="invalid_link")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=pending.email, password=None, display_name=pending.display_name)
    except IntegrityError:  # the same address confirmed by another link at this very moment
        raise ValidationError(SIGNUP_LINK_INVALID, code="invalid_link") from None
    user.password = pending.password
    user.save(update_fields=["password"])
    log.info("user_signed_up", user_id=user.pk)
    return user, pending.next_url


@transaction.atomic
def token_family_revoke(*, family: str, user_id: int | str | None, reason: str) -> None:
    """End a sign-in by token: its refresh and access tokens are refused from now on (``accounts.tokens``)."""
    RevokedTokenFamily.objects.filter(expires_at__lt=timezone.now()).delete()
    user = User.objects.filter(pk=user_id).first() if user_id else None
    _, created = RevokedTokenFamily.objects.get_or_create(
        family=family, defaults={"user": user, "reason": reason, "expires_at": family_expiry()})
    if created:
        log.info("token_family_revoked", user_id=user_id, reason=reason)
        by_owner = reason == RevokedTokenFamily.Reason.LOGOUT  # else Finsight ended it (a reused refresh token)
        audit_record(action=AuditAction.TOKEN_REVOKE, actor=user if by_owner else None, target=user,
                     changes={"reason": str(reason)})


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> User:
    """Update the profile and financial profile fields present in ``data``; validates like the model does."""
    profile = user.financial_profile
    user_changed = [f for f in PROFILE_FIELDS if f in data]
    profile_changed = [f for f in FINANCIAL_FIELDS if f in data]
    for field in user_changed:
        setattr(user, field, data[field])
    for field in profile_changed:
        setattr(profile, field, data[field])
    if user_changed:
        user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in user_changed])
        user.save(update_fields=user_changed)
    if profile_changed:
        profile.full_clean(exclude=[f.name for f in FinancialProfile._meta.fields if f.name not in profile_changed])
        profile.save(update_fields=[*profile_changed, "updated_at"])
    return user


@transaction.atomic
def avatar_set(*, user: User, upload: UploadedFile) -> User:
    image = avatar_process(upload)
    old_name = user.avatar.name if user.avatar else None
    user.avatar.save(image.name, image, save=False)
    user.save(update_fields=["avatar"])
    if old_name:
        transaction.on_commit(lambda: user.avatar.storage.delete(old_name))
    return user


@transaction.atomic
def avatar_remove(*, user: User) -> User:
    if user.avatar:
        old_name = user.avatar.name
        user.avatar = ""
        user.save(update_fields=["avatar"])
        transaction.on_commit(lambda: User._meta.get_field("avatar").storage.delete(old_name))
    return user


@transaction.atomic
def password_change(*, user: User, new_password: str, reset: bool = False) -> None:
    """Set a new password (``reset``: through an emailed reset link).

    Every web session of the user stops verifying (Django checks the session's password hash on each
    request) and every JWT stops verifying (CHECK_REVOKE_TOKEN); the caller re-keys its own session
    with ``update_session_auth_hash`` if it should stay logged in.
    """
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log.info("password_changed", user_id=user.pk)
    audit_record(action=AuditAction.PASSWORD_RESET if reset else AuditAction.PASSWORD_CHANGE, actor=user, target=user)


@transaction.atomic
def role_grant(*, user: User, role: Role | str, by: User | None = None) -> User:
    """Make ``user`` a user, staff or admin; ``by`` is who decided (None: an operator's command)."""
    role = Role(role)
    before = user.role
    elevated = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*elevated)
    if role in ROLE_GROUPS:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    user.is_staff = role in (Role.STAFF, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    log.info("role_granted", user_id=user.pk, role=role.value)
    audit_record(action=AuditAction.ROLE_CHANGE, actor=by, target=user,
                 changes={"role": [before.value, role.value]})
    return user


@transaction.atomic
def users_set_active(*, users: QuerySet[User], active: bool, by: User | None = None) -> int:
    """Activate or deactivate these users at once (an admin's bulk action); each gets an audit entry."""
    chosen = list(users.only("pk", "email"))
    count = User.objects.filter(pk__in=[u.pk for u in chosen]).update(is_active=active)
    for user in chosen:
        audit_record(action=AuditAction.ADMIN_BULK_ACTION, actor=by, target=user,
                     changes={"action": "activate" if active else "deactivate", "is_active": active})
    return count


ADMIN_ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


def user_admin_change_record(*, user: User, by: User, before: dict[str, Any], changed: list[str]) -> None:
    """Audit what staff changed on a user's record in the admin: the email address, and who the user is
    allowed to be (active, role, groups, permissions)."""
    if "email" in changed and before.get("email") != user.email:
        audit_record(action=AuditAction.EMAIL_CHANGE, actor=by, target=user,
                     changes={"email": [before.get("email"), user.email]})
    access = [name for name in ADMIN_ACCESS_FIELDS if name in changed]
    if access:
        audit_record(action=AuditAction.ROLE_CHANGE, actor=by, target=user,
                     changes={"fields": access, "role": [before.get("role"), user.role.value],
                              "is_active": user.is_active})
