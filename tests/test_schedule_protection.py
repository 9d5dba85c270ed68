"""The nightly protection job (config.schedule) fans out one scan per active user."""

from __future__ import annotations

import pytest

from alerts.models import ProtectionScan
from config.schedule import nightly_protection

pytestmark = pytest.mark.django_db


def test_nightly_fan_out_scans_every_active_user(owner, other_user):
    # The detectors are mlcore's (and its tests'); here only that each user's scan runs.
    nightly_protection.call_local()
    assert ProtectionScan.objects.filter(user__in=[owner, other_user], last_run_at__isnull=False).count() == 2
