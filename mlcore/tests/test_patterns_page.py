"""/patterns/: what is normal for you, in words and small charts, read from the stored patterns only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from mlcore import patterns as patterns_module
from mlcore.models import SpendingPattern
from mlcore.patterns import patterns_store
from mlcore.tests.patterns_data import many_merchants, merchant, patterns

pytestmark = pytest.mark.django_db

URL = "/patterns/"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def text(response) -> str:
    """The page's words, tags and runs of white space taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" .", ".")


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def never_computes(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request computed patterns")

    monkeypatch.setattr(patterns_module, "patterns_compute", refuse)
    monkeypatch.setattr(patterns_module, "patterns_refresh", refuse)
    monkeypatch.setattr(patterns_module, "history_rows", refuse)


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_before_the_first_computation_the_page_explains_and_computes_nothing(signed_in, never_computes):
    response = signed_in.get(URL)
    assert response.status_code == 200
    words = text(response)
    assert "Your patterns are not ready yet" in words
    assert "each night and after every import" in words
    assert "data-empty" in response.content.decode()
    assert not SpendingPattern.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_page_says_what_is_usual_in_plain_words(signed_in, owner, never_computes):
    patterns_store(user=owner, patterns=patterns(), computed_at=NOW - dt.timedelta(hours=3))
    response = signed_in.get(URL)
    assert response.status_code == 200
    words = text(response)
    assert "Computed 3 hours ago" in words
    assert "Mon 2 Mar 2026, 06:30" in words or "Mon 2 Mar 2026" in words
    assert "Learned from 412 transactions between March 2025 and February 2026 (12 months)." in words
    # the overview
    assert "EUR 1,697.00" in words
    assert "in most months it is EUR 1,577.00 to 1,817.00." in words
    # income, and how steady it is
    assert "Your income from ACME GmbH arrives around the 25th, every month; the amount varies by 2%." in words
    assert "Steady" in words
    # per category: a usual month, its range, its share, how often
    assert "Food &amp; Drink &gt; Groceries" in words
    assert "Usually EUR 360.00 to 470.00 a month." in words
    assert "About 9 charges a month, usually EUR 41.80 each." in words
    assert "24% of spending" in words
    assert "56% of spending" in words  # rent
    assert "100% of income" in words
    # merchants: typical amount give or take, rhythm, days, recurring
    assert "Usually EUR 35.00, give or take EUR 4.50." in words
    assert "About 4 times a month, mostly on Saturdays." in words
    assert "Always EUR 950.00." in words
    assert "About once a month, around the 1st." in words
    assert words.count("Recurring") == 2  # the landlord and Netflix; the salary's payer is in the income card
    assert "ACME GmbH arrives" in words and 'data-merchant="acme"' not in response.content.decode()
    # the seasons and the currencies
    assert "You usually spend most in December (24% more than in an average month) and least in February " \
           "(15% less)." in words
    assert "Mostly in EUR (400 charges); also USD (12)." in words


@time_machine.travel(NOW, tick=False)
def test_small_charts_are_inline_svg_with_words_for_screen_readers(signed_in, owner):
    patterns_store(user=owner, patterns=patterns(), computed_at=NOW - dt.timedelta(days=2))
    html = signed_in.get(URL).content.decode()
    assert "Computed 2 days ago" in text(signed_in.get(URL))
    assert html.count("<polyline") == 4  # one sparkline per category
    assert 'aria-label="Monthly totals from Mar 2025 to Feb 2026: lowest EUR 360.00 in Jul 2025, highest ' \
           'EUR 470.00 in Sep 2025."' in html
    assert 'aria-label="Monthly totals from Mar 2025 to Feb 2026: EUR 950.00 every month."' in html
    assert '<rect class="fill-indigo-500" width="24%"' in html  # the groceries' share bar
    assert "<title>December: 24% above an average month</title>" in html
    assert "<title>Saturday: 14 charges</title>" in html
    assert "style=" not in html.split('id="content"')[1]  # the Content-Security-Policy forbids inline styles
    assert "<script>" not in html


def test_without_seasons_or_income_the_page_says_so_and_leaves_them_out(signed_in, owner):
    stored = patterns(seasonality=None)
    stored = type(stored)(**{**{f: getattr(stored, f) for f in stored.__slots__}, "income": None})
    patterns_store(user=owner, patterns=stored)
    response = signed_in.get(URL)
    words = text(response)
    assert "No regular income found in your history yet." in words
    assert "Through the year" not in words
    assert "Computed just now" in words


def test_only_the_top_merchants_are_listed_and_the_page_says_how_many_there_are(signed_in, owner):
    patterns_store(user=owner, patterns=patterns(merchants=many_merchants(40)))
    words = text(signed_in.get(URL))
    assert "Your 12 most frequent merchants of 40" in words
    assert "Shop number 11" in words and "Shop number 12" not in words


def test_another_users_patterns_never_show(client, owner, other_user, never_computes):
    patterns_store(user=owner, patterns=patterns(merchants=(merchant("secret", "Secret Jeweller"),)))
    client.force_login(other_user)
    response = client.get(URL)
    words = text(response)
    assert "Your patterns are not ready yet" in words
    assert "Secret Jeweller" not in words and "ACME" not in words and "1,697.00" not in words
    assert SpendingPattern.objects.filter(user=other_user).count() == 0


@pytest.mark.parametrize("merchants", [1, 200])
def test_the_page_reads_in_a_constant_number_of_queries(signed_in, owner, merchants, django_assert_num_queries):
    patterns_store(user=owner, patterns=patterns(merchants=many_merchants(merchants)))
    # the session, the user, their profile (every page's time zone), a pending deletion (the base template's
    # banner), then the stored patterns: one query of its own
    with django_assert_num_queries(5):
        assert signed_in.get(URL).status_code == 200


def test_the_insights_tabs_link_to_the_page_and_mark_it_current(signed_in, owner):
    patterns_store(user=owner, patterns=patterns(), computed_at=timezone.now())
    html = signed_in.get(URL).content.decode()
    assert re.search(r'href="/patterns/"[^>]*aria-current="page"[^>]*>Your patterns<', html)
    assert re.search(r'href="/insights/spending/"[^>]*aria-current="page"[^>]*>Insights<', html)  # the main nav
    assert 'href="/patterns/"' in signed_in.get("/insights/spending/").content.decode()
