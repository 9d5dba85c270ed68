"""The advisor's tools: small reads over the other apps' selectors, each returning facts (numbers with their
period, currency and the page they come from). The written answers and the local model use the same tools; the
model sees only what a tool returns (never a list of transactions), and a number it writes must be among them.

A tool never computes anything learned: forecasts, plans and readiness are the worker's stored results, and a
tool says when they were computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import User
from alerts import selectors as alerts
from budgets import selectors as budgets
from core.money import CENT, as_decimal, money_text
from core.months import month_add, month_end, month_start
from goals import selectors as goals
from goals.refresh import goal_saved
from insights import analytics
from insights import selectors as forecasts
from insights.models import ForecastKind
from mlcore import services as mlcore
from payments import selectors as payments
from transactions.models import AccountKind
from transactions.selectors import account_list

ZERO = Decimal("0.00")
TOP = 5  # rows of a breakdown a tool returns


# ---- facts ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """One figure: what it is, its value, and where it comes from."""

    key: str  # stable name, e.g. "spending.total"
    label: str  # "Spending, 1–6 December 2026"
    value: Decimal | int | str | dt.date
    kind: str = "money"  # money | percent | count | date | text
    currency: str = ""
    period: str = ""  # "2026-12-01..2026-12-06", "2026-11", "next 30 days"
    link: str = ""

    @property
    def number(self) -> Decimal:
        """The value as a number (money, percent, count); 0 for text and dates."""
        if isinstance(self.value, (Decimal, int)):
            return Decimal(self.value)
        parsed = as_decimal(self.value) if isinstance(self.value, str) else None
        return parsed if parsed is not None else Decimal(0)

    def text(self) -> str:
        """The value as pages write it: "EUR 1,150.00", "31.5%", "3 Jan 2027", "4"."""
        if self.kind == "money":
            return money_text(self.value, self.currency)
        if self.kind == "percent":
            return f"{self.number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
        if self.kind == "date" and isinstance(self.value, dt.date):
            return f"{self.value.day} {self.value:%b %Y}"
        return str(self.value)

    def to_json(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, dt.date) else str(self.value)
        return {"key": self.key, "label": self.label, "value": value, "text": self.text(), "kind": self.kind,
                "currency": self.currency, "period": self.period, "link": self.link}


@dataclass
class ToolResult:
    tool: str
    args: dict[str, Any]
    facts: list[Fact] = field(default_factory=list)
    link: str = ""
    computed_at: dt.datetime | None = None  # for stored, learned results: when the worker computed them
    note: str = ""  # e.g. "No budgets yet."
    available: bool = True  # False: nothing to say yet (no goals, no forecast computed, ...)

    def add(self, key: str, label: str, value: Any, kind: str = "money", *, currency: str = "", period: str = "",
            link: str = "") -> Fact:
        if kind == "money":
            value = (as_decimal(value) or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)
        elif kind == "percent":
            value = (as_decimal(value) or ZERO).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        fact = Fact(key=key, label=label, value=value, kind=kind, currency=currency, period=period,
                    link=link or self.link)
        self.facts.append(fact)
        return fact

    def get(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)

    def starting(self, prefix: str) -> list[Fact]:
        return [f for f in self.facts if f.key.startswith(prefix)]

    def to_json(self) -> dict[str, Any]:
        """What the local model receives: labels and values, never rows of the ledger."""
        return {"tool": self.tool, "arguments": self.args, "available": self.available, "note": self.note,
                "computed_at": self.computed_at.isoformat(timespec="minutes") if self.computed_at else None,
                "facts": [{"label": f.label, "value": f.text(), **({"period": f.period} if f.period else {})}
                          for f in self.facts]}


# ---- arguments -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    name: str  # "this month so far", "November 2026", ...

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


PERIODS = ("today", "yesterday", "this_week", "last_week", "this_month", "last_month", "last_3_months", "this_year",
           "last_12_months")


def period_get(name: str | None, *, today: dt.date) -> Period:
    """A named period (``PERIODS``) or a month "YYYY-MM", never past today."""
    name = (name or "this_month").strip()
    this = month_start(today)
    if len(name) == 7 and name[4] == "-" and name[:4].isdigit() and name[5:].isdigit():
        month = dt.date(int(name[:4]), min(max(int(name[5:]), 1), 12), 1)
        if month > this:
            month = month.replace(year=month.year - 1)
        end = min(month_end(month), today)
        return Period(month, end, f"{month:%B %Y}" + (" so far" if end < month_end(month) else ""))
    if name == "last_month":
        last = month_add(this, -1)
        return Period(last, month_end(last), f"{last:%B %Y}")
    if name == "last_3_months":
        first = month_add(this, -3)
        return Period(first, this - dt.timedelta(days=1), f"{first:%B} to {month_add(this, -1):%B %Y}")
    if name == "last_12_months":
        first = month_add(this, -12)
        return Period(first, this - dt.timedelta(days=1), f"the 12 months to {month_add(this, -1):%B %Y}")
    if name == "this_year":
        return Period(today.replace(month=1, day=1), today, f"{today.year} so far")
    if name == "today":
        return Period(today, today, "today")
    if name == "yesterday":
        day = today - dt.timedelta(days=1)
        return Period(day, day, f"yesterday ({day.day} {day:%b})")
    monday = today - dt.timedelta(days=today.weekday())
    if name == "this_week":
        return Period(monday, today, f"this week so far (since Monday {monday.day} {monday:%b})")
    if name == "last_week":
        start = monday - dt.timedelta(days=7)
        return Period(start, monday - dt.timedelta(days=1), f"last week ({start.day}–{(monday - dt.timedelta(days=1)).day} "
                      f"{start:%b})")
    return Period(this, today, f"{this:%B %Y} so far")


def _spending_link(period: Period) -> str:
    query = urlencode({"period": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()})
    return f"{reverse('insights:spending')}?{query}"


def _currency(user: User) -> str:
    return user.financial_profile.preferred_currency


# ---- the tools -----------------------------------------------------------------------------------------------

def spending_breakdown(*, user: User, today: dt.date, period: str | None = None, by: str = "category",
                       name: str | None = None) -> ToolResult:
    """Spending in a period by top-level category or by merchant; with ``name``, that one category or merchant."""
    span = period_get(period, today=today)
    currency = _currency(user)
    by = "merchant" if by == "merchant" else "category"
    result = ToolResult("spending_breakdown", {"period": period or "this_month", "by": by, **({"name": name} if name else {})},
                        link=_spending_link(span))
    if by == "merchant":
        rows = [(r.merchant, r.total, r.share, r.count) for r in
                analytics.spending_by_merchant(user=user, start=span.start, end=span.end, limit=200)]
    else:
        rows = [(r.name, r.total, r.share, r.count) for r in
                analytics.spending_by_category(user=user, start=span.start, end=span.end)]
    total = sum((total for _, total, _, _ in rows), ZERO)
    result.add("spending.total", f"All spending, {span.name}", total, currency=currency, period=span.key)
    if name:
        wanted = name.casefold()
        match = next((r for r in rows if r[0].casefold() == wanted), None)
        if match is None and by == "category":  # a sub-category ("Groceries" under "Food & Drink")
            sub = [(r.name, r.total, r.share, r.count) for r in
                   analytics.spending_by_category(user=user, start=span.start, end=span.end, level="sub")]
            match = next((r for r in sub if r[0].casefold() == wanted), None)
        match = match or next((r for r in rows if wanted in r[0].casefold()), None)
        if match is None:
            result.note = f"No spending on {name} in {span.name}."
            result.add("item.total", f"{name}, {span.name}", ZERO, currency=currency, period=span.key)
        else:
            result.add("item.total", f"{match[0]}, {span.name}", match[1], currency=currency, period=span.key)
            result.add("item.share", f"{match[0]}'s share of all spending", match[2], "percent", period=span.key)
            result.add("item.count", f"Payments to {match[0]}", match[3], "count", period=span.key)
        return result
    if not rows:
        result.note = f"No spending recorded in {span.name}."
    for index, (label, amount, share, _count) in enumerate(rows[:TOP], 1):
        result.add(f"top.{index}.total", f"{label}, {span.name}", amount, currency=currency, period=span.key)
        result.add(f"top.{index}.share", f"{label}'s share of all spending", share, "percent", period=span.key)
    return result


def month_comparison(*, user: User, today: dt.date, month: str | None = None) -> ToolResult:
    """This month (so far, like with like) against last month, per category: what moved most, both ways."""
    span = period_get(month or "this_month", today=today)
    compared = analytics.month_over_month(user=user, month=span.start, today=today)
    currency = compared.currency
    result = ToolResult("month_comparison", {"month": f"{span.start:%Y-%m}"}, link=_spending_link(span))
    result.note = compared.compared
    period = f"{compared.month:%Y-%m}"
    result.add("total.this", f"Spending, {compared.compared.split(' against ')[0]}", compared.total_this_month,
               currency=currency, period=period)
    result.add("total.last", f"Spending in the same days of {compared.previous_month:%B}"
               if compared.through_day else f"Spending in {compared.previous_month:%B %Y}",
               compared.total_last_month, currency=currency, period=f"{compared.previous_month:%Y-%m}")
    change = compared.total_this_month - compared.total_last_month
    result.add("total.change", "Change in spending", change, currency=currency, period=period)
    if compared.total_last_month > 0:
        result.add("total.change_percent", "Change in spending, percent",
                   change * 100 / compared.total_last_month, "percent", period=period)
    for direction, rows in (("up", compared.movers_up), ("down", compared.movers_down)):
        for index, row in enumerate(rows, 1):
            key = f"{direction}.{index}"
            result.add(f"{key}.this", f"{row.name}, {compared.compared.split(' against ')[0]}", row.this_month,
                       currency=currency, period=period)
            result.add(f"{key}.last", f"{row.name}, before", row.last_month, currency=currency,
                       period=f"{compared.previous_month:%Y-%m}")
            result.add(f"{key}.change", f"{row.name}, change", row.change, currency=currency, period=period)
            result.add(f"{key}.average", f"{row.name}, average of the three months before", row.average,
                       currency=currency, period=period)
            result.add(f"{key}.name", "Category", row.name, "text")
            if row.change_percent is not None:
                result.add(f"{key}.change_percent", f"{row.name}, change in percent", row.change_percent,
                           "percent", period=period)
    return result


def budget_status(*, user: User, today: dt.date) -> ToolResult:
    """Each budget this month: its amount, what is spent, what is left, and whether it is over or ahead of pace."""
    month = month_start(today)
    result = ToolResult("budget_status", {"month": f"{month:%Y-%m}"}, link=reverse("budgets:list"))
    progress = budgets.budget_progress(user=user, month=month, today=today)
    if not progress:
        result.available = False
        result.note = "No budgets for this month yet."
        return result
    period = f"{month:%Y-%m}"
    result.add("month_elapsed", "Share of the month gone", progress[0].month_elapsed, "percent", period=period)
    result.add("over.count", "Budgets over their amount", sum(p.status == "over" for p in progress), "count",
               period=period)
    for index, p in enumerate(progress, 1):
        key = f"budget.{index}"
        result.add(f"{key}.name", "Budget", p.name, "text")
        result.add(f"{key}.available", f"{p.name} budget", p.available, currency=p.currency, period=period)
        result.add(f"{key}.spent", f"{p.name} spent", p.spent, currency=p.currency, period=period)
        result.add(f"{key}.remaining", f"{p.name} left", p.remaining, currency=p.currency, period=period)
        result.add(f"{key}.percent", f"{p.name} used", p.percent, "percent", period=period)
        result.add(f"{key}.status", f"{p.name} status", {"over": "over", "warning": "close to its amount"}.get(
            p.status, "on track") if p.pace == "on track" or p.status == "over" else "ahead of pace", "text")
    return result


def upcoming_bills(*, user: User, today: dt.date, before_payday: bool = True, days: int = 30) -> ToolResult:
    """Bills still to pay before the next payday (or in the next ``days`` days), with the total."""
    result = ToolResult("upcoming_bills", {"before_payday": before_payday, **({} if before_payday else {"days": days})},
                        link=reverse("payments:upcoming"))
    currency = _currency(user)
    if before_payday:
        due = payments.due_before_payday(user=user, today=today)
        payday = due["payday"]
        if payday is None:
            result.note = "Your payday is not known yet: no salary found and no monthly income in your profile."
            before_payday, days = False, 30
            result.args = {"before_payday": False, "days": days}
        else:
            result.add("payday", f"Next payday ({payday.label})", payday.date, "date")
            bills = due["bills"]
            totals = due["totals"]
            period = f"{today.isoformat()}..{(payday.date - dt.timedelta(days=1)).isoformat()}"
    if not before_payday:
        until = today + dt.timedelta(days=max(1, min(int(days), 366)))
        bills = [b for b in payments.upcoming_bills(user=user, today=today, days=(until - today).days) if b.is_open]
        totals = payments.currency_totals([(b.currency, b.amount_upper) for b in bills])
        period = f"{today.isoformat()}..{until.isoformat()}"
    result.add("bills.count", "Bills to pay", len(bills), "count", period=period)
    for code, total in totals or [(currency, ZERO)]:
        result.add("bills.total" if code == currency else f"bills.total.{code}", "Total of those bills", total,
                   currency=code, period=period)
    for index, bill in enumerate(bills[:10], 1):
        key = f"bill.{index}"
        result.add(f"{key}.name", "Bill", bill.payment.name, "text")
        result.add(f"{key}.amount", f"{bill.payment.name}", bill.amount_upper, currency=bill.currency,
                   period=bill.due_date.isoformat())
        result.add(f"{key}.due", f"{bill.payment.name} due", bill.due_date, "date")
        if bill.status == "overdue":
            result.add(f"{key}.overdue", f"{bill.payment.name} is overdue", "overdue", "text")
    return result


_PER_MONTH = {"weekly": Decimal(52) / 12, "monthly": Decimal(1), "monthly_last_day": Decimal(1),
              "quarterly": Decimal(1) / 3, "yearly": Decimal(1) / 12}


def recurring_bills(*, user: User, today: dt.date) -> ToolResult:
    """The active bills and subscriptions: each with its amount and how often, and what they cost a month in all."""
    result = ToolResult("recurring_bills", {}, link=reverse("payments:bills"))
    bills = list(payments.recurring_payment_list(user=user, active=True))
    currency = _currency(user)
    monthly = ZERO
    for bill in bills:
        if bill.frequency == "every_n_weeks":
            factor = Decimal(52) / 12 / max(bill.interval, 1)
        elif bill.frequency == "every_n_days":
            factor = Decimal("30.4375") / max(bill.interval, 1)
        else:
            factor = _PER_MONTH.get(bill.frequency, Decimal(1))
        if bill.currency == currency:
            monthly += (bill.amount_max or bill.amount) * factor
    result.add("bills.count", "Active bills and subscriptions", len(bills), "count")
    result.add("bills.monthly", "What they cost a month, in all", monthly, currency=currency)
    for index, bill in enumerate(sorted(bills, key=lambda b: -(b.amount_max or b.amount))[:15], 1):
        result.add(f"bill.{index}.name", "Bill", bill.name, "text")
        result.add(f"bill.{index}.amount", bill.name, bill.amount_max or bill.amount, currency=bill.currency)
        result.add(f"bill.{index}.frequency", f"{bill.name}: how often", payments.frequency_text(bill), "text")
    if not bills:
        result.note = "No bills or subscriptions recorded yet."
    return result


def _forecast_rows(user: User) -> dict[str, Any]:
    rows = {(row.kind, row.account_id): row for row in forecasts.forecast_list(user=user)}
    return {"balance": rows.get((ForecastKind.BALANCE, None)), "spending": rows.get((ForecastKind.DAILY_SPENDING, None)),
            "income": rows.get((ForecastKind.DAILY_INCOME, None))}


def balance_forecast(*, user: User, today: dt.date) -> ToolResult:
    """The stored forecast: balance now, at this and next month's end, and the lowest point before the next income."""
    result = ToolResult("balance_forecast", {}, link=reverse("insights:forecast"))
    rows = _forecast_rows(user)
    total = rows["balance"]
    if total is None:
        result.available = False
        result.note = "No forecast yet: it is worked out each night once there is some history."
        return result
    result.computed_at = total.created_at
    summary, currency = total.summary, total.currency
    result.add("balance.now", "Balance of all accounts now", summary.get("current_balance"), currency=currency,
               period=today.isoformat())
    for key, label in (("this_month_end", "Expected balance at the end of this month"),
                       ("next_month_end", "Expected balance at the end of next month")):
        point = summary.get(key)
        if point:
            result.add(f"{key}.expected", label, point["yhat"], currency=currency, period=point["date"])
            result.add(f"{key}.low", f"{label}, low end (1 in 10 chance of less)", point["lower"],
                       currency=currency, period=point["date"])
    lowest = summary.get("lowest_before_income")
    if lowest:
        result.add("lowest.amount", "Lowest expected balance before the next income", lowest["amount"],
                   currency=currency, period=lowest["date"])
        result.add("lowest.date", "Date of the lowest balance", dt.date.fromisoformat(lowest["date"]), "date")
        result.add("lowest.low", "Lowest balance, low end", lowest.get("lower", lowest["amount"]), currency=currency,
                   period=lowest["date"])
        if lowest.get("next_income_date"):
            result.add("next_income.date", "Next income", dt.date.fromisoformat(lowest["next_income_date"]), "date")
    for kind, label in (("spending", "Expected spending"), ("income", "Expected income")):
        row = rows[kind]
        if row is not None and row.summary.get("next_month"):
            result.add(f"{kind}.next_month", f"{label} next month", row.summary["next_month"]["yhat"],
                       currency=row.currency, period=f"{month_add(month_start(today), 1):%Y-%m}")
    return result


def savings_summary(*, user: User, today: dt.date, months: int = 6) -> ToolResult:
    """Income, spending and savings of the last full months, their average, the savings rate, this month so far."""
    months = max(1, min(int(months), 24))
    history = analytics.savings_history(user=user, months=months + 1, today=today)
    full, current = history[:-1], history[-1]
    while full and not full[0].income and not full[0].spending:
        full.pop(0)
    currency = _currency(user)
    result = ToolResult("savings_summary", {"months": months}, link=reverse("insights:savings"))
    if not full:
        result.available = False
        result.note = "Not enough history yet: this needs at least one full month."
        return result
    period = f"{full[0].month:%Y-%m}..{full[-1].month:%Y-%m}"
    income = sum((r.income for r in full), ZERO)
    saved = sum((r.savings for r in full), ZERO)
    result.add("months", "Full months counted", len(full), "count", period=period)
    result.add("average.savings", "Average saved per month", saved / len(full), currency=currency, period=period)
    result.add("average.income", "Average income per month", income / len(full), currency=currency, period=period)
    result.add("average.spending", "Average spending per month", sum((r.spending for r in full), ZERO) / len(full),
               currency=currency, period=period)
    if income > 0:
        result.add("rate", "Savings rate (saved ÷ income)", saved * 100 / income, "percent", period=period)
    result.add("target", "Your savings-rate target", full[-1].target_rate, "percent")
    result.add("months.negative", "Months you spent more than you earned", sum(r.savings < 0 for r in full), "count",
               period=period)
    last = full[-1]
    result.add("last.income", f"Income in {last.month:%B %Y}", last.income, currency=currency,
               period=f"{last.month:%Y-%m}")
    result.add("last.spending", f"Spending in {last.month:%B %Y}", last.spending, currency=currency,
               period=f"{last.month:%Y-%m}")
    result.add("last.savings", f"Saved in {last.month:%B %Y}", last.savings, currency=currency,
               period=f"{last.month:%Y-%m}")
    if last.savings_rate is not None:
        result.add("last.rate", f"Savings rate in {last.month:%B %Y}", last.savings_rate, "percent",
                   period=f"{last.month:%Y-%m}")
    result.add("current.savings", f"Saved so far in {current.month:%B %Y}", current.savings, currency=currency,
               period=f"{current.month:%Y-%m}")
    best = max(full, key=lambda r: r.savings)
    result.add("best.savings", f"Best month: {best.month:%B %Y}", best.savings, currency=currency,
               period=f"{best.month:%Y-%m}")
    return result


def alerts_and_patterns(*, user: User, today: dt.date) -> ToolResult:
    """Open unusual-charge alerts by level with the latest ones, and the usual monthly spending of the top categories."""
    result = ToolResult("alerts_and_patterns", {}, link=reverse("alerts:list"))
    panel = alerts.alert_panel(user=user)
    result.add("alerts.high", "Open high-risk alerts", panel.open_high, "count")
    result.add("alerts.medium", "Open medium-risk alerts", panel.open_medium, "count")
    for index, alert in enumerate(panel.latest[:3], 1):
        result.add(f"alert.{index}.amount", f"Alert: {alert.description[:60]} on {alert.date:%-d %b}",
                   abs(alert.amount), currency=alert.currency, period=alert.date.isoformat(),
                   link=reverse("alerts:detail", args=[alert.pk]))
        reason = (alert.factors or [{}])[0].get("sentence", "")
        if reason:
            result.add(f"alert.{index}.reason", "Why", reason, "text")
    stored = mlcore.patterns_get(user=user)
    if stored is not None:
        patterns, computed_at = stored
        result.computed_at = computed_at
        result.add("usual.month", "Usual monthly spending", patterns.monthly_spending_mean,
                   currency=patterns.currency, link=reverse("mlcore:patterns"))
        spending = [c for c in patterns.categories if c.kind == "expense"][:3]
        for index, category in enumerate(spending, 1):
            result.add(f"usual.{index}", f"Usual monthly spending on {category.name}", category.monthly_mean,
                       currency=patterns.currency, link=reverse("mlcore:patterns"))
            result.add(f"usual.{index}.range", f"Usual range for {category.name}",
                       f"{money_text(category.usual_low, patterns.currency)} to {money_text(category.usual_high)}",
                       "text", link=reverse("mlcore:patterns"))
    return result


def _goal_rows(user: User) -> tuple[list[Any], goals.StoredPlan | None, dict[int, Decimal]]:
    rows = list(goals.goal_list(user=user))
    stored = goals.plan_get(user=user)
    balances = goals.account_balances(user=user) if any(g.linked_accounts.all() for g in rows) else {}
    return rows, stored, balances


def goals_plan(*, user: User, today: dt.date, goal: str | None = None) -> ToolResult:
    """Each goal (or the one named): target, saved, date, the plan's monthly amount and its chance of making the date;
    the safe monthly surplus the plan shares out."""
    result = ToolResult("goals_plan", {**({"goal": goal} if goal else {})}, link=reverse("goals:list"))
    rows, stored, balances = _goal_rows(user)
    if not rows:
        result.available = False
        result.note = "No goals yet."
        return result
    if stored is not None:
        result.computed_at = stored.computed_at
        plan = stored.plan
        currency = plan["currency"]
        surplus = plan["surplus"]
        result.add("surplus.safe", "Safe amount to save this month", surplus["safe"], currency=currency,
                   period=plan["month"][:7])
        result.add("surplus.forecast", "Expected income less expected spending this month", surplus["forecast"],
                   currency=currency, period=plan["month"][:7])
        result.add("surplus.buffer", "Cushion for a month that goes worse than usual", surplus["buffer"],
                   currency=currency, period=plan["month"][:7])
        result.add("surplus.usual", "Safe amount to save in a usual later month", surplus["usual"], currency=currency)
        result.add("plan.allocated", "Planned for your goals this month", plan["allocated"], currency=currency,
                   period=plan["month"][:7])
        result.add("plan.unallocated", "Left over after the goals", plan["unallocated"], currency=currency,
                   period=plan["month"][:7])
    chosen = rows
    if goal:
        wanted = goal.casefold()
        chosen = [g for g in rows if g.name.casefold() == wanted] or [g for g in rows if wanted in g.name.casefold()]
        result.note = "" if chosen else f"No goal called {goal}."
    for index, g in enumerate(chosen, 1):
        key = f"goal.{index}"
        link = reverse("goals:detail", args=[g.pk])
        saved = goal_saved(g, balances)
        result.add(f"{key}.name", "Goal", g.name, "text", link=link)
        result.add(f"{key}.id", "Goal number", g.pk, "count", link=link)
        result.add(f"{key}.target", f"{g.name}: target", g.target_amount, currency=g.currency, link=link)
        result.add(f"{key}.saved", f"{g.name}: saved", saved, currency=g.currency, link=link)
        result.add(f"{key}.left", f"{g.name}: still to save", max(g.target_amount - saved, ZERO), currency=g.currency,
                   link=link)
        if g.target_date:
            result.add(f"{key}.date", f"{g.name}: target date", g.target_date, "date", link=link)
        row = stored.goal(g.pk) if stored else None
        if row:
            result.add(f"{key}.monthly", f"{g.name}: planned this month", row.get("monthly") or ZERO,
                       currency=g.currency, link=link)
            if row.get("needed_monthly") is not None:
                result.add(f"{key}.needed", f"{g.name}: needed each month to make the date", row["needed_monthly"],
                           currency=g.currency, link=link)
            if row.get("reached_on"):
                result.add(f"{key}.projected", f"{g.name}: reached at this pace",
                           dt.date.fromisoformat(row["reached_on"]), "date", link=link)
            if row.get("confidence") is not None:
                result.add(f"{key}.chance", f"{g.name}: chance of making the date",
                           Decimal(str(row["confidence"])) * 100, "percent", link=link)
            result.add(f"{key}.on_track", f"{g.name}: on track", "yes" if row.get("on_track") else "no", "text",
                       link=link)
    return result


def goal_what_if(*, user: User, today: dt.date, goal: str, extra: str | Decimal) -> ToolResult:
    """The plan again with ``extra`` more saved each month: when the named goal is reached then."""
    amount = (as_decimal(extra) or ZERO).quantize(CENT)
    result = ToolResult("goal_what_if", {"goal": goal, "extra": str(amount)}, link=reverse("goals:what_if"))
    rows = list(goals.goal_list(user=user))
    wanted = goal.casefold()
    match = next((g for g in rows if g.name.casefold() == wanted), None) or \
        next((g for g in rows if wanted in g.name.casefold()), None)
    if match is None:
        result.available = False
        result.note = f"No goal called {goal}."
        return result
    stored = goals.plan_get(user=user)
    before = stored.goal(match.pk) if stored else None
    after_plan = goals.what_if(user=user, extra=amount)
    if stored is None or before is None or after_plan is None:
        result.available = False
        result.note = "Your goal plan is not worked out yet."
        return result
    result.computed_at = stored.computed_at
    after = next((row for row in after_plan["goals"] if row["goal_id"] == match.pk), None) or {}
    link = reverse("goals:detail", args=[match.pk])
    result.add("goal.name", "Goal", match.name, "text", link=link)
    result.add("extra", "Saved more each month", amount, currency=match.currency)
    for label, row, prefix in (("now", before, "before"),
                               (f"saving {money_text(amount, match.currency)} more a month", after, "after")):
        if row.get("reached_on"):
            result.add(f"{prefix}.projected", f"{match.name}: reached, {label}",
                       dt.date.fromisoformat(row["reached_on"]), "date", link=link)
        result.add(f"{prefix}.monthly", f"{match.name}: saved this month, {label}", row.get("monthly") or ZERO,
                   currency=match.currency, link=link)
        if row.get("confidence") is not None:
            result.add(f"{prefix}.chance", f"{match.name}: chance of making the date, {label}",
                       Decimal(str(row["confidence"])) * 100, "percent", link=link)
    return result


def readiness(*, user: User, today: dt.date) -> ToolResult:
    """Investment readiness: the score, each gate with its numbers, and (when ready) the monthly amount and category."""
    result = ToolResult("readiness", {}, link=reverse("goals:readiness"))
    report = goals.readiness_get(user=user)
    if report is None:
        result.available = False
        result.note = "Your investment readiness is not worked out yet: it is computed each night."
        return result
    data = report.result
    result.computed_at = report.computed_at
    currency = data.get("currency", _currency(user))
    result.add("score", "Readiness score (out of 100)", report.score, "count")
    result.add("ready", "Every condition met", "yes" if report.ready else "no", "text")
    for index, gate in enumerate(data.get("gates", []), 1):
        key = f"gate.{index}"
        title = gate.get("title", "")
        result.add(f"{key}.name", "Condition", title, "text")
        result.add(f"{key}.passed", f"{title}: met", "yes" if gate.get("passed") else "no", "text")
        if gate.get("figures"):
            result.add(f"{key}.figures", f"{title}: your numbers", gate["figures"], "text")
    if data.get("raise_most"):
        result.add("raise_most", "What would raise the score most", data["raise_most"], "text")
    if data.get("monthly_investable") is not None:
        result.add("monthly_investable", "Could invest each month", data["monthly_investable"], currency=currency)
    if data.get("lump_sum") is not None:
        result.add("lump_sum", "Could invest once", data["lump_sum"], currency=currency)
    if data.get("category"):
        result.add("category", "Kind of investment that fits", data["category"], "text")
    if data.get("horizon_years") is not None:
        result.add("horizon", "Years the money can stay invested", data["horizon_years"], "count")
    return result


def afford(*, user: User, today: dt.date, amount: str | Decimal, date: str | dt.date | None = None) -> ToolResult:
    """Can the user spend ``amount`` on ``date``: the forecast balance that day (its low end), less the goal plan's
    monthly amounts until then, compared with the amount; past the forecast, the average monthly savings."""
    spend = (as_decimal(amount) or ZERO).quantize(CENT)
    if isinstance(date, str) and date:
        date = dt.date.fromisoformat(date)
    when = date if isinstance(date, dt.date) and date >= today else today
    currency = _currency(user)
    result = ToolResult("afford", {"amount": str(spend), "date": when.isoformat()}, link=reverse("insights:forecast"))
    result.add("amount", "What you want to spend", spend, currency=currency, period=when.isoformat())
    result.add("date", "When", when, "date")
    rows = _forecast_rows(user)
    total = rows["balance"]
    stored = goals.plan_get(user=user)
    monthly_goals = as_decimal(stored.plan.get("allocated")) if stored else ZERO
    months_until = max(0, (when.year - today.year) * 12 + when.month - today.month)
    set_aside = (monthly_goals or ZERO) * months_until
    point = None
    if total is not None:
        result.computed_at = total.created_at
        point = next((p for p in total.points if p["date"] == when.isoformat()), None)
        if point is None and when <= total.start_date:
            point = {"yhat": total.summary.get("current_balance"), "lower": total.summary.get("current_balance")}
    if point is not None:
        expected, low = as_decimal(point["yhat"]) or ZERO, as_decimal(point["lower"]) or ZERO
        result.add("balance.expected", "Expected balance that day", expected, currency=currency, period=when.isoformat())
        result.add("balance.low", "Balance that day, low end (1 in 10 chance of less)", low, currency=currency,
                   period=when.isoformat())
        base = low
        result.note = "From the balance forecast."
    else:
        savings = savings_summary(user=user, today=today)
        average = savings.get("average.savings")
        now = sum((a.balance for a in _accounts(user) if a.currency == currency), ZERO)
        result.add("balance.now", "Balance of your accounts now", now, currency=currency, period=today.isoformat())
        if average is None:
            result.available = False
            result.note = "Not enough history to look that far ahead."
            return result
        result.add("savings.average", "Average saved per month", average.value, currency=currency,
                   period=average.period)
        base = now + average.number * months_until
        result.add("balance.projected", "Balance then at your average savings", base, currency=currency,
                   period=when.isoformat())
        result.note = "Past the forecast: from your average monthly savings."
        result.link = reverse("insights:savings")
    if set_aside:
        result.add("goals.set_aside", "Planned for your goals until then", set_aside, currency=currency)
    left = base - set_aside - spend
    result.add("left", "Left after the purchase and your goal savings", left, currency=currency,
               period=when.isoformat())
    essentials = _essentials(stored)
    if essentials:
        result.add("cushion", "One month of essential spending", essentials, currency=currency)
    result.add("verdict", "Affordable", "yes" if left >= (essentials or ZERO) else (
        "tight" if left >= 0 else "no"), "text")
    return result


def debts(*, user: User, today: dt.date) -> ToolResult:
    """What the user owes on their accounts: each credit card or account below zero, and the total."""
    result = ToolResult("debts", {}, link=reverse("transactions:accounts"))
    currency = _currency(user)
    owed = [a for a in _accounts(user) if a.balance < 0 or a.kind == AccountKind.CREDIT_CARD]
    total = sum((-a.balance for a in owed if a.balance < 0 and a.currency == currency), ZERO)
    result.add("owed.total", "Owed in all", total, currency=currency, period=today.isoformat())
    result.add("owed.count", "Accounts with money owed", sum(1 for a in owed if a.balance < 0), "count")
    for index, account in enumerate(sorted(owed, key=lambda a: a.balance)[:10], 1):
        result.add(f"account.{index}.name", "Account", account.name, "text")
        result.add(f"account.{index}.owed", f"Owed on {account.name}", max(-account.balance, ZERO),
                   currency=account.currency, period=today.isoformat())
    return result


def _essentials(stored: goals.StoredPlan | None) -> Decimal | None:
    if stored is None:
        return None
    value = as_decimal(stored.inputs.get("essentials_month"))
    return value.quantize(CENT) if value else None


def _accounts(user: User) -> list[Any]:
    return list(account_list(user=user))


# ---- the registry --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments
    run: Callable[..., ToolResult]

    def schema(self) -> dict[str, Any]:
        """The OpenAI function-calling definition."""
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters}}


_PERIOD = {"type": "string", "description": "today, yesterday, this_week, last_week, this_month, last_month, "
                                            "last_3_months, last_12_months, this_year, or a month as YYYY-MM",
           "default": "this_month"}
_NONE: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}

TOOLS: dict[str, Tool] = {tool.name: tool for tool in (
    Tool("spending_breakdown", "Spending in a period by top-level category or by merchant; or one named category "
         "or merchant.",
         {"type": "object", "properties": {"period": _PERIOD,
                                           "by": {"type": "string", "enum": ["category", "merchant"]},
                                           "name": {"type": "string", "description": "one category or merchant"}},
          "additionalProperties": False}, spending_breakdown),
    Tool("month_comparison", "This month so far against the same days of last month, per category: the biggest "
         "rises and falls.",
         {"type": "object", "properties": {"month": {"type": "string", "description": "YYYY-MM, default this month"}},
          "additionalProperties": False}, month_comparison),
    Tool("budget_status", "This month's budgets: amount, spent, left, and which are over or ahead of pace.", _NONE,
         budget_status),
    Tool("upcoming_bills", "Bills still to pay before the next payday (or in the next N days), with their total.",
         {"type": "object", "properties": {"before_payday": {"type": "boolean", "default": True},
                                           "days": {"type": "integer", "minimum": 1, "maximum": 366}},
          "additionalProperties": False}, upcoming_bills),
    Tool("recurring_bills", "The active bills and subscriptions, each with its amount and frequency, and their "
         "monthly cost in all.", _NONE, recurring_bills),
    Tool("balance_forecast", "The balance forecast: now, at the end of this and next month, the lowest point before "
         "the next income, expected income and spending next month.", _NONE, balance_forecast),
    Tool("savings_summary", "Average monthly income, spending and savings of the last full months, the savings rate "
         "and target, this month so far.",
         {"type": "object", "properties": {"months": {"type": "integer", "minimum": 1, "maximum": 24, "default": 6}},
          "additionalProperties": False}, savings_summary),
    Tool("alerts_and_patterns", "Open alerts about unusual charges and the usual monthly spending of the main "
         "categories.", _NONE, alerts_and_patterns),
    Tool("goals_plan", "Savings goals: target, saved, date, this month's planned amount, chance of making the date, "
         "and the safe amount to save.",
         {"type": "object", "properties": {"goal": {"type": "string", "description": "a goal's name"}},
          "additionalProperties": False}, goals_plan),
    Tool("goal_what_if", "When a goal is reached if the user saves an extra amount each month.",
         {"type": "object", "properties": {"goal": {"type": "string"}, "extra": {"type": "string",
                                                                                 "description": "a decimal amount"}},
          "required": ["goal", "extra"], "additionalProperties": False}, goal_what_if),
    Tool("readiness", "Investment readiness: score, each condition with the numbers, and when ready the monthly "
         "amount and the kind of investment that fits (never a specific security).", _NONE, readiness),
    Tool("debts", "What the user owes: each credit card or account below zero, and the total.", _NONE, debts),
    Tool("afford", "Whether the user can afford an amount on a date, from the balance forecast and the goal plan.",
         {"type": "object", "properties": {"amount": {"type": "string", "description": "a decimal amount"},
                                           "date": {"type": "string", "description": "YYYY-MM-DD"}},
          "required": ["amount"], "additionalProperties": False}, afford),
)}


def tool_run(name: str, *, user: User, today: dt.date, arguments: dict[str, Any] | None = None) -> ToolResult:
    """Run one tool for ``user`` (the only user a tool can ever read); unknown names and arguments raise
    ``ValueError`` with a sentence a model can read."""
    tool = TOOLS.get(name)
    if tool is None:
        raise ValueError(f"There is no tool called {name!r}.")
    allowed = set(tool.parameters.get("properties", {}))
    arguments = dict(arguments or {})
    unknown = set(arguments) - allowed
    if unknown:
        raise ValueError(f"{name} takes no argument {', '.join(sorted(unknown))}.")
    try:
        return tool.run(user=user, today=today, **arguments)
    except (TypeError, ValueError, ArithmeticError) as error:
        raise ValueError(f"{name} could not use those arguments: {error}") from error
