"""The pending-deletion banner: every page of a person whose account is to be deleted says when, and links to the
page that cancels it; nobody else sees it, and it costs one query at most."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from privacy import deletion

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
PAGES = ["home", "transactions:list", "accounts:profile", "privacy:data"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def banner(html: str) -> str | None:
    found = re.search(r"<div[^>]*data-pending-deletion[^>]*>(.*?)</div>\s*</div>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else None


def test_every_page_of_a_person_with_a_pending_deletion_shows_when_and_links_to_cancel(client, owner):
    client.force_login(owner)  # before asking: signing in cancels a pending deletion
    deletion.deletion_request(user=owner, password=PASSWORD)
    for name in PAGES:
        html = client.get(reverse(name)).content.decode()
        assert banner(html) == "Your account will be deleted on 9 Mar 2026 . Cancel deletion", name
        assert f'href="{reverse("privacy:deletion")}"' in html
    assert reverse("privacy:deletion") == "/accounts/data/delete/"
    # The deletion page itself says it with its own button, not twice.
    page = client.get(reverse("privacy:deletion")).content.decode()
    assert banner(page) is None and "data-deletion-pending" in page


def test_no_banner_without_a_pending_deletion_nor_for_anyone_else(client, owner, other_user):
    client.force_login(owner)
    assert banner(client.get(reverse("home")).content.decode()) is None
    deletion.deletion_request(user=other_user, password=PASSWORD)
    for name in PAGES:
        assert banner(client.get(reverse(name)).content.decode()) is None, name
    client.logout()
    assert banner(client.get(reverse("accounts:login")).content.decode()) is None


def test_cancelling_removes_the_banner(client, owner):
    client.force_login(owner)  # before asking: signing in cancels a pending deletion
    deletion.deletion_request(user=owner, password=PASSWORD)
    client.post(reverse("privacy:deletion-cancel"))
    assert banner(client.get(reverse("home")).content.decode()) is None


@pytest.mark.parametrize("pending", [True, False])
def test_the_banner_reads_the_deletion_once_per_page(client, owner, pending):
    client.force_login(owner)
    if pending:
        deletion.deletion_request(user=owner, password=PASSWORD)
    table = "privacy_deletionrequest"
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("transactions:list"))
    assert sum(table in query["sql"] for query in queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/me/")  # no template, no read
    assert sum(table in query["sql"] for query in queries.captured_queries) == 0
