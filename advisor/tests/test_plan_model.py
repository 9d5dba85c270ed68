"""The advisor's model path only for people whose plan includes it (billing.services is the one gate); else, and
always with billing off, as configured."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor import engine
from billing.models import Plan, Subscription, SubscriptionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def paths(monkeypatch):
    used: list[str] = []
    monkeypatch.setattr(engine.mlcore, "llm_configured", lambda: True)
    monkeypatch.setattr(engine.model, "model_answer", lambda **kwargs: used.append("model") or "model answer")
    monkeypatch.setattr(engine, "template_answer", lambda **kwargs: used.append("written") or "written answer")
    return used


def ask(owner):
    return engine._model_or_template(user=owner, question="How much did I spend?",
                                     today=owner.financial_profile.local_today(), history=(), on_event=None)


def test_the_written_answer_until_the_plan_includes_the_model(owner, settings, paths):
    settings.BILLING_ENABLED = True
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 2, "groups": 1}
    assert ask(owner) == "written answer"
    plan = Plan.objects.create(name="Plus", slug="plus", price=Decimal("4.99"), features={"advisor_model": True})
    Subscription.objects.create(user=owner, plan=plan, status=SubscriptionStatus.ACTIVE)
    assert ask(owner) == "model answer"
    assert paths == ["written", "model"]


def test_with_billing_off_the_model_answers_everyone(owner, settings, paths):
    settings.BILLING_ENABLED = False
    settings.BILLING_FREE_FEATURES = {"advisor_model": False, "receipts_per_month": 0, "groups": 0}
    assert ask(owner) == "model answer"
