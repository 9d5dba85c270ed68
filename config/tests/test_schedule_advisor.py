"""The nightly purge of the advisor's conversations, as the schedule runs it (advisor may not import config)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from advisor.models import AdvisorSettings, Conversation, Retention
from advisor.selectors import advisor_settings_get
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


def test_the_servers_retention_applies_to_people_who_never_chose(owner, other_user, settings):
    settings.ADVISOR_RETENTION_DAYS = 30
    AdvisorSettings.objects.create(user=other_user, retention_days=Retention.YEAR)
    never_chose = Conversation.objects.create(user=owner, title="40 days, default")
    chose_a_year = Conversation.objects.create(user=other_user, title="40 days, a year chosen")
    Conversation.objects.filter(pk__in=[never_chose.pk, chose_a_year.pk]).update(
        updated_at=timezone.now() - dt.timedelta(days=40))

    schedule.advisor_retention.call_local()

    assert list(Conversation.objects.all()) == [chose_a_year]
    assert advisor_settings_get(user=owner).retention_days == 30  # what the settings page shows them
