"""Writes for users and their profiles."""

from __future__ import annotations

from typing import Any

import structlog
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from accounts.avatars import avatar_process
from accounts.models import ROLE_GROUPS, FinancialProfile, Role, User

log = structlog.get_logger(__name__)

PROFILE_FIELDS = ("display_name",)
FINANCIAL_FIELDS = ("monthly_net_income", "savings_rate_target", "preferred_currency", "timezone")


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str = "") -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address already exists."}, code="unique")
    candidate = User(email=email, display_name=display_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    log.info("user_signed_up", user_id=user.pk)
    return user


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
def password_change(*, user: User, new_password: str) -> None:
    """Set a new password.

    Every web session of the user stops verifying (Django checks the session's password hash on each
    request) and every JWT stops verifying (CHECK_REVOKE_TOKEN); the caller re-keys its own session
    with ``update_session_auth_hash`` if it should stay logged in.
    """
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log.info("password_changed", user_id=user.pk)


@transaction.atomic
def role_grant(*, user: User, role: Role | str) -> User:
    role = Role(role)
    elevated = Group.objects.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*elevated)
    if role in ROLE_GROUPS:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    user.is_staff = role in (Role.STAFF, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    log.info("role_granted", user_id=user.pk, role=role.value)
    return user


def users_set_active(*, users: QuerySet[User], active: bool) -> int:
    return users.update(is_active=active)
