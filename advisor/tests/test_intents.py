"""The intent matcher: what a question asks, and the amount, date and period in it, however it is phrased."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from advisor import guardrails
from advisor.intents import UNKNOWN, amount_find, date_find, intent_match, period_find

TODAY = dt.date(2026, 12, 6)  # a Sunday


@pytest.mark.parametrize("question, amount", [
    ("Can I afford a 1200 euro laptop in March?", Decimal("1200")),
    ("can i afford €1,250.50 on the 20th", Decimal("1250.50")),
    ("Is EUR 80 ok tomorrow?", Decimal("80")),
    ("can I spend 1.2k on a bike", Decimal("1200")),
    ("Can I afford 2.500,00 € in 3 months?", Decimal("2500.00")),
    ("Is 500 ok next Friday?", Decimal("500")),
    ("Can I afford a trip on 15 March 2027?", None),
    ("What changed in the last 30 days?", None),
])
def test_amounts(question, amount):
    _, spans = date_find(question, today=TODAY)
    assert amount_find(question, skip=spans) == amount


@pytest.mark.parametrize("question, day", [
    ("Can I afford 500 on 15 March 2027?", dt.date(2027, 3, 15)),
    ("Can I afford 500 on March 15?", dt.date(2027, 3, 15)),
    ("Is 500 ok next Friday?", dt.date(2026, 12, 11)),
    ("Is 500 ok tomorrow?", dt.date(2026, 12, 7)),
    ("can I spend 300 in 3 months", dt.date(2027, 3, 6)),
    ("can I buy a 1200 laptop in March", dt.date(2027, 3, 1)),
    ("can I afford 90 by the end of the month", dt.date(2026, 12, 31)),
    ("can I afford 400 on 2027-01-10", dt.date(2027, 1, 10)),
    ("can I afford 400 on 10.01.2027", dt.date(2027, 1, 10)),
    ("can I afford 400 before Christmas", dt.date(2026, 12, 24)),
    ("Can I afford 500?", None),
    ("Will I be able to pay 1500 on the 20th?", dt.date(2026, 12, 20)),
    ("Anything due before the 3rd?", dt.date(2027, 1, 3)),
])
def test_dates_never_in_the_past(question, day):
    found, _ = date_find(question, today=TODAY)
    assert found == day


@pytest.mark.parametrize("question, period", [
    ("Where did my money go last month?", "last_month"),
    ("What changed since last month?", None),
    ("Where does my money go this year?", "this_year"),
    ("spending in the last 3 months", "last_3_months"),
    ("How much did I spend on groceries in November?", "2026-11"),
    ("How much did I spend in December?", "2026-12"),
    ("How much did I spend in January?", "2026-01"),
    ("How much did I spend this week?", "this_week"),
    ("What did I spend yesterday?", "yesterday"),
])
def test_periods(question, period):
    assert period_find(question, today=TODAY) == period


@pytest.mark.parametrize("question, intent", [
    ("Why did I spend more this month?", "spent_more"),
    ("why is my spending so high", "spent_more"),
    ("What made this month so expensive?", "spent_more"),
    ("Where does my money go?", "where_money_goes"),
    ("What are my biggest expenses?", "where_money_goes"),
    ("Can I afford a 1200 euro laptop in March?", "afford"),
    ("Do I have enough for a 300 weekend trip next month?", "afford"),
    ("How do I reach my goal sooner?", "goal_sooner"),
    ("How can I hit my savings goal faster?", "goal_sooner"),
    ("Am I ready to invest?", "invest_ready"),
    ("Should I start investing?", "invest_ready"),
    ("How much could I invest each month?", "invest_ready"),
    ("What is due before payday?", "due_before_payday"),
    ("Which bills are coming up before I get paid?", "due_before_payday"),
    ("What changed since last month?", "changed"),
    ("How is this month different from last month?", "changed"),
    ("How much can I save?", "how_much_save"),
    ("How much should I put aside each month?", "how_much_save"),
    ("What's my savings rate?", "savings_rate"),
    ("Am I saving enough?", "savings_rate"),
    ("How are my budgets doing?", "budget"),
    ("Will I run out of money before payday?", "forecast"),
    ("What will my balance be at the end of the month?", "forecast"),
    ("Anything unusual on my account?", "alerts"),
    ("Was I double charged?", "alerts"),
    ("How are my goals doing?", "goals_status"),
    ("What can you do?", "help"),
    ("thanks!", "help"),
    ("Do I have any subscriptions?", "subscriptions"),
    ("How much do my bills cost per month?", "subscriptions"),
    ("How am I doing?", "overview"),
    ("Give me my monthly review", "overview"),
    ("Where can I cut back?", "cut_back"),
    ("How much debt do I have?", "debt"),
    ("Will I be able to pay 1500 for a new laptop on the 20th?", "afford"),
    ("Why was last month more expensive than usual?", "spent_more"),
    ("What would happen if I saved 200 more per month for my goal?", "goal_sooner"),
    ("What's due this week?", "due_before_payday"),
    ("Will I go into overdraft?", "forecast"),
    ("What percentage of my income do I save?", "savings_rate"),
    ("Top merchants last month", "where_money_goes"),
    # the ideas stage: no pattern decides, the ideas mentioned do, in any order
    ("How come my outgoings are up this month?", "spent_more"),
    ("What eats up most of my money?", "where_money_goes"),
    ("Could I manage a 650 euro flight on 20 January?", "afford"),
    ("Is investing a good idea for me right now?", "invest_ready"),
    ("Am I going to run low on cash before I get paid?", "forecast"),
    ("What can I afford to save each month?", "how_much_save"),
    ("How much did I put aside last month?", "savings_rate"),
    ("Explain the jump in my spending", "spent_more"),
    ("Can my budget handle a 250 purchase tomorrow?", "afford"),
    ("What's going out of my account in the next two weeks?", "due_before_payday"),
    ("What's the weather tomorrow?", UNKNOWN),
    ("Tell me a joke", UNKNOWN),
])
def test_intents(owner, question, intent):
    assert guardrails.screen(question) is None
    assert intent_match(question, user=owner, today=TODAY).intent == intent


@pytest.mark.parametrize("text, problem", [
    ("You could put EUR 200 a month into $VWRL.", "security"),
    ("Consider buying Vanguard FTSE All-World.", "security"),
    ("An index fund is guaranteed to return 7% a year.", "promised"),
    ("You can deduct the laptop as a work expense.", "tax or legal"),
    ("You spent EUR 200 on groceries, EUR 20 more than in October.", None),
])
def test_a_models_answer_may_not_name_securities_promise_returns_or_advise_on_tax(text, problem):
    found = guardrails.output_problem(text)
    assert (found is None) if problem is None else (problem in found)


def test_disclaimers_follow_the_topic():
    assert "not investment advice" in guardrails.disclaimer_for("Your readiness score is 40.", ["readiness"])
    assert "not debt or credit advice" in guardrails.disclaimer_for("Your credit card balance is EUR 900.", [])
    assert guardrails.disclaimer_for("You spent EUR 20 on coffee.", ["spending_breakdown"]) == ""
    assert guardrails.disclaimer_for("Your emergency fund is half full.", ["goals_plan"]) == ""


def test_the_next_weeks_are_counted_in_days(owner):
    assert intent_match("What's going out in the next two weeks?", user=owner, today=TODAY).days == 14
    assert intent_match("bills in the next 10 days", user=owner, today=TODAY).days == 10
