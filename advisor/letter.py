"""The monthly letter: a plain-words review of the month just ended, written at the next month's start.

What went well (savings against the target, a category that came down, budgets kept), what changed (spending,
the biggest category moves, income) and ONE suggestion with its numbers (an open high-risk alert, a goal behind,
the category that rose most, a budget over, savings under the target). Every figure it writes is a tool's fact
(``advisor.tools``), stored with the letter; a change is written as its size with a direction word ("rose by
EUR 665.78"), so a figure may appear without its minus sign.

A month with no income and no spending on record gets no letter; a month with nothing on record before it gets a
short first letter that says there is nothing to compare with yet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import structlog
from django.db import IntegrityError, transaction

from accounts.models import User
from advisor import tools
from advisor.models import MonthlyLetter
from advisor.tools import Fact, ToolResult
from core.months import month_add, month_end, month_start
from notifications.models import NotificationKind, Severity
from notifications.services import notification_create

log = structlog.get_logger(__name__)

LETTER_LINK = "/advisor/letters/{month:%Y-%m}/"  # the letter's page (the advisor's pages)
RISE_WORTH_SAYING = Decimal("10")  # percent: a smaller rise of a category is not worth the one suggestion
OVERALL = "Overall"  # budget_status's name of the whole-month budget


@dataclass
class Letter:
    """One month's letter. ``went_well`` and ``changed`` are sentences, one list item each."""

    month: dt.date
    subject: str
    went_well: list[str]
    changed: list[str]
    suggestion: str
    facts: list[Fact] = field(default_factory=list)
    first: bool = False  # nothing on record before this month: the short letter

    @property
    def link(self) -> str:
        return LETTER_LINK.format(month=self.month)

    def text(self) -> str:
        """The letter as plain paragraphs ("- " starts a list item), as answers are written."""
        parts = []
        if self.went_well:
            parts.append("What went well:\n" + "\n".join(f"- {line}" for line in self.went_well))
        if self.changed:
            parts.append("What changed:\n" + "\n".join(f"- {line}" for line in self.changed))
        parts.append(f"One suggestion: {self.suggestion}")
        return "\n\n".join(parts)

    def facts_json(self) -> list[dict[str, Any]]:
        return [fact.to_json() for fact in self.facts]


class _Reads:
    """The tool results a letter reads, and the facts it cites (each once, its key prefixed with the tool)."""

    def __init__(self) -> None:
        self.cited: dict[str, Fact] = {}

    def cite(self, result: ToolResult, key: str, *, as_key: str = "") -> Fact | None:
        """The fact, recorded; ``as_key`` tells apart two reads of the same tool (this month's, the one before)."""
        fact = result.get(key)
        if fact is None:
            return None
        fact = dataclasses.replace(fact, key=f"{result.tool}.{as_key or key}")
        self.cited.setdefault(fact.key, fact)
        return fact

    def text(self, result: ToolResult, key: str) -> str:
        fact = self.cite(result, key)
        return "" if fact is None else fact.text()


def _amount(fact: Fact) -> Decimal:
    return Decimal(str(fact.value))


def _size(fact: Fact) -> str:
    """A change's size without its sign (the sentence says the direction)."""
    return dataclasses.replace(fact, value=abs(_amount(fact))).text()


def _value(result: ToolResult, key: str) -> Any:
    fact = result.get(key)
    return None if fact is None else fact.value


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def letter_compose(*, user: User, month: dt.date, today: dt.date | None = None) -> Letter | None:
    """The letter of ``month`` for ``user``, or None when that month has no income and no spending on record.

    The month's figures are read as they stood at its end; alerts and goals as they are ``today`` (the person's
    today by default), since the suggestion is about what to do next."""
    month = month_start(month)
    last_day = month_end(month)
    today = today or user.financial_profile.local_today()
    run = tools.tool_run
    this = run("savings_summary", user=user, today=month_add(month, 1), arguments={"months": 1})
    if not this.available:
        return None
    before = run("savings_summary", user=user, today=month, arguments={"months": 1})
    breakdown = run("spending_breakdown", user=user, today=last_day, arguments={"period": f"{month:%Y-%m}"})
    alerts = run("alerts_and_patterns", user=user, today=today)
    goals = run("goals_plan", user=user, today=today)
    reads = _Reads()
    name, before_name = f"{month:%B}", f"{month_add(month, -1):%B}"
    went_well = _savings_went_well(reads, this)
    if not before.available:
        income, spent = reads.text(this, "last.income"), reads.text(this, "last.spending")
        changed = [f"This is your first letter, so there is nothing to compare with yet: in {name} your income was "
                   f"{income} and you spent {spent}."]
        top = breakdown.get("top.1.total")
        if top is not None:
            changed.append(f"Most of it went to {top.label.split(', ')[0]}: {reads.text(breakdown, 'top.1.total')} "
                           f"({reads.text(breakdown, 'top.1.share')} of your spending).")
        suggestion = (_alert_suggestion(reads, alerts) or _goal_suggestion(reads, goals)
                      or "Nothing to suggest yet: one month is too little to tell what is usual for you. Next "
                         "month's letter compares two months.")
        return Letter(month=month, subject=f"Your first monthly letter: {month:%B %Y}", went_well=went_well,
                      changed=changed, suggestion=suggestion, facts=list(reads.cited.values()), first=True)
    comparison = run("month_comparison", user=user, today=last_day, arguments={"month": f"{month:%Y-%m}"})
    budgets = run("budget_status", user=user, today=last_day)
    went_well += _fall_went_well(reads, comparison, before_name=before_name)
    went_well += _budgets_went_well(reads, budgets)
    changed = _changes(reads, comparison, this, before, name=name, before_name=before_name)
    if not _savings_at_target(this):
        changed.append(_savings_sentence(reads, this, name=name))
    suggestion = (_alert_suggestion(reads, alerts) or _goal_suggestion(reads, goals)
                  or _rise_suggestion(reads, comparison, budgets, before_name=before_name)
                  or _budget_suggestion(reads, budgets) or _savings_suggestion(reads, this)
                  or _medium_alert_suggestion(reads, alerts)
                  or "Nothing needs changing: keep going as you did this month.")
    if not went_well:
        went_well = [f"Your {name} is on record in full, so next month's letter can tell you how it compares."]
    return Letter(month=month, subject=f"Your {month:%B %Y} in review", went_well=went_well, changed=changed,
                  suggestion=suggestion, facts=list(reads.cited.values()))


def _savings_at_target(this: ToolResult) -> bool:
    rate, target = _value(this, "last.rate"), _value(this, "target")
    return rate is not None and target is not None and rate >= target and _value(this, "last.savings") > 0


def _savings_went_well(reads: _Reads, this: ToolResult) -> list[str]:
    if not _savings_at_target(this):
        return []
    return [f"You saved {reads.text(this, 'last.savings')}, {reads.text(this, 'last.rate')} of your income: at or "
            f"above your target of {reads.text(this, 'target')}."]


def _savings_sentence(reads: _Reads, this: ToolResult, *, name: str) -> str:
    savings = reads.cite(this, "last.savings")
    if savings is None or _amount(savings) == 0:
        return f"You saved nothing in {name}: income and spending came out even."
    if _amount(savings) < 0:
        return f"You spent more than you earned in {name}: {_size(savings)} more."
    rate = this.get("last.rate")
    return (f"You saved {reads.text(this, 'last.savings')}"
            + (f", {reads.text(this, 'last.rate')} of your income, under your target of {reads.text(this, 'target')}"
               if rate is not None else "") + ".")


def _fall_went_well(reads: _Reads, comparison: ToolResult, *, before_name: str) -> list[str]:
    fall = comparison.get("down.1.name")
    if fall is None:
        return []
    return [f"{fall.value} came down to {reads.text(comparison, 'down.1.this')} from "
            f"{reads.text(comparison, 'down.1.last')} in {before_name}."]


def _budgets(budgets: ToolResult) -> Iterator[tuple[str, str]]:
    """(index key, budget name) of each budget."""
    for fact in budgets.facts:
        if fact.key.startswith("budget.") and fact.key.endswith(".name"):
            yield fact.key[:-len(".name")], str(fact.value)


def _budgets_went_well(reads: _Reads, budgets: ToolResult) -> list[str]:
    if not budgets.available:
        return []
    kept = [(key, name) for key, name in _budgets(budgets) if _value(budgets, f"{key}.status") != "over"]
    if not kept:
        return []
    if _value(budgets, "over.count") == 0:
        reads.cite(budgets, "over.count")
        return ["Every budget stayed within its amount."]
    overall = next((key for key, name in kept if name == OVERALL), None)
    if overall is not None:
        return [f"Your overall spending stayed within its budget: {reads.text(budgets, f'{overall}.spent')} of "
                f"{reads.text(budgets, f'{overall}.available')}."]
    names = [name for _, name in kept]
    for key, _ in kept:
        reads.cite(budgets, f"{key}.name")
    return [f"{_names(names)} stayed within {'its budget' if len(names) == 1 else 'their budgets'}."]


def _changes(reads: _Reads, comparison: ToolResult, this: ToolResult, before: ToolResult, *, name: str,
             before_name: str) -> list[str]:
    changed = []
    change = comparison.get("total.change")
    total_this, total_last = reads.text(comparison, "total.this"), reads.text(comparison, "total.last")
    if change is not None and _amount(change) != 0:
        reads.cite(comparison, "total.change")
        direction = "more" if _amount(change) > 0 else "less"
        percent = comparison.get("total.change_percent")
        changed.append(f"You spent {total_this} in {name}, {_size(change)} {direction} than the {total_last} of "
                       f"{before_name}" + (f" ({_size(percent)} {direction})" if percent is not None else "") + ".")
        if percent is not None:
            reads.cite(comparison, "total.change_percent")
    else:
        changed.append(f"You spent {total_this} in {name}, the same as in {before_name}.")
    for index, key in enumerate(("up.1", "up.2")):
        rise = reads.cite(comparison, f"{key}.change")
        if rise is None:
            break
        lead = "The biggest rise was" if index == 0 else "Then"
        changed.append(f"{lead} {_value(comparison, f'{key}.name')}: {reads.text(comparison, f'{key}.this')} against "
                       f"{reads.text(comparison, f'{key}.last')} in {before_name}, {_size(rise)} more.")
    income_now = reads.cite(this, "last.income")
    income_before = reads.cite(before, "last.income", as_key="before.last.income")
    if income_now is not None and income_before is not None:
        if income_now.value == income_before.value:
            changed.append(f"Your income was the same as in {before_name}: {income_now.text()}.")
        else:
            direction = "rose" if _amount(income_now) > _amount(income_before) else "fell"
            changed.append(f"Your income {direction} to {income_now.text()} from {income_before.text()} in "
                           f"{before_name}.")
    return changed


def _alert_suggestion(reads: _Reads, alerts: ToolResult) -> str:
    high = _value(alerts, "alerts.high")
    if not high or alerts.get("alert.1.amount") is None:
        return ""
    count = reads.text(alerts, "alerts.high")
    latest = reads.cite(alerts, "alert.1.amount")
    assert latest is not None
    what = latest.label.removeprefix("Alert: ")
    return (f"Check your open high-risk {'alert' if high == 1 else 'alerts'} ({count}) first: the latest is {what}, "
            f"{latest.text()}. If it is not yours, tell your bank.")


def _medium_alert_suggestion(reads: _Reads, alerts: ToolResult) -> str:
    medium = _value(alerts, "alerts.medium")
    if not medium:
        return ""
    return (f"Have a look at your {reads.text(alerts, 'alerts.medium')} unusual "
            f"{'charge' if medium == 1 else 'charges'} on the alerts page: say whether each is fine.")


def _goal_suggestion(reads: _Reads, goals: ToolResult) -> str:
    for fact in goals.facts:
        if not (fact.key.startswith("goal.") and fact.key.endswith(".on_track") and fact.value == "no"):
            continue
        key = fact.key[:-len(".on_track")]
        needed, monthly = goals.get(f"{key}.needed"), goals.get(f"{key}.monthly")
        date = goals.get(f"{key}.date")
        if needed is None or monthly is None or date is None:
            continue
        name = _value(goals, f"{key}.name")
        sentence = (f"{name} is behind: making {reads.text(goals, f'{key}.date')} takes "
                    f"{reads.text(goals, f'{key}.needed')} a month, and the plan can give "
                    f"{reads.text(goals, f'{key}.monthly')}")
        if goals.get(f"{key}.projected") is not None:
            sentence += f"; at this pace it is reached on {reads.text(goals, f'{key}.projected')}"
        return sentence + ". Saving more each month, or a later date, would bring it back on track."
    return ""


def _rise_suggestion(reads: _Reads, comparison: ToolResult, budgets: ToolResult, *, before_name: str) -> str:
    name, change = _value(comparison, "up.1.name"), comparison.get("up.1.change")
    percent = comparison.get("up.1.change_percent")
    if name is None or change is None or (percent is not None and _amount(percent) < RISE_WORTH_SAYING):
        return ""
    reads.cite(comparison, "up.1.change")
    if percent is None:  # nothing spent on it the month before
        sentence = f"Look at {name}: {reads.text(comparison, 'up.1.this')}, where {before_name} had nothing"
    else:
        sentence = (f"Look at {name}: it rose by {_size(change)} ({reads.text(comparison, 'up.1.change_percent')}) "
                    f"to {reads.text(comparison, 'up.1.this')}, from {reads.text(comparison, 'up.1.last')} in "
                    f"{before_name}")
    budget = next((key for key, budget_name in _budgets(budgets) if budget_name == name), None)
    if budget is not None:
        sentence += f"; its budget is {reads.text(budgets, f'{budget}.available')}"
    return sentence + ". If it was a one-off, nothing to do; if not, it is where next month's saving is."


def _budget_suggestion(reads: _Reads, budgets: ToolResult) -> str:
    for key, name in _budgets(budgets):
        if _value(budgets, f"{key}.status") == "over":
            return (f"{name} went over its budget: {reads.text(budgets, f'{key}.spent')} spent of "
                    f"{reads.text(budgets, f'{key}.available')}. Either the budget is too small for what you need, "
                    f"or that spending is worth a look.")
    return ""


def _savings_suggestion(reads: _Reads, this: ToolResult) -> str:
    if _savings_at_target(this) or this.get("last.rate") is None:
        return ""
    return (f"Your savings rate was {reads.text(this, 'last.rate')} against your target of "
            f"{reads.text(this, 'target')}: setting aside a fixed amount on payday makes the target easier to keep.")


@transaction.atomic
def letter_send(*, user: User, month: dt.date, today: dt.date | None = None) -> MonthlyLetter | None:
    """Write the letter of ``month`` once and tell the person (in the app; by email when their preferences say
    so). Returns None when it was written before or there is nothing to write about."""
    month = month_start(month)
    if MonthlyLetter.objects.filter(user=user, month=month).exists():
        return None
    letter = letter_compose(user=user, month=month, today=today)
    if letter is None:
        log.info("monthly_letter_skipped", user_id=user.pk, month=f"{month:%Y-%m}", reason="no figures")
        return None
    try:
        with transaction.atomic():
            stored = MonthlyLetter.objects.create(
                user=user, month=month, subject=letter.subject[:200], went_well="\n".join(letter.went_well),
                changed="\n".join(letter.changed), suggestion=letter.suggestion, facts=letter.facts_json())
    except IntegrityError:  # a second worker wrote it in the meantime
        return None
    notification_create(
        user=user, kind=NotificationKind.MONTHLY_LETTER, severity=Severity.INFO, link=letter.link,
        title=letter.subject, body=letter.text(), dedupe_key=f"advisor:letter:{month:%Y-%m}",
        context={"month": f"{month:%B %Y}", "went_well": letter.went_well, "changed": letter.changed,
                 "suggestion": letter.suggestion, "first": letter.first})
    log.info("monthly_letter_sent", user_id=user.pk, month=f"{month:%Y-%m}", facts=len(letter.facts))
    return stored


def letter_due_user_ids(*, month: dt.date) -> Iterator[int]:
    """Active users without a letter for ``month`` yet (the month-start job's candidates)."""
    written = MonthlyLetter.objects.filter(month=month_start(month)).values("user_id")
    users = User.objects.filter(is_active=True).exclude(pk__in=written).values_list("pk", flat=True)
    return users.iterator(chunk_size=2000)
