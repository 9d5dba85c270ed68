"""Shared fixtures: an owner, another user and a staff user, plus API clients for them."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import role_grant
from accounts.tests.factories import PASSWORD, UserFactory
from core.rls import row_security_operator_process
from transactions.tests.factories import AccountFactory

# Row-level security (on PostgreSQL with DATABASE_ROW_SECURITY): the tests' own code is the operator, seeing every
# row as the connecting role; each request and task it runs sees only its person's rows through the app role.
row_security_operator_process()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache (Redis in CI); never let one test's requests count in another's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed_db(transactional_db):
    """Real commits (on_commit hooks run as in production). Such a test empties the tables afterwards, the
    migration's standard categories with them, so they are put back first."""
    from transactions.models import Category
    from transactions.taxonomy import taxonomy_sync

    taxonomy_sync(Category)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com", display_name="Olivia Owner")


@pytest.fixture
def other_user(db):
    return UserFactory(email="other@example.com", display_name="Oscar Other")


def role_groups_ensure() -> None:
    """The Staff and Admin groups come from a data migration; a test with real commits empties the tables
    after itself, so later tests put them back as the migration makes them."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="Staff").exists():
        importlib.import_module("accounts.migrations.0002_role_groups").create_role_groups(apps, None)


@pytest.fixture
def staff_user(db):
    role_groups_ensure()
    return role_grant(user=UserFactory(email="staff@example.com", display_name="Stella Staff"), role=Role.STAFF)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def _token_client(user) -> APIClient:
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def owner_api(owner) -> APIClient:
    return _token_client(owner)


@pytest.fixture
def other_api(other_user) -> APIClient:
    return _token_client(other_user)


@pytest.fixture
def account(owner):
    return AccountFactory(owner=owner, name="Main checking", currency="EUR", opening_balance=Decimal("1000.00"),
                          opening_date=date(2026, 1, 1))


@pytest.fixture
def other_account(other_user):
    return AccountFactory(owner=other_user, name="Oscar's checking", currency="EUR")
