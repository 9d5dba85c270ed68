"""The goals pages, the what-if and the readiness page: what a person sees, their forms' errors, isolation and the
list's query count. The plan and readiness are stored by the real worker refresh (goals_refresh), never faked."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.months import month_add
from goals import readiness
from goals.models import Contribution, Goal, GoalAccount, GoalPlan, ReadinessReport, RiskProfile
from goals.tests.conftest import SAFE, goal, worked_out
from transactions.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def form_data(**changes) -> dict:
    data = {"name": "Trip", "kind": "short_term", "target_amount": "2400", "target_date": "", "priority": "2",
            "emergency_months": "3", "starting_amount": ""}
    data.update(changes)
    return data


# ---- the list --------------------------------------------------------------------------------------------------

def test_signed_out_is_sent_to_log_in(client):
    for path in ("/goals/", "/goals/new/", "/goals/what-if/", "/readiness/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_without_goals_the_page_explains_them_and_offers_an_emergency_fund(owner_client):
    html = page(owner_client, "/goals/")
    assert "Save toward what matters to you" in html
    assert 'href="/goals/new/?kind=emergency"' in html and "Start an emergency fund" in html
    assert 'href="/goals/new/"' in html
    assert 'href="/goals/"' in page(owner_client, "/transactions/")  # the main navigation leads here


def test_the_list_shows_the_safe_saving_the_reason_and_each_goals_plan(owner_client, owner, ledger, savings,
                                                                       month, today):
    fund = goal(owner, "Emergency fund", "emergency", accounts=((savings.pk, 100),))
    trip = goal(owner, "Lisbon trip", target_amount=Decimal("2800"), target_date=month_add(month, 3) + dt.timedelta(days=9))
    worked_out(owner)
    # Worked out three hours ago, after the goals were last changed.
    Goal.objects.filter(user=owner).update(updated_at=timezone.now() - dt.timedelta(hours=4))
    GoalPlan.objects.filter(user=owner).update(computed_at=timezone.now() - dt.timedelta(hours=3))
    html = page(owner_client, "/goals/")

    assert "You can safely save" in html and "EUR 1,400.00" in html and "next month" in html
    # No forecast stored: the last three months' average income minus spending; nothing kept back (steady months).
    assert "last three months&#x27; average income of EUR 3,000.00 minus spending and bills of EUR 1,600.00" in html
    assert "Plan worked out" in html and "3\xa0hours ago" in html
    assert "Updating with your latest changes" not in html
    # The emergency fund is three months of rent and groceries, covered by the linked savings.
    assert f'data-goal="{fund.pk}"' in html and "EUR 5,000.00" in html and "EUR 4,200.00" in html
    # The trip: its date needs 700 a month (2,800 over four months); with the fund reached it takes all 1,400
    # and is reached a month after this one, certain with steady months.
    assert f'data-goal="{trip.pk}"' in html and "EUR 2,800.00" in html
    assert "EUR 1,400.00</span> a month" in html
    assert f"Reached by {month_add(month, 1):%B %Y}" in html and "Next month" in html
    assert f"100% chance by {trip.target_date:%B %Y}" in html
    assert "On track" in html and "Off track" not in html
    assert 'href="/goals/what-if/"' in html and 'href="/readiness/"' in html


def test_an_off_track_goal_says_what_its_date_needs_and_when_the_plan_makes_it(owner_client, owner, ledger, month):
    car = goal(owner, "Car", target_amount=Decimal("30000"), target_date=month_add(month, 5) + dt.timedelta(days=14))
    worked_out(owner)
    html = page(owner_client, "/goals/")
    # 30,000 over the six months to its date is 5,000 a month; at 1,400 a month it takes 22 months.
    makes = month_add(month, 21)
    assert (f"Needs EUR 5,000.00 a month to make {car.target_date:%B %Y}; at the plan&#x27;s pace it makes "
            f"{makes:%B %Y}.") in html
    assert "Off track" in html and f"0% chance by {car.target_date:%B %Y}" in html
    assert f"Reached by {makes:%B %Y}" in html and "In 21 months" in html


def test_a_goal_waiting_behind_the_emergency_fund_says_so(owner_client, owner, ledger, month):
    goal(owner, "Emergency fund", "emergency", priority=1)
    bike = goal(owner, "Bike", target_amount=Decimal("1000"), priority=3)
    worked_out(owner)
    html = page(owner_client, f"/goals/{bike.pk}/")
    assert "Waits its turn" in html and "Goals ahead of it come first." in html
    # 4,200 for the fund at 1,400 a month: three months, then the bike.
    assert f"Reached by {month_add(month, 3):%B %Y}" in html


def test_a_change_after_the_plan_shows_updating_until_the_worker_counts_it(owner_client, owner, ledger):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    worked_out(owner)
    assert "Updating with your latest changes" not in page(owner_client, "/goals/")
    assert owner_client.get("/goals/status/").status_code == 204

    Contribution.objects.create(goal=trip, amount=Decimal("100.00"), date=dt.date(2026, 1, 1))
    assert "Updating with your latest changes" in page(owner_client, "/goals/")
    assert "Updating with your latest changes" in page(owner_client, "/goals/status/")
    worked_out(owner)
    response = owner_client.get("/goals/status/")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"

    goal(owner, "New sofa", target_amount=Decimal("900"))  # not in the stored plan yet
    html = page(owner_client, "/goals/")
    assert "Updating with your latest changes" in html and "Its plan is being worked out." in html


def test_goals_before_the_first_plan(owner_client, owner):
    goal(owner, "Trip", target_amount=Decimal("1000"), starting_amount=Decimal("250"))
    html = page(owner_client, "/goals/")
    assert "Your plan is being worked out" in html and "EUR 250.00" in html and "EUR 1,000.00" in html


def test_the_list_runs_the_same_queries_for_1_and_8_goals(owner_client, owner, ledger, savings):
    def queries_for(n: int) -> int:
        Goal.objects.filter(user=owner).delete()
        for i in range(n):
            made = goal(owner, f"Goal {i}", target_amount=Decimal(1000 + i), accounts=((savings.pk, 10),))
            Contribution.objects.create(goal=made, amount=Decimal("10.00"), date=dt.date(2026, 1, 1))
        worked_out(owner)
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get("/goals/").status_code == 200
        return len(queries)

    one = queries_for(1)
    assert one == queries_for(8)
    assert one <= 12


# ---- a goal ------------------------------------------------------------------------------------------------------

def test_the_detail_shows_the_plan_row_linked_savings_and_contributions(owner_client, owner, ledger, savings, month):
    trip = goal(owner, "Trip", target_amount=Decimal("3000"), target_date=month_add(month, 5) + dt.timedelta(days=3),
                starting_amount=Decimal("200"), accounts=((savings.pk, 20),))
    Contribution.objects.create(goal=trip, amount=Decimal("150.00"), date=dt.date(2026, 3, 2), note="Birthday money")
    worked_out(owner)
    html = page(owner_client, f"/goals/{trip.pk}/")
    # Saved: 200 to start, 150 added, a fifth of the 5,000 in savings.
    assert "EUR 1,350.00" in html and "saved of" in html and "EUR 3,000.00" in html
    assert "20% of" in html and "Rainy day savings" in html and "EUR 1,000.00" in html
    assert "Birthday money" in html and "EUR 150.00" in html
    assert "It started with" in html and "EUR 200.00" in html
    # 1,650 to go over six months: 275 a month.
    assert "EUR 275.00</span> a month" in html and "To make its date" in html
    assert "Plan worked out" in html


def test_adding_and_removing_a_contribution(owner_client, owner, today):
    trip = goal(owner, "Trip", target_amount=Decimal("1000"))
    response = owner_client.post(f"/goals/{trip.pk}/contributions/",
                                 {"amount": "125.50", "date": today.isoformat(), "note": "From the bonus"})
    assert response.status_code == 302
    added = Contribution.objects.get(goal=trip)
    assert (added.amount, added.date, added.note) == (Decimal("125.50"), today, "From the bonus")
    assert "From the bonus" in page(owner_client, f"/goals/{trip.pk}/")

    response = owner_client.post(f"/goals/{trip.pk}/contributions/",
                                 {"amount": "10", "date": (today + dt.timedelta(days=2)).isoformat()})
    assert response.status_code == 400 and "A contribution cannot be dated in the future." in response.content.decode()
    response = owner_client.post(f"/goals/{trip.pk}/contributions/", {"amount": "0", "date": today.isoformat()})
    assert response.status_code == 400 and "A contribution is more or less than 0." in response.content.decode()
    response = owner_client.post(f"/goals/{trip.pk}/contributions/", {"amount": "lots", "date": "soon"})
    assert response.status_code == 400 and "Enter a number." in response.content.decode()
    assert Contribution.objects.count() == 1

    assert owner_client.post(f"/goals/{trip.pk}/contributions/{added.pk}/delete/").status_code == 302
    assert not Contribution.objects.exists()


def test_another_users_goal_and_contribution_are_404(owner_client, owner, other_user, today):
    theirs = goal(other_user, "Oscar's boat", target_amount=Decimal("50000"))
    given = Contribution.objects.create(goal=theirs, amount=Decimal("500.00"), date=today)
    mine = goal(owner, "Mine", target_amount=Decimal("10"))
    for path in (f"/goals/{theirs.pk}/", f"/goals/{theirs.pk}/edit/", f"/goals/{theirs.pk}/delete/"):
        assert owner_client.get(path).status_code == 404
    assert owner_client.post(f"/goals/{theirs.pk}/edit/", form_data(name="Taken")).status_code == 404
    assert owner_client.post(f"/goals/{theirs.pk}/delete/").status_code == 404
    assert owner_client.post(f"/goals/{theirs.pk}/contributions/",
                             {"amount": "1", "date": today.isoformat()}).status_code == 404
    assert owner_client.post(f"/goals/{theirs.pk}/contributions/{given.pk}/delete/").status_code == 404
    # Their contribution under my goal's address is not found either.
    assert owner_client.post(f"/goals/{mine.pk}/contributions/{given.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Oscar's boat" and Contribution.objects.filter(goal=theirs).count() == 1
    assert "Oscar" not in page(owner_client, "/goals/")


# ---- the form ----------------------------------------------------------------------------------------------------

def test_creating_a_goal_with_a_linked_account(owner_client, owner, savings, month):
    on = month_add(month, 30)
    response = owner_client.post("/goals/new/", form_data(
        name="Flat deposit", target_amount="25000", target_date=on.isoformat(), priority="1",
        starting_amount="1200", accounts=[str(savings.pk)], **{f"accounts_share_{savings.pk}": "40"}))
    made = Goal.objects.get(user=owner)
    assert response.status_code == 302 and response["Location"] == f"/goals/{made.pk}/"
    assert (made.name, made.kind, made.target_amount, made.target_date, made.priority, made.starting_amount) == (
        "Flat deposit", "long_term", Decimal("25000.00"), on, 1, Decimal("1200.00"))  # over two years: long-term
    assert list(GoalAccount.objects.values_list("account_id", "share")) == [(savings.pk, 40)]


def test_an_emergency_fund_has_months_not_a_target(owner_client, owner):
    form = page(owner_client, "/goals/new/?kind=emergency")
    assert 'value="Emergency fund"' in form and "Months of essential spending" in form
    response = owner_client.post("/goals/new/", form_data(name="Rainy days", kind="emergency", target_amount="999",
                                                          emergency_months="5"))
    assert response.status_code == 302
    fund = Goal.objects.get(user=owner)
    assert (fund.kind, fund.emergency_months, fund.target_amount) == ("emergency", 5, Decimal("0.00"))


@pytest.mark.parametrize(("changes", "field_message"), [
    ({"kind": "emergency", "emergency_months": "7"}, "An emergency fund holds 3 to 6 months of essential spending."),
    ({"target_date": "2020-05-01"}, "The date must be in the future."),
    ({"target_amount": "-50"}, "Set how much the goal needs (more than 0)."),
    ({"target_amount": ""}, "Set how much the goal needs (more than 0)."),
    ({"starting_amount": "-1"}, "What you have already saved cannot be negative."),
    ({"name": "  "}, "Give the goal a name."),
    ({"target_date": "2999-01-01"}, "Choose a date within 50 years."),
    ({"target_amount": "1e400"}, "That number is too long: use at most 14 digits."),
    ({"target_amount": "NaN"}, "Enter a number."),
    ({"priority": "9"}, "Select a valid choice."),
])
def test_invalid_goals_are_refused_with_the_reason_and_nothing_saved(owner_client, owner, changes, field_message):
    response = owner_client.post("/goals/new/", form_data(**changes))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Goal.objects.exists()


def test_an_account_that_is_not_yours_is_refused(owner_client, owner, other_account, savings):
    data = form_data(accounts=[str(savings.pk), str(other_account.pk)])
    response = owner_client.post("/goals/new/", data)
    assert response.status_code == 400
    assert f"Account {other_account.pk} is not one of yours." in response.content.decode()
    assert "Oscar&#x27;s checking" not in response.content.decode()
    assert not Goal.objects.exists() and not GoalAccount.objects.exists()
    response = owner_client.post("/goals/new/", form_data(accounts=[str(savings.pk)],
                                                          **{f"accounts_share_{savings.pk}": "150"}))
    assert response.status_code == 400 and "A linked account&#x27;s share is 1 to 100 percent." in response.content.decode()
    response = owner_client.post("/goals/new/", form_data(accounts=["savings"]))
    assert response.status_code == 400 and "Choose the accounts from the list." in response.content.decode()
    assert not Goal.objects.exists()


def test_the_form_offers_accounts_in_the_goals_currency_savings_first_and_no_card(owner_client, owner, savings):
    AccountFactory(owner=owner, name="Dollar account", currency="USD")
    AccountFactory(owner=owner, name="Card", kind="credit_card")
    AccountFactory(owner=owner, name="A checking account")
    html = page(owner_client, "/goals/new/")
    assert "Rainy day savings" in html and "EUR 5,000.00" in html
    assert "Dollar account" not in html and "data-account-row" in html and ">Card<" not in html
    assert html.index("Rainy day savings") < html.index("A checking account")


def test_editing_keeps_what_is_shown_and_refuses_a_taken_name(owner_client, owner, savings, month):
    goal(owner, "Car", target_amount=Decimal("9000"))
    trip = goal(owner, "Trip", target_amount=Decimal("2000"), accounts=((savings.pk, 30),))
    form = page(owner_client, f"/goals/{trip.pk}/edit/")
    assert 'value="Trip"' in form and 'value="2000.00"' in form
    assert f'name="accounts_share_{savings.pk}" value="30"' in form and "checked" in form

    response = owner_client.post(f"/goals/{trip.pk}/edit/", form_data(name="car", target_amount="2500"))
    assert response.status_code == 400 and "You already have a goal with this name." in response.content.decode()
    trip.refresh_from_db()
    assert (trip.name, trip.target_amount) == ("Trip", Decimal("2000.00"))

    response = owner_client.post(f"/goals/{trip.pk}/edit/", form_data(name="Trip to Rome", target_amount="2500"))
    assert response.status_code == 302
    trip.refresh_from_db()
    assert (trip.name, trip.target_amount) == ("Trip to Rome", Decimal("2500.00"))
    assert not GoalAccount.objects.exists()  # unticked: no longer linked


def test_deleting_asks_first_then_deletes(owner_client, owner):
    trip = goal(owner, "Trip", target_amount=Decimal("2000"))
    assert "Delete the goal “Trip”?" in page(owner_client, f"/goals/{trip.pk}/delete/")
    assert Goal.objects.exists()
    response = owner_client.post(f"/goals/{trip.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/goals/"
    assert not Goal.objects.exists()


# ---- the what-if ------------------------------------------------------------------------------------------------

def test_what_if_shows_every_goal_now_and_with_more_saved(owner_client, owner, ledger, month):
    car = goal(owner, "Car", target_amount=Decimal("14000"), priority=1)
    trip = goal(owner, "Trip", target_amount=Decimal("2100"), target_date=month_add(month, 2) + dt.timedelta(days=3),
                priority=2)
    worked_out(owner)
    html = page(owner_client, "/goals/what-if/")
    assert "Your goals now" in html and f'name="date_{trip.pk}"' in html and f'name="date_{car.pk}"' not in html

    html = page(owner_client, "/goals/what-if/?extra=600")
    # The trip takes what its date needs, 700 a month for three months; the car the rest: 700 a month (1,300 with
    # 600 more), then all of it: 2,100 in three months and 11,900 at 1,400 (nine more months), or 3,900 and 10,100
    # at 2,000 (six more months): three months sooner.
    row = html[html.index(f'data-what-if-goal="{car.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "EUR 700.00" in row and "EUR 1,300.00" in row and "3 months sooner" in row
    assert f"{month_add(month, 11):%B %Y}" in row and f"{month_add(month, 8):%B %Y}" in row
    assert "Saving <span class=\"font-semibold tabular-nums\">EUR 600.00</span> more a month" in html


def test_what_if_with_another_date(owner_client, owner, ledger, month):
    trip = goal(owner, "Trip", target_amount=Decimal("7000"), target_date=month_add(month, 9) + dt.timedelta(days=3))
    worked_out(owner)
    sooner = month_add(month, 3) + dt.timedelta(days=3)
    html = page(owner_client, f"/goals/what-if/?date_{trip.pk}={sooner.isoformat()}")
    row = html[html.index(f'data-what-if-goal="{trip.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Off track" in row  # 7,000 in four months needs 1,750 a month, more than the 1,400 there is


@pytest.mark.parametrize("query", [
    "extra=abc", "extra=-5", "extra=1e400", "extra=NaN", "extra=Infinity", "extra=99999999999999999999",
    "date_{trip}=2020-01-01", "date_{trip}=yesterday", "date_{trip}=9999-12-31", "date_{trip}=0001-01-01",
])
def test_what_if_with_bad_input_shows_the_form_errors(owner_client, owner, ledger, month, query):
    trip = goal(owner, "Trip", target_amount=Decimal("7000"), target_date=month_add(month, 9) + dt.timedelta(days=3))
    worked_out(owner)
    response = owner_client.get("/goals/what-if/?" + query.format(trip=trip.pk))
    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()


def test_what_if_ignores_unknown_goals_and_works_before_a_plan(owner_client, owner, ledger):
    assert "No plan to try things on yet" in page(owner_client, "/goals/what-if/?extra=100")
    goal(owner, "Trip", target_amount=Decimal("1000"))
    worked_out(owner)
    assert page(owner_client, "/goals/what-if/?extra=100&date_999999=2030-01-01&date_x=1")


# ---- readiness --------------------------------------------------------------------------------------------------

def test_readiness_before_it_is_worked_out_still_says_it_is_not_advice(owner_client):
    html = page(owner_client, "/readiness/")
    assert "Not worked out yet" in html and readiness.DISCLAIMER in html and "Three questions" in html


def test_readiness_shows_the_score_each_check_with_its_figures_and_what_to_do(owner_client, owner, ledger, month):
    goal(owner, "Car", target_amount=Decimal("30000"), target_date=month_add(month, 5) + dt.timedelta(days=14))
    worked_out(owner)
    report = ReadinessReport.objects.get(user=owner)
    html = page(owner_client, "/readiness/")
    assert not report.ready and f'data-score-value>{report.score}<' in html and "Not ready yet" in html
    assert readiness.DISCLAIMER in html
    # No savings at all: the emergency check fails with its figures; the car is behind.
    assert "An emergency fund of at least 3 months of essentials" in html
    assert "EUR 0.00 saved, 0.0 months of your essential spending (EUR 1,400.00 a month)" in html
    assert "Last 3 months: EUR 1,400.00, EUR 1,400.00, EUR 1,400.00" in html
    assert "Behind: Car" in html
    assert 'data-gate="emergency" data-passed="false"' in html and 'data-gate="surplus" data-passed="true"' in html
    assert "Build your emergency fund to EUR 4,200.00 (3 months of essentials): EUR 4,200.00 to go." in html
    assert "What investing could look like" not in html


def test_when_ready_the_page_shows_amounts_category_chart_and_source(owner_client, owner, ledger, savings):
    goal(owner, "Emergency fund", "emergency", accounts=((savings.pk, 100),))
    worked_out(owner)
    report = ReadinessReport.objects.get(user=owner)
    assert report.ready
    html = page(owner_client, "/readiness/")
    assert "Ready to invest" in html and readiness.DISCLAIMER in html
    # The fund is reached, so the whole 1,400 is free; 800 of the 5,000 in savings is beyond the fund's 4,200.
    assert "EUR 1,400.00" in html and "EUR 800.00" in html and "5 years" in html
    assert f'data-category="{report.result["category"]}"' in html and report.result["category_reason"][:40] in html
    assert "data-projection-chart" in html and "data-band" in html and "data-mid" in html
    for projection in report.result["projections"]:
        assert f'data-projection="{projection["category"]}"' in html
    assert readiness.instruments()["source"][:60] in html


def test_answering_the_questions_saves_them_and_refused_answers_are_400(owner_client, owner):
    response = owner_client.post("/readiness/", {"horizon": "over_7", "drop": "buy_more", "experience": "years"})
    assert response.status_code == 302 and response["Location"] == "/readiness/"
    assert RiskProfile.objects.get(user=owner).answers == {"horizon": "over_7", "drop": "buy_more",
                                                           "experience": "years"}
    html = page(owner_client, "/readiness/")
    assert "Your score and suggestion update in a minute or so." in html
    assert re.search(r'<input[^>]*value="over_7"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="under_3"[^>]*checked', html)
    response = owner_client.post("/readiness/", {"horizon": "tomorrow"})
    assert response.status_code == 400 and "Choose one of the answers." in response.content.decode()
    assert RiskProfile.objects.get(user=owner).answers["horizon"] == "over_7"


# ---- the dashboard ------------------------------------------------------------------------------------------------

def test_the_dashboard_shows_the_goals_and_readiness_cards(owner_client, owner, ledger, month):
    car = goal(owner, "Car", target_amount=Decimal("30000"), target_date=month_add(month, 5) + dt.timedelta(days=14))
    worked_out(owner)
    html = page(owner_client, "/")
    assert 'data-card="goals"' in html and 'data-card="readiness"' in html
    goals_card = html[html.index('data-card="goals"'):html.index('data-card="readiness"')]
    assert "Car" in goals_card and "EUR 0.00 / EUR 30,000.00" in goals_card and "off track" in goals_card
    assert f"{SAFE:,}" in goals_card and f'href="/goals/{car.pk}/"' in goals_card
    readiness_card = html[html.index('data-card="readiness"'):]
    readiness_card = readiness_card[:readiness_card.index("</section>")]
    score = ReadinessReport.objects.get(user=owner).score
    assert f"data-score>{score}<" in readiness_card
    assert "an emergency fund of at least 3 months of essentials" in readiness_card
    assert "EUR 0.00 saved, 0.0 months" in readiness_card


def test_the_dashboard_invites_a_first_goal(owner_client, owner, ledger):
    html = page(owner_client, "/")
    assert 'data-card="goals"' in html and "Start an emergency fund" in html
    assert 'data-card="readiness"' in html and "Not worked out yet" in html


def test_the_dashboard_runs_the_same_queries_with_and_without_goals(owner_client, owner, ledger, savings):
    goal(owner, "Trip", target_amount=Decimal("1000"))
    worked_out(owner)
    cache.clear()  # both visits read the ledger's figures afresh (the dashboard keeps them for a minute)
    with CaptureQueriesContext(connection) as few:
        owner_client.get("/")
    for i in range(6):
        goal(owner, f"Goal {i}", target_amount=Decimal(500 + i), accounts=((savings.pk, 10),))
    worked_out(owner)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        owner_client.get("/")
    assert len(few) == len(many)
