"""The written answers: for each intent, the tools it calls and the plain words it writes from their facts.

Every figure in an answer is a tool's fact (``Draft.say`` writes it and records it), so the answer lists exactly
the figures it used, each with the page it comes from. No model is involved: these answers are the default, and
the fallback whenever a local model's answer cannot be trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from accounts.models import User
from advisor import guardrails
from advisor.answer import Answer
from advisor.intents import UNKNOWN, Match
from advisor.models import Status
from advisor.tools import (
    Fact,
    ToolResult,
    afford,
    alerts_and_patterns,
    balance_forecast,
    budget_status,
    debts,
    goal_what_if,
    goals_plan,
    month_comparison,
    period_get,
    readiness,
    recurring_bills,
    savings_summary,
    spending_breakdown,
    upcoming_bills,
)

SUGGESTIONS = [
    "Why did I spend more this month?",
    "Where does my money go?",
    "What is due before payday?",
    "How much can I save?",
    "Can I afford 500 on the 20th?",
    "Am I ready to invest?",
    "What changed since last month?",
    "How do I reach my goal sooner?",
    "How are my budgets doing?",
    "Will I run out of money before payday?",
    "Anything unusual on my account?",
    "What subscriptions do I have?",
    "Where can I cut back?",
    "How much did I spend on groceries last month?",
]
WHAT_IF_STEPS = (Decimal("50.00"), Decimal("100.00"), Decimal("200.00"))


class Draft:
    """An answer being written: paragraphs, the facts it says, the tools and pages it used."""

    def __init__(self, intent: str, user: User) -> None:
        self.intent = intent
        self.user = user
        self.paragraphs: list[str] = []
        self.facts: list[Fact] = []
        self.links: list[tuple[str, str]] = []
        self.tools: list[str] = []
        self.computed: list[dt.datetime] = []
        self.status = Status.ANSWERED
        self.suggestions: list[str] = []

    def use(self, result: ToolResult, label: str) -> ToolResult:
        self.tools.append(result.tool)
        if result.link and all(url != result.link for _, url in self.links):
            self.links.append((label, result.link))
        if result.computed_at:
            self.computed.append(result.computed_at)
        return result

    def say(self, fact: Fact | None) -> str:
        """The fact's value as written, recorded among the answer's facts ("" for a missing fact)."""
        if fact is None:
            return ""
        if fact not in self.facts:
            self.facts.append(fact)
        return fact.text()

    def when(self, result: ToolResult) -> str:
        """" (worked out 6 Dec at 03:00)" on the person's clock, for a stored, worker-computed result."""
        if not result.computed_at:
            return ""
        local = self.user.financial_profile.local_now(result.computed_at)
        return f" (worked out {local.day} {local:%b at %H:%M})"

    def add(self, text: str) -> None:
        if text.strip():
            self.paragraphs.append(text.strip())

    def answer(self) -> Answer:
        text = "\n\n".join(self.paragraphs)
        return Answer(text=text, facts=self.facts, links=self.links, status=self.status, intent=self.intent,
                      disclaimer=guardrails.disclaimer_for(text, self.tools) if self.tools else "",
                      suggestions=self.suggestions,
                      computed_at=min(self.computed) if self.computed else None)


def _signed(fact: Fact | None, draft: Draft) -> str:
    """"EUR 84.00 more" / "EUR 12.00 less" for a change."""
    if fact is None:
        return ""
    value = fact.number
    shown = Fact(fact.key + ".abs", fact.label, abs(value), fact.kind, fact.currency, fact.period, fact.link)
    return f"{draft.say(shown)} {'more' if value >= 0 else 'less'}"


# ---- the intents ---------------------------------------------------------------------------------------------

def _spent_more(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    month = match.period if match.period and match.period not in ("this_month", "last_3_months", "this_year",
                                                                   "last_12_months") else None
    if month == "last_month":
        month = f"{period_get('last_month', today=today).start:%Y-%m}"
    result = draft.use(month_comparison(user=user, today=today, month=month), "Spending by category")
    this, last, change = result.get("total.this"), result.get("total.last"), result.get("total.change")
    if this is None or last is None or change is None:
        draft.add("There is no spending to compare yet.")
        return draft
    percent = result.get("total.change_percent")
    compared = result.note
    rise = f" (+{draft.say(percent)})" if percent and percent.number > 0 else ""
    if change.number > 0:
        draft.add(f"{compared[0].upper()}{compared[1:]}: you spent {draft.say(this)} against {draft.say(last)}, "
                  f"{_signed(change, draft)}{rise}.")
    else:
        draft.add(f"You have not spent more. {compared[0].upper()}{compared[1:]}: you spent {draft.say(this)} against "
                  f"{draft.say(last)}, {_signed(change, draft)}.")
    ups = [i for i in range(1, 4) if result.get(f"up.{i}.change")]
    if ups:
        lines = [f"- {result.get(f'up.{i}.name').value}: {draft.say(result.get(f'up.{i}.this'))} against "  # type: ignore[union-attr]
                 f"{draft.say(result.get(f'up.{i}.last'))}, up {draft.say(result.get(f'up.{i}.change'))}"
                 for i in ups]
        draft.add("What rose most:\n" + "\n".join(lines))
    downs = [i for i in range(1, 3) if result.get(f"down.{i}.change")]
    if downs:
        lines = [f"- {result.get(f'down.{i}.name').value}: {_signed(result.get(f'down.{i}.change'), draft)}"  # type: ignore[union-attr]
                 for i in downs]
        draft.add("What fell:\n" + "\n".join(lines))
    return draft


def _changed(match: Match, user: User, today: dt.date) -> Draft:
    draft = _spent_more(match, user, today)
    draft.intent = match.intent
    if draft.paragraphs:
        draft.paragraphs[0] = "Spending. " + draft.paragraphs[0].removeprefix("You have not spent more. ")
    savings = draft.use(savings_summary(user=user, today=today, months=2), "Savings")
    last, current = savings.get("last.savings"), savings.get("current.savings")
    if last and current:
        draft.add(f"Income less spending: {draft.say(current)} so far this month, {draft.say(last)} in the whole of "
                  f"last month.")
    alerts = draft.use(alerts_and_patterns(user=user, today=today), "Alerts")
    high, medium = alerts.get("alerts.high"), alerts.get("alerts.medium")
    if high and medium and (int(high.value) or int(medium.value)):
        draft.add(f"Open alerts about unusual charges: {draft.say(high)} high, {draft.say(medium)} medium.")
    return draft


def _where(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    period = match.period or "last_3_months"
    by = "merchant" if re.search(r"\b(?:merchants?|shops?|stores?|places?|companies|businesses|who\s+do\s+i\s+pay)\b",
                                 match.question, re.IGNORECASE) else "category"
    result = draft.use(spending_breakdown(user=user, today=today, period=period, by=by), "Spending")
    span = period_get(period, today=today)
    total = result.get("spending.total")
    if not result.get("top.1.total"):
        draft.add(f"No spending recorded in {span.name} yet.")
        return draft
    lines = []
    for index in range(1, 6):
        amount, share = result.get(f"top.{index}.total"), result.get(f"top.{index}.share")
        if amount is None:
            break
        name = amount.label.rsplit(", ", 1)[0]
        lines.append(f"- {name}: {draft.say(amount)} ({draft.say(share)})")
    kind = "merchants" if by == "merchant" else "categories"
    draft.add(f"In {span.name} you spent {draft.say(total)}. The biggest {kind}:\n" + "\n".join(lines))
    return draft


def _afford(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    if match.amount is None:
        draft.status = Status.UNKNOWN
        draft.add("How much would it cost, and when? Ask for example \"Can I afford 500 on 20 December?\" and I'll "
                  "check it against your balance forecast and your goal plan.")
        return draft
    when = match.date or today
    result = afford(user=user, today=today, amount=match.amount, date=when)
    draft.use(result, "Balance forecast" if result.get("balance.low") else "Savings")
    amount, left, verdict = result.get("amount"), result.get("left"), result.get("verdict")
    if not result.available or left is None or verdict is None:
        draft.add(f"I can't tell yet: {result.note}")
        return draft
    day = result.get("date")
    base = result.get("balance.low") or result.get("balance.projected")
    set_aside = result.get("goals.set_aside")
    cushion = result.get("cushion")
    reason = (f"your balance on {draft.say(day)} is expected to be at least {draft.say(base)} (the low end of the "
              f"forecast){draft.when(result)}" if result.get("balance.low") else
              f"at your average savings of {draft.say(result.get('savings.average'))} a month, your accounts would "
              f"hold about {draft.say(base)} by {draft.say(day)}")
    goals_part = f", less {draft.say(set_aside)} planned for your goals until then" if set_aside else ""
    after = f"After spending {draft.say(amount)}{goals_part}, {draft.say(left)} would be left"
    if verdict.value == "yes":
        opening = "Yes, it looks affordable"
        closing = f", which still covers a month of essentials ({draft.say(cushion)})." if cushion else "."
    elif verdict.value == "tight":
        opening = "It's tight"
        closing = (f", less than one month of essential spending ({draft.say(cushion)}): it would leave little for "
                   f"surprises." if cushion else ".")
    else:
        opening = "Not without going short"
        closing = ": you would need to move money, wait, or spend less before then."
    draft.add(f"{opening}: {reason}. {after}{closing}")
    return draft


def _goal_for(match: Match, user: User, today: dt.date, draft: Draft) -> ToolResult | None:
    plan = draft.use(goals_plan(user=user, today=today, goal=match.goal), "Goals")
    if not plan.available:
        draft.add("You have no goals yet. Add one (an emergency fund, a holiday, a deposit) and I'll show how to "
                  "reach it and how much to put aside each month.")
        return None
    return plan


def _goal_sooner(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    plan = _goal_for(match, user, today, draft)
    if plan is None:
        return draft
    others = ""
    if match.goal is None:  # the goal that needs it most: the first (by priority) behind its date, else not reached
        rows = [i for i in range(1, 21) if plan.get(f"goal.{i}.name") is not None]
        behind = [i for i in rows if plan.get(f"goal.{i}.date") and plan.get(f"goal.{i}.on_track")
                  and plan.get(f"goal.{i}.on_track").value == "no"]  # type: ignore[union-attr]
        open_ = [i for i in rows if plan.get(f"goal.{i}.left") and plan.get(f"goal.{i}.left").number > 0]  # type: ignore[union-attr]
        chosen = (behind or open_ or rows)[0]
        match.goal = str(plan.get(f"goal.{chosen}.name").value)  # type: ignore[union-attr]
        names = [str(plan.get(f"goal.{i}.name").value) for i in rows if i != chosen]  # type: ignore[union-attr]
        if names:
            others = f"Ask about {' or '.join(names)} by name for theirs."
        plan = goals_plan(user=user, today=today, goal=match.goal)
    saved, target, left = plan.get("goal.1.saved"), plan.get("goal.1.target"), plan.get("goal.1.left")
    monthly, projected = plan.get("goal.1.monthly"), plan.get("goal.1.projected")
    if left is not None and left.number <= 0:
        draft.add(f"You have already reached {match.goal}: {draft.say(saved)} saved of {draft.say(target)}"
                  f"{draft.when(plan)}. Anything more you save can go to your other goals.")
        return draft
    draft.add(f"{match.goal}: {draft.say(saved)} saved of {draft.say(target)}, {draft.say(left)} to go. "
              + (f"The plan puts {draft.say(monthly)} towards it this month" if monthly else "")
              + (f" and reaches it in {_month(projected, draft)}" if projected else "")
              + f"{draft.when(plan)}.")
    steps = [match.extra["extra"]] if match.extra.get("extra") else list(WHAT_IF_STEPS)
    lines = []
    for extra in steps:
        result = draft.use(goal_what_if(user=user, today=today, goal=match.goal, extra=extra), "What if")
        after = result.get("after.projected")
        if result.available and after is not None:
            lines.append(f"- {draft.say(result.get('extra'))} more a month: reached in {_month(after, draft)}")
    if lines:
        draft.add("Saving more each month brings it closer:\n" + "\n".join(lines))
    comparison = draft.use(month_comparison(user=user, today=today), "Spending by category")
    up = comparison.get("up.1.change")
    if others:
        draft.add(others)
    if up is not None:
        draft.add(f"One place to find it: {comparison.get('up.1.name').value} is up "  # type: ignore[union-attr]
                  f"{draft.say(up)} on the same days of last month.")
    return draft


def _month(fact: Fact | None, draft: Draft) -> str:
    """A date fact written as its month ("June 2027"), still recorded as the fact."""
    if fact is None or not isinstance(fact.value, dt.date):
        return ""
    draft.say(fact)
    return f"{fact.value:%B %Y}"


def _goals_status(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    plan = _goal_for(match, user, today, draft)
    if plan is None:
        return draft
    lines = []
    for index in range(1, 21):
        name = plan.get(f"goal.{index}.name")
        if name is None:
            break
        saved, target = plan.get(f"goal.{index}.saved"), plan.get(f"goal.{index}.target")
        monthly, date = plan.get(f"goal.{index}.monthly"), plan.get(f"goal.{index}.date")
        on_track, projected = plan.get(f"goal.{index}.on_track"), plan.get(f"goal.{index}.projected")
        left = plan.get(f"goal.{index}.left")
        line = f"- {name.value}: {draft.say(saved)} of {draft.say(target)}"
        if left is not None and left.number > 0:
            line += f" ({draft.say(left)} to go)"
        if monthly is not None:
            line += f"; {draft.say(monthly)} planned this month"
        if date is not None:
            line += f"; due {draft.say(date)}, " + ("on track" if on_track and on_track.value == "yes" else "behind")
            if projected is not None and not (on_track and on_track.value == "yes"):
                line += f": at this pace reached in {_month(projected, draft)}"
        elif projected is not None:
            line += f"; reached in {_month(projected, draft)}"
        lines.append(line)
    safe = plan.get("surplus.safe")
    intro = f"Your goals{draft.when(plan)}:" if lines else plan.note
    draft.add(intro + "\n" + "\n".join(lines))
    if safe is not None:
        draft.add(f"You can safely save {draft.say(safe)} this month in all.")
    return draft


def _invest(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(readiness(user=user, today=today), "Investment readiness")
    if not result.available:
        draft.add(f"I can't tell yet: {result.note}")
        return draft
    score, ready = result.get("score"), result.get("ready")
    failed = [i for i in range(1, 10) if result.get(f"gate.{i}.passed") and result.get(f"gate.{i}.passed").value == "no"]  # type: ignore[union-attr]
    if ready and ready.value == "yes":
        monthly, category, horizon = result.get("monthly_investable"), result.get("category"), result.get("horizon")
        text = f"Yes: your readiness score is {draft.say(score)} of 100 and every check passes{draft.when(result)}."
        if monthly is not None:
            text += f" You could invest about {draft.say(monthly)} a month"
            text += (f" in a {category.value.lower()} mix" if category else "") + \
                (f" for {draft.say(horizon)} years or more." if horizon else ".")
        draft.add(text)
    else:
        draft.add(f"Not yet: your readiness score is {draft.say(score)} of 100{draft.when(result)}. First:")
        lines = []
        for index in failed:
            title = result.get(f"gate.{index}.name")
            figures = result.get(f"gate.{index}.figures")
            lines.append(f"- {title.value if title else ''}" + (f": {draft.say(figures)}" if figures else ""))
        draft.paragraphs[-1] += "\n" + "\n".join(lines)
    raise_most = result.get("raise_most")
    if raise_most:
        draft.add(f"What would help most: {draft.say(raise_most)}")
    return draft


def _due(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    lowered = match.question.lower()
    before_payday = match.days is None and not any(w in lowered for w in ("this week", "next week", "few days"))
    days = match.days or (7 if "week" in lowered else 30)
    if match.date is not None and match.date > today and not re.search(r"pay\s*day|get\s+paid|salary|pay\s*check", lowered):
        before_payday, days = False, (match.date - today).days
    result = draft.use(upcoming_bills(user=user, today=today, before_payday=before_payday, days=days), "Upcoming bills")
    payday, count, total = result.get("payday"), result.get("bills.count"), result.get("bills.total")
    window = f"before your next payday on {draft.say(payday)}" if payday else f"in the next {days} days"
    if result.note and not payday:
        draft.add(result.note)
    if count is None or int(count.value) == 0:
        draft.add(f"Nothing is due {window}.")
    else:
        lines = []
        for index in range(1, 11):
            name = result.get(f"bill.{index}.name")
            if name is None:
                break
            overdue = " (overdue)" if result.get(f"bill.{index}.overdue") else ""
            lines.append(f"- {name.value}: {draft.say(result.get(f'bill.{index}.amount'))} on "
                         f"{draft.say(result.get(f'bill.{index}.due'))}{overdue}")
        draft.add(f"{draft.say(count)} bill{'s' if int(count.value) != 1 else ''} due {window}, "
                  f"{draft.say(total)} in all:\n" + "\n".join(lines))
    forecast = balance_forecast(user=user, today=today)
    lowest = forecast.get("lowest.amount")
    if payday and lowest is not None:
        draft.use(forecast, "Balance forecast")
        draft.add(f"Your balance is expected to be lowest at {draft.say(lowest)} on "
                  f"{draft.say(forecast.get('lowest.date'))}{draft.when(forecast)}.")
    return draft


def _save(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    plan = goals_plan(user=user, today=today)
    safe = plan.get("surplus.safe")
    if safe is not None:
        draft.use(plan, "Goal plan")
        forecast, buffer, usual = plan.get("surplus.forecast"), plan.get("surplus.buffer"), plan.get("surplus.usual")
        how = (f"your expected income less your expected spending and bills ({draft.say(forecast)}), less a cushion "
               f"of {draft.say(buffer)} for a month that goes worse than usual")
        if safe.number > 0:
            draft.add(f"You can safely save {draft.say(safe)} this month{draft.when(plan)}: {how}.")
        else:
            draft.add(f"Nothing is safe to set aside this month ({draft.say(safe)}){draft.when(plan)}: {how}, leaves "
                      "nothing over.")
        if usual is not None and usual.number > 0:
            draft.add(f"In a usual month after this one, {draft.say(usual)} is safe to save.")
    result = draft.use(savings_summary(user=user, today=today), "Savings")
    average, rate, target = result.get("average.savings"), result.get("rate"), result.get("target")
    if average is None:
        if not draft.paragraphs:
            draft.add(f"I can't tell yet: {result.note}")
        return draft
    months = result.get("months")
    text = f"Over the last {draft.say(months)} full months you saved {draft.say(average)} a month on average"
    if rate is not None:
        text += f", {draft.say(rate)} of your income (your target is {draft.say(target)})"
    draft.add(text + ".")
    if safe is None:
        draft.add(f"Saving that again, {draft.say(average)} a month, is a fair starting point; add a goal and I'll "
                  "work out a safe monthly amount from your forecast.")
    return draft


def _savings_rate(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(savings_summary(user=user, today=today), "Savings")
    if not result.available:
        draft.add(f"I can't tell yet: {result.note}")
        return draft
    income, spending = result.get("average.income"), result.get("average.spending")
    average, rate, target = result.get("average.savings"), result.get("rate"), result.get("target")
    months = result.get("months")
    text = (f"Over the last {draft.say(months)} full months you earned {draft.say(income)} and spent "
            f"{draft.say(spending)} a month on average, saving {draft.say(average)} a month")
    if rate is not None:
        text += f": a savings rate of {draft.say(rate)} against your target of {draft.say(target)}"
        on_target = rate.number >= target.number if target else False
        text += " (on target)." if on_target else " (below it)."
    else:
        text += "."
    draft.add(text)
    last, last_rate = result.get("last.savings"), result.get("last.rate")
    if last is not None:
        text = (f"In {last.label.removeprefix('Saved in ')} you earned {draft.say(result.get('last.income'))}, spent "
                f"{draft.say(result.get('last.spending'))} and saved {draft.say(last)}")
        draft.add(text + (f" ({draft.say(last_rate)} of income)." if last_rate else "."))
        if match.period == "last_month":
            draft.paragraphs.reverse()
    return draft


def _budget(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(budget_status(user=user, today=today), "Budgets")
    if not result.available:
        draft.add("You have no budgets for this month yet. Set one on the budgets page and I'll keep an eye on it.")
        return draft
    lines = []
    for index in range(1, 30):
        name = result.get(f"budget.{index}.name")
        if name is None:
            break
        spent, available = result.get(f"budget.{index}.spent"), result.get(f"budget.{index}.available")
        remaining, status = result.get(f"budget.{index}.remaining"), result.get(f"budget.{index}.status")
        line = f"- {name.value}: {draft.say(spent)} of {draft.say(available)}"
        line += (f", over by {_signed(remaining, draft).rsplit(' ', 1)[0]}" if remaining.number < 0  # type: ignore[union-attr]
                 else f", {draft.say(remaining)} left") + (f" ({status.value})" if status else "")
        lines.append(line)
    over, elapsed = result.get("over.count"), result.get("month_elapsed")
    draft.add(f"{draft.say(elapsed)} of the month has gone; {draft.say(over)} of your budgets "
              f"{'is' if over and int(over.value) == 1 else 'are'} over:\n" + "\n".join(lines))
    return draft


def _forecast(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(balance_forecast(user=user, today=today), "Balance forecast")
    if not result.available:
        draft.add(f"I can't tell yet: {result.note}")
        return draft
    now, end, low_end = result.get("balance.now"), result.get("this_month_end.expected"), result.get("this_month_end.low")
    text = f"Your accounts hold {draft.say(now)} now"
    if end is not None:
        text += f" and are expected to hold {draft.say(end)} at the end of the month (at least {draft.say(low_end)})"
    draft.add(text + f"{draft.when(result)}.")
    lowest, date = result.get("lowest.amount"), result.get("lowest.date")
    if lowest is not None:
        income = result.get("next_income.date")
        danger = lowest.number < 0
        draft.add(f"The lowest point before your next income{f' on {draft.say(income)}' if income else ''} is "
                  f"{draft.say(lowest)} on {draft.say(date)}: "
                  + ("you may go overdrawn, so consider moving money or delaying a payment." if danger else
                     "you should not run out."))
    nxt = result.get("next_month_end.expected")
    if nxt is not None:
        draft.add(f"At the end of next month: about {draft.say(nxt)}.")
    return draft


def _alerts(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(alerts_and_patterns(user=user, today=today), "Alerts")
    high, medium = result.get("alerts.high"), result.get("alerts.medium")
    if not high.number and not medium.number:  # type: ignore[union-attr]
        draft.add(f"Nothing unusual is waiting for you: {draft.say(high)} open high-risk and {draft.say(medium)} "
                  "medium-risk alerts.")
    else:
        draft.add(f"You have {draft.say(high)} open high-risk and {draft.say(medium)} medium-risk alerts about "
                  "unusual charges.")
    lines = []
    for index in range(1, 4):
        amount = result.get(f"alert.{index}.amount")
        if amount is None:
            break
        reason = result.get(f"alert.{index}.reason")
        lines.append(f"- {amount.label.removeprefix('Alert: ')}: {draft.say(amount)}"
                     + (f" — {reason.value}" if reason else ""))
    if lines:
        draft.add("The latest:\n" + "\n".join(lines) + "\n\nTell me whether each is fine or not yours on the "
                  "alerts page.")
    return draft


def _category(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    if not match.name:  # "how much did I spend this week?": all of it, by category
        match.period = match.period or "this_month"
        return _where(match, user, today)
    period = match.period or "this_month"
    result = draft.use(spending_breakdown(user=user, today=today, period=period, by=match.by, name=match.name),
                       "Spending")
    total, share, count = result.get("item.total"), result.get("item.share"), result.get("item.count")
    span = period_get(period, today=today)
    where = "at" if match.by == "merchant" else "on"
    if count is None:
        draft.add(f"You spent nothing {where} {match.name} in {span.name}.")
    else:
        draft.add(f"You spent {draft.say(total)} {where} {match.name} in {span.name}: {draft.say(count)} "
                  f"payment{'s' if int(count.value) != 1 else ''}, {draft.say(share)} of all your spending.")
    if period == "this_month":
        before = spending_breakdown(user=user, today=today, period="last_month", by=match.by, name=match.name)
        last = before.get("item.total")
        if last is not None and (last.number or count is not None):
            draft.add(f"In {period_get('last_month', today=today).name}: {draft.say(last)}.")
    return draft


def _subscriptions(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(recurring_bills(user=user, today=today), "Bills and subscriptions")
    count, monthly = result.get("bills.count"), result.get("bills.monthly")
    if count is None or not count.number:
        draft.add("You have no bills or subscriptions recorded yet. The bills page suggests the ones it finds in "
                  "your transactions.")
        return draft
    lines = []
    for index in range(1, 16):
        name = result.get(f"bill.{index}.name")
        if name is None:
            break
        frequency = result.get(f"bill.{index}.frequency")
        lines.append(f"- {name.value}: {draft.say(result.get(f'bill.{index}.amount'))}"
                     + (f", {str(frequency.value)[0].lower()}{str(frequency.value)[1:]}" if frequency else ""))
    draft.add(f"You have {draft.say(count)} active bills and subscriptions, about {draft.say(monthly)} a month in "
              "all:\n" + "\n".join(lines))
    return draft


def _overview(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    savings = draft.use(savings_summary(user=user, today=today), "Savings")
    average, rate, target = savings.get("average.savings"), savings.get("rate"), savings.get("target")
    if average is not None:
        text = f"Saving: {draft.say(average)} a month on average over the last {draft.say(savings.get('months'))} " \
               "full months"
        if rate is not None and target is not None:
            text += f", {draft.say(rate)} of your income (target {draft.say(target)})"
        draft.add(text + ".")
    comparison = draft.use(month_comparison(user=user, today=today), "Spending by category")
    this, last = comparison.get("total.this"), comparison.get("total.last")
    if this is not None and last is not None:
        draft.add(f"Spending: {draft.say(this)} so far this month against {draft.say(last)} in the same days of "
                  "last month.")
    budgets = budget_status(user=user, today=today)
    over = budgets.get("over.count")
    if budgets.available and over is not None:
        draft.use(budgets, "Budgets")
        draft.add(f"Budgets: {draft.say(over)} over their amount this month.")
    forecast = balance_forecast(user=user, today=today)
    lowest = forecast.get("lowest.amount")
    if lowest is not None:
        draft.use(forecast, "Balance forecast")
        draft.add(f"Balance: lowest expected {draft.say(lowest)} on {draft.say(forecast.get('lowest.date'))} before "
                  f"your next income{draft.when(forecast)}.")
    alerts = draft.use(alerts_and_patterns(user=user, today=today), "Alerts")
    high, medium = alerts.get("alerts.high"), alerts.get("alerts.medium")
    if high is not None and medium is not None:
        draft.add(f"Alerts: {draft.say(high)} high-risk and {draft.say(medium)} medium-risk open.")
    if not draft.paragraphs:
        draft.add("There is not enough history yet for an overview: import a bank export or add transactions.")
    return draft


def _cut_back(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    comparison = draft.use(month_comparison(user=user, today=today, month="last_month"), "Spending by category")
    ups = [i for i in range(1, 4) if comparison.get(f"up.{i}.change")]
    if ups:
        lines = [f"- {comparison.get(f'up.{i}.name').value}: up {draft.say(comparison.get(f'up.{i}.change'))} to "  # type: ignore[union-attr]
                 f"{draft.say(comparison.get(f'up.{i}.this'))}" for i in ups]
        draft.add("Last month, these rose most against the month before:\n" + "\n".join(lines))
    budgets = budget_status(user=user, today=today)
    over = [i for i in range(1, 30) if budgets.get(f"budget.{i}.remaining") is not None
            and budgets.get(f"budget.{i}.remaining").number < 0]  # type: ignore[union-attr]
    if over:
        draft.use(budgets, "Budgets")
        lines = [f"- {budgets.get(f'budget.{i}.name').value}: {draft.say(budgets.get(f'budget.{i}.spent'))} of "  # type: ignore[union-attr]
                 f"{draft.say(budgets.get(f'budget.{i}.available'))}" for i in over]
        draft.add("Over budget this month:\n" + "\n".join(lines))
    bills = recurring_bills(user=user, today=today)
    monthly = bills.get("bills.monthly")
    if monthly is not None and monthly.number > 0:
        draft.use(bills, "Bills and subscriptions")
        draft.add(f"Your bills and subscriptions cost about {draft.say(monthly)} a month: one you no longer use is "
                  "money saved every month.")
    if not draft.paragraphs:
        draft.add("Nothing stands out: no category rose last month and no budget is over.")
    return draft


def _debt(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    result = draft.use(debts(user=user, today=today), "Accounts")
    total, count = result.get("owed.total"), result.get("owed.count")
    if total is None or not total.number:
        draft.add(f"You owe nothing on your accounts right now ({draft.say(total)}): no card or account is below "
                  "zero.")
    else:
        lines = [f"- {result.get(f'account.{i}.name').value}: {draft.say(result.get(f'account.{i}.owed'))}"  # type: ignore[union-attr]
                 for i in range(1, 11) if result.get(f"account.{i}.owed") and result.get(f"account.{i}.owed").number > 0]  # type: ignore[union-attr]
        draft.add(f"You owe {draft.say(total)} on {draft.say(count)} account{'s' if count and count.number != 1 else ''}:"
                  "\n" + "\n".join(lines))
        draft.add("In general, paying off a card balance in full each month avoids its interest, which is usually "
                  "higher than what savings or investments earn; when there are several debts, paying the one with "
                  "the highest interest rate first costs least overall.")
    readiness_result = readiness(user=user, today=today)
    gate = next((i for i in range(1, 10) if readiness_result.get(f"gate.{i}.name") and "card" in str(
        readiness_result.get(f"gate.{i}.name").value).lower()), None)  # type: ignore[union-attr]
    if gate is not None:
        figures = readiness_result.get(f"gate.{gate}.figures")
        passed = readiness_result.get(f"gate.{gate}.passed")
        if figures is not None and passed is not None and passed.value == "no":
            draft.use(readiness_result, "Investment readiness")
            draft.add(f"Your investment readiness asks for this first: {draft.say(figures)}.")
    return draft


def _help(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(match.intent, user)
    if re.match(r"\s*(?:thanks?|thank\s+you|cheers|ok(?:ay)?|great|cool)\b", match.question, re.IGNORECASE):
        draft.add("You're welcome. Ask me anything else about your money.")
        draft.suggestions = SUGGESTIONS[:4]
        return draft
    draft.add("I answer questions about your own money from your own figures — spending, bills, budgets, savings, "
              "your balance forecast, goals and whether you are ready to invest. Try one of these:")
    draft.suggestions = SUGGESTIONS[:8]
    return draft


def _unknown(match: Match, user: User, today: dt.date) -> Draft:
    draft = Draft(UNKNOWN, user)
    draft.status = Status.UNKNOWN
    draft.add("I'm not sure what you're asking, and I'd rather not guess with your money. I can answer questions "
              "about your own spending, bills, budgets, savings, balance forecast, goals and investment "
              "readiness — for example:")
    draft.suggestions = SUGGESTIONS[:6]
    return draft


WRITERS: dict[str, Callable[[Match, User, dt.date], Draft]] = {
    "spent_more": _spent_more, "changed": _changed, "where_money_goes": _where, "afford": _afford,
    "goal_sooner": _goal_sooner, "goals_status": _goals_status, "invest_ready": _invest,
    "due_before_payday": _due, "how_much_save": _save, "savings_rate": _savings_rate, "budget": _budget,
    "forecast": _forecast, "alerts": _alerts, "category_spend": _category, "subscriptions": _subscriptions,
    "overview": _overview, "cut_back": _cut_back, "debt": _debt, "help": _help, UNKNOWN: _unknown,
}


def answer_write(match: Match, *, user: User, today: dt.date) -> Answer:
    """The written answer to a matched question."""
    draft = WRITERS.get(match.intent, _unknown)(match, user, today)
    answer = draft.answer()
    if answer.status != Status.ANSWERED and not answer.suggestions:
        answer.suggestions = SUGGESTIONS[:6]
    return answer
