"""What each staff page shows: its cards and its tables, each built from the aggregates in ``selectors``.

A table is built by its own function, so a CSV download runs only that table's queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertLevel, AlertStatus
from mlcore import services as mlcore
from notifications.models import Channel, DeliveryStatus
from staff import revenue, selectors
from staff.period import Period, month_add, months_between
from staff.tables import Series, Table, percent, percent_text

COHORT_MONTHS = 12
Builder = Callable[[Period], Table]


def _day(day: dt.date) -> str:
    return day.isoformat()


def _month(month: dt.date) -> str:
    return month.strftime("%Y-%m")


# --- users --------------------------------------------------------------------------------------------------


def signups_table(period: Period) -> Table:
    signups = selectors.signups_by_day(period=period)
    active = selectors.active_by(unit="day", first=period.start, last=period.end)
    days = period.days
    rows: list[list[Any]] = [[_day(day), signups.get(day, 0), active.get(day, 0)] for day in days]
    return Table(
        key="daily", title="Sign-ups and active people per day",
        definition="Sign-ups: accounts created that day. Active: people who signed in, did anything the audit "
                   "log records, or created a transaction that day (UTC).",
        columns=["Day", "Sign-ups", "Active people"], rows=rows, labels=[_day(day) for day in days],
        series=[Series("Sign-ups", [row[1] for row in rows], colour="indigo"),
                Series("Active people", [row[2] for row in rows], kind="line", colour="good")])


def weekly_table(period: Period) -> Table:
    weeks = period.weeks
    active = selectors.active_by(unit="week", first=weeks[0], last=period.end)
    rows: list[list[Any]] = [[_day(week), active.get(week, 0)] for week in weeks]
    return Table(
        key="weekly", title="Active people per week",
        definition="People active at least once in the week starting that Monday (the whole week, also the days "
                   "before the range begins, up to the range's last day).",
        columns=["Week from", "Active people"], rows=rows, labels=[row[0] for row in rows],
        series=[Series("Active people", [row[1] for row in rows])])


def monthly_table(period: Period) -> Table:
    months = period.months
    active = selectors.active_by(unit="month", first=months[0], last=period.end)
    rows: list[list[Any]] = [[_month(month), active.get(month, 0)] for month in months]
    return Table(
        key="monthly", title="Active people per month",
        definition="People active at least once in the calendar month (from its first day to the end of the "
                   "range).",
        columns=["Month", "Active people"], rows=rows, labels=[row[0] for row in rows],
        series=[Series("Active people", [row[1] for row in rows])], open=True)


def cohorts_table(period: Period) -> Table:
    last = period.end.replace(day=1)
    cohorts = months_between(max(period.start.replace(day=1), month_add(last, -(COHORT_MONTHS - 1))), last)
    sizes, active = selectors.retention(cohorts=cohorts, last=period.end)
    width = len(cohorts)
    rows: list[list[Any]] = []
    csv_rows: list[list[Any]] = []
    month_one: list[float | None] = []
    for index, cohort in enumerate(cohorts):
        size = sizes.get(cohort, 0)
        cells: list[Any] = [_month(cohort), size]
        counts: list[Any] = [_month(cohort), size]
        for offset in range(width):
            if index + offset >= width:
                cells.append("")
                counts.append("")
                continue
            count = active.get((cohort, month_add(cohort, offset)), 0)
            cells.append(f"{percent_text(percent(count, size))} ({count})" if size else "–")
            counts.append(count)
        rows.append(cells)
        csv_rows.append(counts)
        month_one.append(percent(active.get((cohort, month_add(cohort, 1)), 0), size)
                         if size and index + 1 < width else None)
    offsets = [f"Month {offset}" for offset in range(width)]
    return Table(
        key="cohorts", title="Monthly retention by the month people joined",
        definition="Each row is the people who joined in that month; month 0 is that month, month 1 the next. A "
                   "cell is the share of them active in that month, and how many.",
        columns=["Joined", "People", *offsets], rows=rows, csv_columns=["joined", "people", *offsets],
        csv_rows=csv_rows, labels=[row[0] for row in rows], percent=True,
        series=[Series("Active the month after joining (%)", month_one)], open=True)


USERS_TABLES: dict[str, Builder] = {"daily": signups_table, "weekly": weekly_table, "monthly": monthly_table,
                                    "cohorts": cohorts_table}


def users_cards(period: Period) -> list[dict[str, Any]]:
    totals = selectors.people_totals()
    active = selectors.active_last(end=period.end, windows=(1, 7, 30))
    day, week, month = active[1], active[7], active[30]
    return [
        {"label": "Accounts", "value": totals["total"], "note": f"{totals['active']} may sign in"},
        {"label": f"Active on {period.end:%-d %b}", "value": day, "note": "daily active people"},
        {"label": "Active in the last 7 days", "value": week, "note": f"to {period.end:%-d %b %Y}"},
        {"label": "Active in the last 30 days", "value": month, "note": f"to {period.end:%-d %b %Y}"},
    ]


# --- the system ---------------------------------------------------------------------------------------------


def jobs_table(period: Period) -> Table:
    jobs = selectors.jobs_by_name(period=period)
    rows: list[list[Any]] = [[job["name"], job["runs"], job["failures"],
             "" if job["avg_ms"] is None else f"{job['avg_ms']:.0f} ms",
             job["last_started"].strftime("%Y-%m-%d %H:%M") if job["last_started"] else ""] for job in jobs]
    return Table(
        key="jobs", title="Background jobs", chart_type="hbar", stacked=True,
        definition="Runs of each periodic and per-person job in the range, how many failed, their average "
                   "duration and the last start (UTC). Each run, with its error, is on the jobs page.",
        columns=["Job", "Runs", "Failures", "Average", "Last run"], rows=rows,
        csv_rows=[[job["name"], job["runs"], job["failures"],
                   "" if job["avg_ms"] is None else round(job["avg_ms"]),
                   job["last_started"].isoformat() if job["last_started"] else ""] for job in jobs],
        csv_columns=["job", "runs", "failures", "average_ms", "last_started"],
        labels=[job["name"] for job in jobs],
        series=[Series("Succeeded or running", [job["runs"] - job["failures"] for job in jobs], colour="indigo"),
                Series("Failed", [job["failures"] for job in jobs], colour="bad")], open=True)


def imports_table(period: Period) -> Table:
    imports = selectors.imports_by_day(period=period)
    days = period.days
    zero = {"files": 0, "failed": 0, "created": 0}
    rows: list[list[Any]] = [[_day(day), imports.get(day, zero)["files"], imports.get(day, zero)["failed"],
             imports.get(day, zero)["created"]] for day in days]
    return Table(
        key="imports", title="Bank file imports per day", stacked=True,
        definition="Files uploaded for import that day, how many were refused (a format or content it could not "
                   "read), and the transactions the imports created.",
        columns=["Day", "Files", "Refused", "Transactions created"], rows=rows, labels=[row[0] for row in rows],
        series=[Series("Imported or waiting", [row[1] - row[2] for row in rows], colour="indigo"),
                Series("Refused", [row[2] for row in rows], colour="bad")])


def categorizer_table(period: Period) -> Table:
    found: dict[dt.date, dict[str, int]] = {}
    for day, kind, count in mlcore.categorizer_feedback_by_day(since=period.since, until=period.until):
        found.setdefault(day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10]), {})[kind] = count
    rows: list[list[Any]] = []
    for day in period.days:
        accepted, corrected = found.get(day, {}).get("accept", 0), found.get(day, {}).get("correct", 0)
        rows.append([_day(day), accepted, corrected, percent_text(percent(accepted, accepted + corrected))])
    return Table(
        key="categorizer", title="Suggested categories accepted or corrected",
        definition="Each time someone confirmed the category Finsight suggested (accepted) or chose another "
                   "(corrected). The acceptance rate is accepted out of both.",
        columns=["Day", "Accepted", "Corrected", "Acceptance rate"], rows=rows, stacked=True,
        csv_rows=[[row[0], row[1], row[2], percent(row[1], row[1] + row[2])] for row in rows],
        csv_columns=["day", "accepted", "corrected", "acceptance_rate_percent"],
        labels=[row[0] for row in rows],
        series=[Series("Accepted", [row[1] for row in rows], colour="good"),
                Series("Corrected", [row[2] for row in rows], colour="warn")])


def review_table(period: Period) -> Table:
    buckets = mlcore.review_queue_sizes()
    rows: list[list[Any]] = [[bucket["bucket"], bucket["people"], bucket["waiting"]] for bucket in buckets]
    return Table(
        key="review", title="Review queues now",
        definition="People with transactions waiting for them to confirm a category, by how many each has "
                   "waiting, and those transactions. Today's figure: the date range does not apply.",
        columns=["Waiting per person", "People", "Transactions waiting"], rows=rows if any(r[1] for r in rows) else [],
        labels=[row[0] for row in rows], series=[Series("People", [row[1] for row in rows])], open=True,
        empty="Nobody has anything waiting for review.")


def models_table(period: Period) -> Table:
    versions = mlcore.model_versions()

    def metrics(version: dict[str, Any]) -> str:
        return ", ".join(f"{key} {value}" for key, value in sorted(version["metrics"].items())) or "–"

    rows: list[list[Any]] = [[version["model"], version["version"], version["created_at"][:16].replace("T", " "),
             "in use" if version["current"] else "", metrics(version)] for version in versions]
    return Table(
        key="models", title="Model versions", chart_type="",
        definition="Every saved version of the shared models, newest first, with the metrics its training "
                   "recorded (held-out accuracy and F1, training time). The date range does not apply.",
        columns=["Model", "Version", "Trained (UTC)", "In use", "Metrics"], rows=rows,
        csv_columns=["model", "version", "trained", "in_use", "metrics"], open=True,
        empty="No shared model has been trained yet (manage.py train_categorizer).")


LEVELS = [AlertLevel.HIGH, AlertLevel.MEDIUM, AlertLevel.LOW]
LEVEL_COLOURS = {AlertLevel.HIGH: "bad", AlertLevel.MEDIUM: "warn", AlertLevel.LOW: "waiting"}
# The person's answers, as staff read them (the alerts page words them for the person).
ANSWERS = [(AlertStatus.OPEN, "Not answered yet", "waiting"), (AlertStatus.FINE, "Fine", "good"),
           (AlertStatus.NOT_MINE, "Not mine", "bad"), (AlertStatus.DUPLICATE, "Duplicate", "warn")]


def alerts_table(period: Period) -> Table:
    found = selectors.alerts_by_day(period=period)
    rows: list[list[Any]] = [[_day(day), *(found.get(day, {}).get(level, 0) for level in LEVELS)] for day in period.days]
    return Table(
        key="alerts", title="Anomaly alerts raised per day, by level", stacked=True,
        definition="Charges the anomaly detectors flagged that day, by the level they were given.",
        columns=["Day", *(level.label for level in LEVELS)], rows=rows, labels=[row[0] for row in rows],
        series=[Series(level.label, [row[index + 1] for row in rows], colour=LEVEL_COLOURS[level])
                for index, level in enumerate(LEVELS)])


def answers_table(period: Period) -> Table:
    found = selectors.alert_answers(period=period)
    rows: list[list[Any]] = [[level.label, *(found.get((level.value, status.value), 0) for status, _, _ in ANSWERS)]
                             for level in LEVELS]
    return Table(
        key="answers", title="How people answered the alerts", chart_type="hbar", stacked=True,
        definition="Alerts raised in the range by level, and what the person said: still waiting, fine, not "
                   "mine, or a duplicate.",
        columns=["Level", *(label for _, label, _ in ANSWERS)],
        rows=rows if any(any(row[1:]) for row in rows) else [], labels=[row[0] for row in rows], open=True,
        series=[Series(label, [row[index + 1] for row in rows], colour=colour)
                for index, (_, label, colour) in enumerate(ANSWERS)])


DELIVERY_COLUMNS = [
    ("In the app", Channel.IN_APP, (DeliveryStatus.SENT,), "indigo"),
    ("Emails sent", Channel.EMAIL, (DeliveryStatus.SENT,), "good"),
    ("Emails failed", Channel.EMAIL, (DeliveryStatus.FAILED,), "bad"),
    ("Push sent", Channel.PUSH, (DeliveryStatus.SENT,), "sky"),
    ("Push failed", Channel.PUSH, (DeliveryStatus.FAILED,), "dark"),
    ("Still to send", None, (DeliveryStatus.PENDING, DeliveryStatus.SENDING), "waiting"),
]


def deliveries_table(period: Period) -> Table:
    found = selectors.deliveries_by_day(period=period)

    def cell(day: dt.date, channel: str | None, statuses: tuple[str, ...]) -> int:
        return sum(count for (ch, status), count in found.get(day, {}).items()
                   if status in statuses and (channel is None or ch == channel))

    rows: list[list[Any]] = [[_day(day), *(cell(day, channel, statuses) for _, channel, statuses, _ in DELIVERY_COLUMNS)]
            for day in period.days]
    return Table(
        key="deliveries", title="Notification deliveries per day", stacked=True,
        definition="Notifications by channel the day they were made: shown in the app, emails and push messages "
                   "sent, those that failed for good after their retries, and those still to send.",
        columns=["Day", *(label for label, _, _, _ in DELIVERY_COLUMNS)], rows=rows, labels=[row[0] for row in rows],
        series=[Series(label, [row[index + 1] for row in rows], colour=colour) for index, (label, _, _, colour) in
                enumerate(DELIVERY_COLUMNS)])


SYSTEM_TABLES: dict[str, Builder] = {
    "jobs": jobs_table, "imports": imports_table, "categorizer": categorizer_table, "review": review_table,
    "models": models_table, "alerts": alerts_table, "answers": answers_table, "deliveries": deliveries_table,
}


def system_cards(tables: dict[str, Table]) -> list[dict[str, Any]]:
    jobs, imports, categorizer = tables["jobs"], tables["imports"], tables["categorizer"]
    accepted = sum(row[1] for row in categorizer.rows)
    corrected = sum(row[2] for row in categorizer.rows)
    summary = mlcore.user_models_summary()
    return [
        {"label": "Job failures", "value": sum(row[2] for row in jobs.rows),
         "note": f"of {sum(row[1] for row in jobs.rows)} runs", "link": reverse("core:jobs")},
        {"label": "Imports refused", "value": sum(row[2] for row in imports.rows),
         "note": f"of {sum(row[1] for row in imports.rows)} files"},
        {"label": "Acceptance rate", "value": percent_text(percent(accepted, accepted + corrected)),
         "note": f"{accepted} accepted, {corrected} corrected"},
        {"label": "People with their own model", "value": summary["count"],
         "note": f"newest {summary['newest']:%Y-%m-%d}" if summary["newest"] else "none trained yet"},
    ]


# --- plans and revenue (billing on) ---------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def plans_table(period: Period) -> Table:
    plans, free = revenue.people_by_plan()
    rows: list[list[Any]] = [[plan["plan__name"], plan["people"]] for plan in plans]
    rows.append(["No plan (free)", free])
    return Table(
        key="plans", title="People by plan now", chart_type="hbar",
        definition="People whose subscription is in a trial, active or has a payment due, by its plan (a plan "
                   "staff gave counts too); everyone else who may sign in is on no plan. Today's figure: the date "
                   "range does not apply.",
        columns=["Plan", "People"], rows=rows, labels=[row[0] for row in rows],
        series=[Series("People", [row[1] for row in rows])], open=True)


def mrr_table(period: Period) -> Table:
    months = period.months
    found = revenue.mrr_by_month(months=months, now=timezone.now())
    rows: list[list[Any]] = []
    csv_rows: list[list[Any]] = []
    series = []
    for currency, figures in found.items():
        for item in figures:
            rows.append([f"{_month(item['month'])} {currency}", _money(item["mrr"], currency),
                         _money(item["new"], currency), _money(item["churned"], currency),
                         _money(item["net"], currency), item["paying"],
                         "–" if item["arpu"] is None else _money(item["arpu"], currency)])
            csv_rows.append([_month(item["month"]), currency, item["mrr"], item["new"], item["churned"], item["net"],
                             item["paying"], "" if item["arpu"] is None else item["arpu"]])
        series.append(Series(f"MRR ({currency})", [float(item["mrr"]) for item in figures], kind="line"))
    return Table(
        key="mrr", title="Monthly recurring revenue", chart_type="line",
        definition="At each month's end (now, for this month), in each currency apart: MRR, the monthly value of "
                   "the subscriptions Stripe charges (a yearly plan's price divided by 12; trials and plans staff "
                   "gave left out); new, of those that began paying in the month; churned, of those cancelled in "
                   "it; net, new less churned; the people paying; and the average revenue per paying person.",
        columns=["Month", "MRR", "New", "Churned", "Net", "Paying people", "Average per person"], rows=rows,
        csv_columns=["month", "currency", "mrr", "new", "churned", "net", "paying_people", "average_per_person"],
        csv_rows=csv_rows, labels=[_month(month) for month in months], series=series, open=True,
        empty="Nobody has paid for a plan yet.")


def payments_table(period: Period) -> Table:
    found = revenue.invoices_by_month(since=period.since, until=period.until)
    currencies = sorted({currency for _, currency in found})
    months = period.months
    rows: list[list[Any]] = []
    csv_rows: list[list[Any]] = []
    for month in months:
        for currency in currencies:
            item = found.get((month, currency))
            if item is None:
                continue
            rows.append([f"{_month(month)} {currency}", item["paid"], _money(item["paid_amount"], currency),
                         item["failed"], _money(item["failed_amount"], currency), item["open"]])
            csv_rows.append([_month(month), currency, item["paid"], item["paid_amount"], item["failed"],
                             item["failed_amount"], item["open"]])
    labels = [_month(month) for month in months]
    return Table(
        key="payments", title="Payments and failed payments", stacked=True,
        definition="Stripe's invoices by the month they were made, in each currency apart: paid, failed (the card "
                   "was refused; Stripe retries, and the person keeps the plan for the grace period) and still open.",
        columns=["Month", "Paid", "Amount paid", "Failed", "Amount failed", "Open"], rows=rows,
        csv_columns=["month", "currency", "paid", "amount_paid", "failed", "amount_failed", "open"],
        csv_rows=csv_rows, labels=labels, open=True, empty="No invoice in this range.",
        series=[Series("Paid", [sum(found.get((m, c), {}).get("paid", 0) for c in currencies) for m in months],
                       colour="good"),
                Series("Failed", [sum(found.get((m, c), {}).get("failed", 0) for c in currencies) for m in months],
                       colour="bad")])


def plan_revenue_table(period: Period) -> Table:
    plans = revenue.plans_now()
    rows: list[list[Any]] = [[plan["plan__name"], plan["plan__currency"],
                              f"{_money(plan['plan__price'], plan['plan__currency'])} a {plan['plan__interval']}",
                              plan["trialing"], plan["active"], plan["past_due"], plan["granted"],
                              _money(Decimal(plan["mrr"] or 0).quantize(Decimal("0.01")), plan["plan__currency"])]
                             for plan in plans]
    return Table(
        key="byplan", title="Subscribers and MRR by plan now", chart_type="hbar", stacked=True,
        definition="Each plan's subscribers today by state (in a trial, active, payment due), how many of them "
                   "staff gave the plan without payment, and the MRR of its paying ones, in the plan's currency. "
                   "The date range does not apply.",
        columns=["Plan", "Currency", "Price", "Trial", "Active", "Payment due", "Given by staff", "MRR"], rows=rows,
        csv_columns=["plan", "currency", "price", "trial", "active", "payment_due", "given_by_staff", "mrr"],
        csv_rows=[[plan["plan__name"], plan["plan__currency"], plan["plan__price"], plan["trialing"], plan["active"],
                   plan["past_due"], plan["granted"], Decimal(plan["mrr"] or 0).quantize(Decimal("0.01"))]
                  for plan in plans],
        labels=[row[0] for row in rows], open=True, empty="No plan has subscribers.",
        series=[Series("Trial", [row[3] for row in rows], colour="waiting"),
                Series("Active", [row[4] for row in rows], colour="good"),
                Series("Payment due", [row[5] for row in rows], colour="bad")])


REVENUE_TABLES: dict[str, Builder] = {"mrr": mrr_table, "payments": payments_table, "byplan": plan_revenue_table}


def revenue_cards(tables: dict[str, Table], period: Period) -> list[dict[str, Any]]:
    found = revenue.mrr_by_month(months=[period.end.replace(day=1)], now=timezone.now())
    now = {currency: figures[-1] for currency, figures in found.items()}
    payments = revenue.invoices_by_month(since=period.since, until=period.until)
    failed = sum(item["failed"] for item in payments.values())
    paid = sum(item["paid"] for item in payments.values())

    def each(key: str) -> str:
        return " · ".join(_money(item[key], currency) for currency, item in now.items()) or "–"

    return [
        {"label": f"MRR at {period.end:%-d %b}", "value": each("mrr"), "note": "each currency apart"},
        {"label": "Paying people", "value": sum(item["paying"] for item in now.values()),
         "note": f"new this month {each('new')}"},
        {"label": "Churned this month", "value": each("churned"), "note": f"net {each('net')}"},
        {"label": "Failed payments", "value": failed, "note": f"of {failed + paid} invoices in the range"},
    ]
