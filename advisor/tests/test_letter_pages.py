"""Monthly letters on the pages and in the API (each person sees only their own), and the advisor's rate limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from advisor.models import MonthlyLetter

NOVEMBER = dt.date(2026, 11, 1)


def letter(user, month=NOVEMBER, **changes) -> MonthlyLetter:
    fields = {"subject": f"Your {month:%B %Y} in review", "went_well": "You saved EUR 400.00.\nFood stayed in budget.",
              "changed": "Shopping rose by EUR 120.00.", "suggestion": "Look at Shopping: EUR 320.00 last month.",
              "facts": [{"key": "savings_summary:last.savings", "label": "Saved in November 2026", "value": "400.00",
                         "text": "EUR 400.00", "kind": "money", "currency": "EUR", "period": "2026-11",
                         "link": "/insights/savings/"},
                        {"key": "x", "label": "Away", "value": "1", "text": "EUR 1.00", "kind": "money",
                         "currency": "EUR", "period": "", "link": "https://elsewhere.example/"}]}
    fields.update(changes)
    return MonthlyLetter.objects.create(user=user, month=month, **fields)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_the_letter_page_shows_each_part_and_its_figures(owner_client, owner):
    letter(owner)

    response = owner_client.get("/advisor/letters/2026-11/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your November 2026 in review" in html
    assert "<li>You saved EUR 400.00.</li>" in html and "<li>Food stayed in budget.</li>" in html
    assert "Shopping rose by EUR 120.00." in html and "Look at Shopping: EUR 320.00 last month." in html
    assert 'href="/insights/savings/">EUR 400.00</a>' in html
    assert "elsewhere.example" not in html  # figures link only within Finsight


def test_another_persons_letter_and_a_month_without_one_are_404(owner_client, other_user):
    letter(other_user)

    assert owner_client.get("/advisor/letters/2026-11/").status_code == 404
    assert owner_client.get("/advisor/letters/2026-13/").status_code == 404


def test_the_letters_list_and_the_coach_page_show_mine_only(owner_client, owner, other_user):
    letter(owner)
    letter(owner, dt.date(2026, 10, 1))
    letter(other_user, dt.date(2026, 9, 1), subject="Someone else's September")

    listing = owner_client.get(reverse("advisor:letters")).content.decode()
    coach = owner_client.get(reverse("advisor:coach")).content.decode()

    assert listing.index("Your November 2026 in review") < listing.index("Your October 2026 in review")
    assert "Someone else" not in listing
    assert "data-latest-letter" in coach and "Your November 2026 in review" in coach


def test_the_letters_page_without_letters_says_when_the_first_comes(owner_client):
    html = owner_client.get(reverse("advisor:letters")).content.decode()
    assert "No letters yet" in html


def test_letters_in_the_api(owner_api, other_api, owner):
    mine = letter(owner)

    listed = owner_api.get("/api/v1/advisor/letters/")
    one = owner_api.get(f"/api/v1/advisor/letters/{mine.pk}/")

    assert listed.status_code == 200 and listed.json()["count"] == 1
    body = one.json()
    assert body["month"] == "2026-11-01"
    assert body["went_well"] == ["You saved EUR 400.00.", "Food stayed in budget."]
    assert body["suggestion"] == "Look at Shopping: EUR 320.00 last month."
    assert body["facts"][0]["text"] == "EUR 400.00"
    assert other_api.get(f"/api/v1/advisor/letters/{mine.pk}/").status_code == 404
    assert other_api.get("/api/v1/advisor/letters/").json()["count"] == 0


def test_asking_too_fast_is_refused_with_when_to_ask_again(settings, owner_client, owner_api):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "advisor": "2/min"}}

    pages = [owner_client.post(reverse("advisor:coach"), {"question": "What can you do?"}) for _ in range(3)]
    api = [owner_api.post("/api/v1/advisor/ask/", {"question": "What can you do?"}, format="json") for _ in range(3)]

    assert [p.status_code for p in pages] == [302, 302, 429]
    assert "ask again in" in pages[-1].content.decode()
    assert [a.status_code for a in api[:2]] == [429, 429]  # one rate per person, pages and API together
    assert api[0].json()["code"] == "throttled" and "Retry-After" in api[0]
