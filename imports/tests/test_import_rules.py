"""An import files its new rows by the user's rules before any model, and never by another user's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services as import_services
from transactions.models import ImportStatus, Transaction
from transactions.tests.factories import category
from transactions.tests.test_rules import make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def groceries():
    return category("food_drink.groceries")

def test_an_import_applies_the_users_rules_to_the_new_rows(owner, account, other_user, groceries):
    make_rule(owner, name="Supermarkets", match_value="rewe", set_category=groceries, add_tags=["food"])
    make_rule(other_user, name="Theirs", match_value="netflix", set_category=groceries)
    data = b"Date,Description,Amount\n2026-03-02,REWE SAGT DANKE 1234,-42.10\n2026-03-03,NETFLIX.COM,-15.99\n"
    batch = import_services.import_start(user=owner, account=account,
                                         upload=SimpleUploadedFile("export.csv", data))
    assert batch.status == ImportStatus.DONE, batch.errors
    rewe = Transaction.objects.get(description__startswith="REWE")
    assert (rewe.category, rewe.category_source, rewe.needs_review) == (groceries, "rule", False)
    assert [t.name for t in rewe.tags.all()] == ["food"]
    # Another user's rule never applies; the model files Netflix as it would for anyone.
    netflix = Transaction.objects.get(description="NETFLIX.COM")
    assert netflix.category_source != "rule"
    assert netflix.category != groceries
