"""What the privacy tests share: a person with settings of her own, and an export of someone's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from privacy.takeout import takeout_write


@pytest.fixture
def export_of(tmp_path):
    def export(user: User) -> Path:
        path = tmp_path / f"export-{user.pk}.zip"
        takeout_write(user=user, path=path)
        return path
    return export


@pytest.fixture
def alice(db):
    user = UserFactory(email="alice@example.com")
    user.financial_profile.preferred_currency = "EUR"
    user.financial_profile.timezone = "Europe/Berlin"
    user.financial_profile.save()
    return user
