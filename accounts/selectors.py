"""Reads of users and profiles."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User


def user_get_with_profile(*, user_id: int) -> User:
    return User.objects.select_related("financial_profile").get(pk=user_id)


def user_list(*, role: Role | str | None = None) -> QuerySet[User]:
    users = User.objects.all()
    if role == Role.ADMIN:
        users = users.filter(is_superuser=True)
    elif role == Role.STAFF:
        users = users.filter(is_staff=True, is_superuser=False)
    elif role == Role.USER:
        users = users.filter(is_staff=False, is_superuser=False)
    return users
