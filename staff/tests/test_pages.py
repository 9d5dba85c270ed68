from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from staff.tests.seed import SECRETS, world

RANGE = "start=2026-09-01&end=2026-11-20"
PAGES = ["/staff/users/", "/staff/system/", "/staff/revenue/"]


@pytest.fixture(autouse=True)
def _billing_on(settings):
    settings.BILLING_ENABLED = True  # every page and table shows


def tables(response) -> dict[str, object]:
    return {table.key: table for table in response.context["tables"]}


def csv_of(client, page: str, key: str) -> list[list[str]]:
    response = client.get(f"{page}?{RANGE}&csv={key}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("page", PAGES)
def test_only_staff_see_the_pages_as_on_the_jobs_page(client, owner, page):
    assert client.get(page).status_code == 302  # to the admin's sign-in, nothing shown
    client.force_login(owner)
    response = client.get(page)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(f"{page}?csv=mrr").status_code == 302


def test_users_page_counts_signups_activity_and_cohorts(client, staff_user):
    world()
    client.force_login(staff_user)
    response = client.get(f"/staff/users/?{RANGE}")
    assert response.status_code == 200
    found = tables(response)
    daily = {row[0]: row[1:] for row in found["daily"].rows}
    assert daily["2026-09-03"] == [1, 1]  # Ada joined and signed in
    assert daily["2026-10-05"] == [0, 1]  # Ben created a transaction
    assert daily["2026-11-19"] == [1, 1]  # Cy joined; Ada signed in
    monthly = dict(found["monthly"].rows)
    assert monthly == {"2026-09": 1, "2026-10": 2, "2026-11": 1}
    cohorts = {row[0]: row for row in found["cohorts"].csv()[1]}
    assert cohorts["2026-09"][1:] == [1, 1, 1, 1]  # Ada: joined, active every month since
    assert cohorts["2026-10"][1:] == [1, 1, 0, ""]
    assert cohorts["2026-11"][1:] == [1, 0, "", ""]
    assert found["cohorts"].rows[0][2] == "100.0% (1)"
    cards = {card["label"]: card["value"] for card in response.context["cards"]}
    assert cards["Active in the last 30 days"] == 1  # Ada on 19 Nov; Ben's last sign of life was 5 Oct


def test_system_page_counts_imports_alerts_feedback_and_deliveries(client, staff_user):
    world()
    client.force_login(staff_user)
    found = tables(client.get(f"/staff/system/?{RANGE}"))
    assert {row[0]: row[1:] for row in found["imports"].rows}["2026-11-18"] == [2, 1, 12]
    assert {row[0]: row[1:] for row in found["alerts"].rows}["2026-11-18"] == [1, 0, 0]
    assert {row[0]: row[1:] for row in found["categorizer"].rows}["2026-11-17"] == [3, 1, "75.0%"]
    assert found["review"].rows[0] == ["1 to 9", 1, 1]
    answers = {row[0]: row[1:] for row in found["answers"].rows}
    assert answers["High risk"] == [0, 0, 1, 0]
    deliveries = {row[0]: row[1:] for row in found["deliveries"].rows}["2026-11-18"]
    assert deliveries == [1, 0, 1, 0, 0, 0]
    jobs = {row[0]: row[1:3] for row in found["jobs"].rows}
    assert jobs == {"=account_deletions": [1, 1], "bill_reminders": [1, 0]}


def test_every_table_downloads_as_formula_safe_csv(client, staff_user):
    world()
    client.force_login(staff_user)
    jobs = csv_of(client, "/staff/system/", "jobs")
    assert jobs[0] == ["job", "runs", "failures", "average_ms", "last_started"]
    assert jobs[1][0] == "'=account_deletions"  # a name a spreadsheet would run is text
    for page, response in ((page, client.get(f"{page}?{RANGE}")) for page in PAGES):
        for key in tables(response):
            rows = csv_of(client, page, key)
            assert rows and rows[0]
    assert client.get(f"/staff/users/?{RANGE}&csv=nothing").status_code == 404


def test_no_persons_money_or_words_reach_any_staff_page_or_csv(client, staff_user):
    world()
    client.force_login(staff_user)
    seen = []
    for page in PAGES:
        response = client.get(f"{page}?{RANGE}")
        seen.append(response.content.decode())
        for key in tables(response):
            seen.append(b"".join(client.get(f"{page}?{RANGE}&csv={key}").streaming_content).decode())
    everything = "\n".join(seen)
    for secret in SECRETS:
        assert secret not in everything, secret


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_number_of_people(client, staff_user, page):
    world()
    client.force_login(staff_user)
    client.get(f"{page}?{RANGE}")  # warm: sessions, content types
    with CaptureQueriesContext(connection) as few:
        client.get(f"{page}?{RANGE}")
    for n in range(15):
        UserFactory(email=f"more{n}@example.com")
    world_more = CaptureQueriesContext(connection)
    with world_more:
        client.get(f"{page}?{RANGE}")
    assert len(world_more.captured_queries) == len(few.captured_queries)


def test_a_range_the_wrong_way_round_shows_the_last_90_days_and_says_so(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/staff/users/?start=2026-11-20&end=2026-11-01")
    assert response.status_code == 200
    assert "The first day comes after the last." in response.content.decode()
    period = response.context["period"]
    assert (period.end - period.start).days == 89
