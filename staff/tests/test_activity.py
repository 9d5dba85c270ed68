from __future__ import annotations

import datetime as dt

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from core.models import JobRun, JobStatus
from staff.tests.seed import at

RANGE = "start=2026-11-01&end=2026-11-20"


def test_staff_see_what_a_person_did_and_the_jobs_run_for_them_without_their_names(client, staff_user, owner):
    audit_record(action=AuditAction.SIGN_IN, actor=owner, target=owner, now=at(dt.date(2026, 11, 3)))
    audit_record(action=AuditAction.BANK_IMPORT, actor=owner, target_type="transactions.importbatch",
                 target_id=1, target_label="salary-ZEBRAQUARTZ.csv",
                 changes={"created": 12, "account": "Narwhal savings"}, now=at(dt.date(2026, 11, 4)))
    JobRun.objects.create(name="forecast_refresh", status=JobStatus.FAILED, started_at=at(dt.date(2026, 11, 5)),
                          user_id=owner.pk, error="ZEBRAQUARTZ")
    JobRun.objects.create(name="forecast_refresh", status=JobStatus.OK, started_at=at(dt.date(2026, 11, 6)),
                          user_id=staff_user.pk)
    client.force_login(staff_user)
    page = client.get(f"/staff/users/{owner.pk}/activity/?{RANGE}").content.decode()
    assert "Signed in" in page
    assert "Imported 12 transactions" in page
    assert "Balance forecast updated: failed" in page
    assert "ZEBRAQUARTZ" not in page and "Narwhal" not in page
    assert page.index("Balance forecast") < page.index("Imported 12") < page.index("Signed in")  # newest first
    assert page.count("Balance forecast updated") == 1  # not the staff member's own job
    seen = AuditEntry.objects.get(action=AuditAction.STAFF_VIEW, actor=staff_user)
    assert seen.target_id == str(owner.pk)
    csv = b"".join(client.get(f"/staff/users/{owner.pk}/activity/?{RANGE}&csv=activity").streaming_content)
    assert b"Imported 12 transactions" in csv and b"ZEBRAQUARTZ" not in csv


def test_only_staff_see_someones_activity(client, owner, other_user):
    client.force_login(other_user)
    assert client.get(f"/staff/users/{owner.pk}/activity/").status_code == 302
    assert not AuditEntry.objects.filter(action=AuditAction.STAFF_VIEW).exists()


def test_a_person_sees_the_background_jobs_run_for_them_under_their_security_log(client, owner, other_user):
    JobRun.objects.create(name="monthly_letter", status=JobStatus.OK, started_at=at(dt.date(2026, 11, 1)),
                          user_id=owner.pk)
    JobRun.objects.create(name="goals_refresh", status=JobStatus.OK, started_at=at(dt.date(2026, 11, 1)),
                          user_id=other_user.pk)
    client.force_login(owner)
    page = client.get("/accounts/security-log/").content.decode()
    assert "Work Finsight did for you" in page
    assert "Monthly letter written" in page
    assert "Goals&#x27; plan recalculated" not in page and "Goals' plan" not in page


def test_the_users_page_finds_a_persons_activity_by_email(client, staff_user, owner):
    client.force_login(staff_user)
    assert "by their email address" in client.get("/staff/users/").content.decode()
    found = client.get("/staff/users/activity/?email=OWNER@example.com")
    assert found.status_code == 302 and found["Location"] == f"/staff/users/{owner.pk}/activity/"
    missing = client.get("/staff/users/activity/?email=nobody@example.com", follow=True)
    assert "No account has the address “nobody@example.com”." in missing.content.decode()
