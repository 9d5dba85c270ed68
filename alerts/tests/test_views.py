"""The alerts page, its answers, the dashboard panel and the marker on the transaction row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import Alert, ProtectionScan
from alerts.selectors import alert_panel
from alerts.services import alert_decide
from alerts.tests.conftest import AMOUNT_SENTENCE, TIMING_SENTENCE, alert_for, charge
from mlcore.services import Factor, RiskLevel
from transactions.models import Transaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(client, owner):
    client.force_login(owner)
    return client


def test_signed_out_is_sent_to_log_in(client):
    response = client.get("/alerts/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_lists_alerts_with_reasons_the_transaction_and_when_it_last_checked(client_in, owner, account):
    txn = charge(account)
    alert_for(owner, txn)
    ProtectionScan.objects.create(user=owner, last_run_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    html = client_in.get("/alerts/").content.decode()
    assert AMOUNT_SENTENCE in html and TIMING_SENTENCE in html
    assert "REWE SAGT DANKE" in html and "EUR -400.00" in html
    assert reverse("transactions:detail", args=[txn.pk]) in html
    assert "High risk" in html and "This is fine" in html and "Not mine" in html and "Duplicate" in html
    assert "Checked 2\xa0hours ago" in html


def test_filters_by_level_status_and_transaction(client_in, owner, account, verdicts):
    high = alert_for(owner, charge(account, description="HIGH ONE"))
    low = alert_for(owner, charge(account, description="LOW ONE"), level=RiskLevel.LOW, score=0.2)
    alert_decide(user=owner, alert=low, verdict="fine")

    def shown(query: str) -> set[str]:
        html = client_in.get(f"/alerts/?{query}").content.decode()
        return {name for name in ("HIGH ONE", "LOW ONE") if name in html}

    assert shown("") == {"HIGH ONE", "LOW ONE"}
    assert shown("level=high") == {"HIGH ONE"}
    assert shown("status=fine") == {"LOW ONE"}
    assert shown("status=open&level=low") == set()
    assert shown(f"transaction={high.transaction_id}") == {"HIGH ONE"}
    assert client_in.get("/alerts/?level=bogus").status_code == 200  # a bad filter shows everything


def test_another_users_alerts_are_not_listed_and_their_pages_are_404(client_in, other_user, other_account):
    theirs = alert_for(other_user, charge(other_account, description="OSCARS CHARGE"))
    assert "OSCARS CHARGE" not in client_in.get("/alerts/").content.decode()
    assert client_in.get(f"/alerts/{theirs.pk}/").status_code == 404
    assert client_in.post(f"/alerts/{theirs.pk}/feedback/", {"verdict": "fine"}).status_code == 404
    assert Alert.objects.get().status == "open"


def test_query_count_is_the_same_for_5_and_50_alerts(client_in, owner, account):
    def count_for(n: int) -> int:
        Alert.objects.all().delete()
        for _ in range(n):
            alert_for(owner, charge(account))
        with CaptureQueriesContext(connection) as queries:
            assert client_in.get("/alerts/").status_code == 200
        return len(queries)

    assert count_for(5) == count_for(50)


def test_answers_without_javascript_and_with_htmx(client_in, owner, account, verdicts):
    alert = alert_for(owner, charge(account))
    response = client_in.post(f"/alerts/{alert.pk}/feedback/", {"verdict": "not_mine"})
    assert response.status_code == 200 and "call your bank now to block the card" in response.content.decode()
    other = alert_for(owner, charge(account))
    response = client_in.post(f"/alerts/{other.pk}/feedback/", {"verdict": "fine"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="alert-{other.pk}"' in html and "<html" not in html and "You said: This is fine" in html
    assert client_in.post(f"/alerts/{other.pk}/feedback/", {"verdict": "maybe"}).status_code == 400


def test_duplicate_shows_the_pair_and_a_confirm_that_deletes_one(client_in, owner, account, verdicts):
    first, second = charge(account, "-35.20", "NETFLIX"), charge(account, "-35.20", "NETFLIX")
    alert = alert_for(owner, second, related=[first], factors=(Factor("duplicate", 0.95, "Charged twice"),))
    html = client_in.post(f"/alerts/{alert.pk}/feedback/", {"verdict": "duplicate"}).content.decode()
    assert "Which charge should go?" in html and html.count("Delete this one") == 2
    assert Transaction.objects.count() == 2
    response = client_in.post(f"/alerts/{alert.pk}/feedback/", {"verdict": "duplicate",
                                                                "delete_transaction": first.pk})
    assert response.status_code == 200 and "Deleted the duplicate charge" in response.content.decode()
    assert list(Transaction.objects.values_list("pk", flat=True)) == [second.pk]


def test_dashboard_panel_counts_open_high_and_medium_and_shows_the_latest(client_in, owner, account):
    for n in range(4):
        alert_for(owner, charge(account, description=f"PANEL {n}"), level=RiskLevel.HIGH if n else RiskLevel.MEDIUM)
    alert_for(owner, charge(account, description="PANEL LOW"), level=RiskLevel.LOW)
    panel = alert_panel(user=owner)
    assert (panel.open_high, panel.open_medium, len(panel.latest)) == (3, 1, 3)
    assert [alert.description for alert in panel.latest] == ["PANEL 3", "PANEL 2", "PANEL 1"]
    html = client_in.get("/").content.decode()
    assert 'data-card="alerts"' in html and "3 high-risk" in html and "1 unusual" in html
    assert "PANEL 3" in html and "PANEL 0" not in html and "PANEL LOW" not in html
    assert AMOUNT_SENTENCE in html


def test_transaction_row_shows_a_marker_linking_to_its_alert(client_in, owner, account, verdicts):
    flagged, plain = charge(account, description="FLAGGED SHOP"), charge(account, description="PLAIN SHOP")
    alert = alert_for(owner, flagged)
    html = client_in.get("/transactions/").content.decode()
    assert f'href="/alerts/?transaction={flagged.pk}"' in html
    assert "High risk alert on this charge" in html
    assert f"/alerts/?transaction={plain.pk}" not in html
    alert_decide(user=owner, alert=alert, verdict="fine")
    assert f"/alerts/?transaction={flagged.pk}" not in client_in.get("/transactions/").content.decode()


def test_transaction_list_query_count_does_not_grow_with_markers(client_in, owner, account):
    def count() -> int:
        cache.clear()  # both visits count the ledger's totals afresh (they are kept under the ledger's version)
        with CaptureQueriesContext(connection) as queries:
            client_in.get("/transactions/")
        return len(queries)

    for _ in range(3):
        charge(account)
    before = count()
    for txn in Transaction.objects.all():
        alert_for(owner, txn)
    assert count() == before
