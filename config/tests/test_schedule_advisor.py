"""The nightly purge of the advisor's conversations, as the schedule runs it (advisor may not import config)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from advisor.models import Conversation
from config import schedule
from core.models import JobRun

pytestmark = pytest.mark.django_db


def test_the_nightly_job_purges_conversations_past_their_retention_once_a_night(owner):
    old = Conversation.objects.create(user=owner, title="100 days")
    recent = Conversation.objects.create(user=owner, title="10 days")
    Conversation.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=100))
    Conversation.objects.filter(pk=recent.pk).update(updated_at=timezone.now() - dt.timedelta(days=10))

    schedule.advisor_retention.call_local()
    schedule.advisor_retention.call_local()  # the hourly tick again: done for the night

    run = JobRun.objects.get(name="advisor_retention")
    assert run.outcome == {"conversations": 1}  # 90 days for someone who never chose
    assert list(Conversation.objects.all()) == [recent]
