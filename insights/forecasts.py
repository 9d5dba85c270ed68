"""The user's stored forecasts: daily spending and income, and the balance of each account and in total.

Computed by the nightly insight job (or the Refresh action, through a task), never by a request.

How (see mlcore.forecasting for the two fitting methods):
1. One query loads the history. Amounts in the preferred currency feed spending and income; transfers
   between the user's own accounts are left out of both but count in account balances.
2. Known recurring flows are taken out of the history and put back "as such": transactions that paid a
   bill (matched occurrences, or the bill's payee in the text) and the detected salary are removed; the
   rest ("everyday" spending and income) is forecast; then the scheduled bills (payments.selectors
   .upcoming_bills) and salary paydays (payments.detection.salary_detect) are added on their dates.
3. Balances: each account in the preferred currency starts from its current balance (transactions
   .selectors.account_list) and moves by its share of everyday spending and income (its share over the
   last 90 days), its average daily transfers over those 90 days (card settlements, savings top-ups), and
   its scheduled flows (bills without an account go to the main spending account). The total is the sum.
   The 80% interval is the 10%/90% quantiles of simulated balance paths (the cumulative sum of the
   everyday paths), so uncertainty grows with the horizon. Accounts in other currencies are left out.
4. Low balance: when the point forecast of the lowest total balance before the next income is below zero,
   one LOW_BALANCE notification per next-income date (a lower bound below zero only shows on the page).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Case, DecimalField, F, When

from accounts.models import User
from core.months import month_end  # noqa: F401 - also read as <module>.month_end
from insights.models import Forecast, ForecastKind, ForecastMethod
from mlcore import services as mlcore
from notifications.models import NotificationKind, Severity
from notifications.services import notification_create
from payments.detection import merchant_key, salary_detect
from payments.models import BillOccurrence, OccurrenceStatus
from payments.selectors import recurring_payment_list, upcoming_bills
from transactions.merchants import merchant_clean
from transactions.models import CategoryKind, Transaction
from transactions.selectors import account_list, amount_in_preferred

CENT = Decimal("0.01")
SHARE_DAYS = 90
HISTORY_CHART_DAYS = 60
MIN_HORIZON_DAYS = 35
FORECAST_LINK = "/insights/forecast/"
MONEY = DecimalField(max_digits=14, decimal_places=2)


def money(value: float | Decimal) -> str:
    """A float from the model as a string of Decimal cents ("-0.00" becomes "0.00")."""
    return str(Decimal(str(round(float(value), 2))).quantize(CENT) + Decimal("0.00"))


def forecast_horizon(*, today: dt.date) -> tuple[dt.date, int]:
    """The first forecast day (tomorrow) and the number of days: to the end of next month, at least 35."""
    next_month_end = month_end(month_end(today) + dt.timedelta(days=1))
    return today + dt.timedelta(days=1), max((next_month_end - today).days, MIN_HORIZON_DAYS)


@dataclass
class ScheduledFlow:
    date: dt.date
    amount: float  # signed: + income, - bill
    label: str
    account_id: int | None
    kind: str  # "bill" or "salary"


@dataclass
class History:
    frame: pd.DataFrame  # id, date, account_id, pref, acct, kind, merchant, description
    first_date: dt.date | None
    removed_ids: set[int] = field(default_factory=set)


def _history_load(*, user: User, today: dt.date, currency: str) -> pd.DataFrame:
    """Every transaction up to today in one query: amount in the preferred and in the account's currency."""
    in_preferred = amount_in_preferred(currency)
    in_account = Case(
        When(currency=F("account__currency"), then=F("amount")),
        When(converted_currency=F("account__currency"), amount_converted__isnull=False, then=F("amount_converted")),
        default=None, output_field=MONEY)
    rows = (Transaction.objects.for_user(user).filter(date__lte=today).order_by()
            .annotate(pref=in_preferred, acct=in_account)
            .values_list("id", "date", "account_id", "pref", "acct", "category__kind", "merchant", "description"))
    frame = pd.DataFrame(list(rows), columns=["id", "date", "account_id", "pref", "acct", "kind", "merchant",
                                              "description"])
    for column in ("pref", "acct"):
        frame[column] = pd.to_numeric(frame[column].map(lambda v: None if v is None else float(v)), errors="coerce")
    frame["is_transfer"] = frame["kind"] == CategoryKind.TRANSFER
    return frame


def _bill_payment_ids(*, user: User, frame: pd.DataFrame, bills: list, currency: str) -> set[int]:
    """Transactions that paid a bill: matched occurrences, or money out naming the bill's payee."""

    ids = set(BillOccurrence.objects.filter(user=user, transaction__isnull=False)
              .values_list("transaction_id", flat=True))
    payees = {b.payee.casefold().strip() for b in bills if b.payee.strip() and b.currency == currency}
    if payees and not frame.empty:
        out = frame[(frame["pref"] < 0) & ~frame["is_transfer"]]
        text = (out["merchant"].fillna("") + " " + out["description"].fillna("")).str.casefold()
        hit = np.zeros(len(out), dtype=bool)
        for payee in payees:
            hit |= text.str.contains(payee, regex=False).to_numpy()
        ids |= set(out["id"][hit])
    return ids


def _salary_ids(*, frame: pd.DataFrame, payer: str) -> pd.DataFrame:
    """The history's salary payments: money in whose cleaned merchant is the detected payer's."""

    income = frame[(frame["pref"] > 0) & ~frame["is_transfer"]]
    if income.empty:
        return income
    wanted = merchant_key(payer)
    names = {}
    for merchant, description in set(zip(income["merchant"].fillna(""), income["description"].fillna(""),
                                         strict=True)):
        names[(merchant, description)] = merchant_key(merchant.strip() or merchant_clean(description))
    keys = [names[(m, d)] for m, d in zip(income["merchant"].fillna(""), income["description"].fillna(""),
                                          strict=True)]
    return income[[key == wanted for key in keys]]


def _salary_dates(*, salary, until: dt.date) -> list[dt.date]:
    """The detected salary's paydays from its next date to ``until``: monthly on that day (the Friday before
    when it falls on a weekend, as payments.detection predicts the next one), else every N days."""

    monthly = 27 <= salary.interval_days <= 32
    days, day, n = [], salary.next_date, 0
    while day <= until and n < 60:
        days.append(day)
        n += 1
        if monthly:
            day = salary.next_date + relativedelta(months=n, day=salary.next_date.day)
            day -= dt.timedelta(days=max(day.weekday() - 4, 0))
        else:
            day = salary.next_date + dt.timedelta(days=salary.interval_days * n)
    return days


def _daily(frame: pd.DataFrame, values: pd.Series, *, first: dt.date, today: dt.date) -> pd.Series:
    index = pd.date_range(first, today, freq="D")
    if frame.empty:
        return pd.Series(0.0, index=index)
    summed = values.groupby(pd.to_datetime(frame["date"])).sum()
    return summed.reindex(index, fill_value=0.0).astype(float)


def _interval_points(dates: list[dt.date], yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> list[dict]:
    return [{"date": d.isoformat(), "yhat": money(y), "lower": money(min(lo, y)), "upper": money(max(up, y))}
            for d, y, lo, up in zip(dates, yhat, lower, upper, strict=True)]


def _at(dates: list[dt.date], day: dt.date) -> int | None:
    offset = (day - dates[0]).days if dates else -1
    return offset if 0 <= offset < len(dates) else None


def _balance_summary(*, dates, yhat, lower, upper, current: float, today: dt.date) -> dict:
    """Month-end values (this month, next month) with their interval."""
    ends = []
    for end in (month_end(today), month_end(month_end(today) + dt.timedelta(days=1))):
        i = _at(dates, end)
        if i is None:
            ends.append({"date": end.isoformat(), "yhat": money(current), "lower": money(current),
                         "upper": money(current)})
        else:
            ends.append({"date": end.isoformat(), "yhat": money(yhat[i]), "lower": money(min(lower[i], yhat[i])),
                         "upper": money(max(upper[i], yhat[i]))})
    return {"current_balance": money(current), "this_month_end": ends[0], "next_month_end": ends[1]}


def _next_income(*, salary, flows: list[ScheduledFlow], today: dt.date) -> tuple[dt.date, str]:
    if salary is not None and salary.next_date > today:
        return salary.next_date, "salary"
    positive = sorted(f.date for f in flows if f.amount > 0 and f.date > today)
    if positive:
        return positive[0], "scheduled"
    end = month_end(today)
    return (end if end > today else month_end(today + dt.timedelta(days=1))), "month_end"


def forecasts_refresh(*, user: User, today: dt.date | None = None) -> dict:
    """Compute and store all of the user's forecasts; return counts and the time spent fitting."""

    began = time.perf_counter()
    profile = user.financial_profile
    today = today or profile.local_today()
    currency = profile.preferred_currency
    start, horizon = forecast_horizon(today=today)
    dates = [start + dt.timedelta(days=n) for n in range(horizon)]
    end = dates[-1]

    frame = _history_load(user=user, today=today, currency=currency)
    if frame.empty:
        deleted, _ = Forecast.objects.filter(user=user).delete()
        return {"forecasts": 0, "deleted": deleted, "fit_ms": 0, "low_balance_alerts": 0}

    bills = list(recurring_payment_list(user=user, active=True))
    removed = _bill_payment_ids(user=user, frame=frame, bills=bills, currency=currency)
    salary = salary_detect(user=user, today=today)
    if salary is not None and salary.currency != currency:
        salary = None
    salary_rows = _salary_ids(frame=frame, payer=salary.payer) if salary is not None else frame.iloc[0:0]
    removed |= set(salary_rows["id"])

    first = min(frame["date"])
    everyday = frame[~frame["is_transfer"] & ~frame["id"].isin(removed) & frame["pref"].notna()]
    spend_values = (-everyday["pref"]).where(everyday["pref"] < 0, 0.0)
    income_values = everyday["pref"].where(everyday["pref"] > 0, 0.0)
    spend_history = _daily(everyday, spend_values, first=first, today=today)
    income_history = _daily(everyday, income_values, first=first, today=today)

    spending = mlcore.everyday_forecast(spend_history, start=start, horizon_days=horizon, what="spending")
    income = mlcore.everyday_forecast(income_history, start=start, horizon_days=horizon, what="income")

    accounts = [a for a in account_list(user=user) if a.currency == currency]
    left_out = [a.name for a in account_list(user=user) if a.currency != currency]
    account_ids = [a.pk for a in accounts]

    # Shares of everyday flows and average daily transfers per account, over the last 90 days.
    recent = frame[pd.to_datetime(frame["date"]) > pd.Timestamp(today - dt.timedelta(days=SHARE_DAYS))]
    recent_everyday = recent[~recent["is_transfer"] & ~recent["id"].isin(removed) & recent["pref"].notna()]
    spend_by = (-recent_everyday["pref"].clip(upper=0)).groupby(recent_everyday["account_id"]).sum()
    income_by = recent_everyday["pref"].clip(lower=0).groupby(recent_everyday["account_id"]).sum()
    transfers_by = recent[recent["is_transfer"]]["acct"].fillna(0.0).groupby(recent["account_id"]).sum()
    span = max(min(SHARE_DAYS, (today - first).days + 1), 1)

    def shares(totals: pd.Series) -> dict[int, float]:
        picked = {pk: float(totals.get(pk, 0.0)) for pk in account_ids}
        whole = sum(picked.values())
        return {pk: value / whole for pk, value in picked.items()} if whole > 0 else {}

    spend_share, income_share = shares(spend_by), shares(income_by)
    main_account = max(account_ids, key=lambda pk: spend_share.get(pk, 0.0)) if account_ids else None
    if account_ids and not spend_share:
        spend_share = {main_account: 1.0}
    if account_ids and not income_share:
        income_share = {main_account: 1.0}

    flows: list[ScheduledFlow] = []
    for bill in upcoming_bills(user=user, today=today, days=horizon):
        if bill.status != OccurrenceStatus.UPCOMING or bill.currency != currency or bill.due_date > end:
            continue
        point = (bill.amount + bill.amount_upper) / 2
        account_id = bill.payment.account_id if bill.payment.account_id in account_ids else main_account
        flows.append(ScheduledFlow(max(bill.due_date, start), -float(point), bill.payment.name, account_id, "bill"))
    if salary is not None:
        salary_account = int(salary_rows.sort_values("date")["account_id"].iloc[-1]) if len(salary_rows) else None
        if salary_account not in account_ids:
            salary_account = main_account
        for day in _salary_dates(salary=salary, until=end):
            flows.append(ScheduledFlow(day, float(salary.amount), salary.payer, salary_account, "salary"))

    def scheduled(kind_sign: int, account_id: int | None = None, *, any_account: bool = False) -> np.ndarray:
        out = np.zeros(horizon)
        for flow in flows:
            if (flow.amount > 0) == (kind_sign > 0) and (any_account or flow.account_id == account_id):
                out[(flow.date - start).days] += abs(flow.amount)
        return out

    rows: list[dict] = []
    bills_out, salary_in = scheduled(-1, any_account=True), scheduled(+1, any_account=True)
    flow_list = [{"date": f.date.isoformat(), "label": f.label, "amount": money(f.amount), "kind": f.kind}
                 for f in sorted(flows, key=lambda f: (f.date, f.label))]
    month_left = [i for i, d in enumerate(dates) if d <= month_end(today)]
    next_month = [i for i, d in enumerate(dates) if d.month == month_end(end).month and d.year == end.year]

    def flow_summary(fit: mlcore.EverydayForecast, extra: np.ndarray) -> dict:
        paths = fit.samples + extra[:, None]

        def window(idx: list[int]) -> dict:
            if not idx:
                return {"yhat": "0.00", "lower": "0.00", "upper": "0.00"}
            totals = paths[idx].sum(axis=0)
            point = float(fit.yhat[idx].sum() + extra[idx].sum())
            return {"yhat": money(point), "lower": money(min(np.quantile(totals, 0.1), point)),
                    "upper": money(max(np.quantile(totals, 0.9), point))}

        return {"rest_of_month": window(month_left), "next_month": window(next_month),
                "scheduled": [f for f in flow_list if (f["kind"] == "bill") == (extra is bills_out)]}

    for kind, fit, extra in ((ForecastKind.DAILY_SPENDING, spending, bills_out),
                             (ForecastKind.DAILY_INCOME, income, salary_in)):
        rows.append({"kind": kind, "account": None, "method": fit.method, "note": fit.note, "fit_ms": fit.fit_ms,
                     "points": _interval_points(dates, fit.yhat + extra, fit.lower + extra, fit.upper + extra),
                     "summary": flow_summary(fit, extra)})

    # The balance is "Prophet" unless a series fell back for lack of history or a failed fit; an all-zero
    # series (no everyday income besides the salary, say) has nothing to learn, and zero is its forecast.
    degraded = [(label, fit) for label, fit in (("Spending", spending), ("Income", income))
                if fit.fallback in ("short_history", "failed")]
    fitted = any(fit.method == mlcore.PROPHET for fit in (spending, income))
    method = ForecastMethod.PROPHET if fitted and not degraded else ForecastMethod.HEURISTIC
    if not degraded:
        balance_note = next((fit.note for fit in (spending, income) if fit.method == mlcore.PROPHET),
                            spending.note)
    elif len({fit.note for _label, fit in degraded}) == 1:
        balance_note = degraded[0][1].note
    else:
        balance_note = "; ".join(f"{label}: {fit.note}" for label, fit in degraded)

    alerts = 0
    if accounts:
        total_paths = np.zeros((horizon, spending.samples.shape[1]))
        total_point = np.zeros(horizon)
        current_total = 0.0
        for account in accounts:
            drift = float(transfers_by.get(account.pk, 0.0)) / span
            step_point = (income_share.get(account.pk, 0.0) * income.yhat - spend_share.get(account.pk, 0.0)
                          * spending.yhat + drift + scheduled(+1, account.pk) - scheduled(-1, account.pk))
            step_paths = (income_share.get(account.pk, 0.0) * income.samples
                          - spend_share.get(account.pk, 0.0) * spending.samples
                          + (drift + scheduled(+1, account.pk) - scheduled(-1, account.pk))[:, None])
            current = float(account.balance)
            point = current + np.cumsum(step_point)
            paths = current + np.cumsum(step_paths, axis=0)
            lower, upper = np.quantile(paths, 0.1, axis=1), np.quantile(paths, 0.9, axis=1)
            total_paths += paths
            total_point += point
            current_total += current
            rows.append({"kind": ForecastKind.BALANCE, "account": account, "method": method, "note": balance_note,
                         "fit_ms": spending.fit_ms + income.fit_ms,
                         "points": _interval_points(dates, point, lower, upper),
                         "summary": {"account_name": account.name,
                                     **_balance_summary(dates=dates, yhat=point, lower=lower, upper=upper,
                                                        current=current, today=today)}})
        lower, upper = np.quantile(total_paths, 0.1, axis=1), np.quantile(total_paths, 0.9, axis=1)
        next_income, income_source = _next_income(salary=salary, flows=flows, today=today)
        before = [i for i, d in enumerate(dates) if d < next_income]
        if before:
            i = min(before, key=lambda k: (total_point[k], k))
            lowest = {"date": dates[i].isoformat(), "amount": money(total_point[i]),
                      "lower": money(min(lower[i], total_point[i]))}
        else:
            lowest = {"date": today.isoformat(), "amount": money(current_total), "lower": money(current_total)}
        lowest.update(next_income_date=next_income.isoformat(), next_income_source=income_source)
        summary = {**_balance_summary(dates=dates, yhat=total_point, lower=lower, upper=upper, current=current_total,
                                      today=today),
                   "lowest_before_income": lowest, "history": _balance_history(
                       frame=frame, accounts=accounts, current_total=current_total, today=today),
                   "spending_rest_of_month": rows[0]["summary"]["rest_of_month"],
                   "accounts_left_out": left_out, "scheduled": flow_list}
        rows.append({"kind": ForecastKind.BALANCE, "account": None, "method": method, "note": balance_note,
                     "fit_ms": spending.fit_ms + income.fit_ms,
                     "points": _interval_points(dates, total_point, lower, upper), "summary": summary})
        alerts = low_balance_notify(user=user, lowest=lowest, currency=currency)

    stored = _forecasts_store(user=user, rows=rows, currency=currency, start=start, horizon=horizon,
                              history_days=spending.history_days, account_ids=account_ids)
    return {"forecasts": stored, "method": method, "fit_ms": spending.fit_ms + income.fit_ms,
            "low_balance_alerts": alerts, "total_ms": round((time.perf_counter() - began) * 1000)}


def _balance_history(*, frame: pd.DataFrame, accounts: list, current_total: float, today: dt.date) -> list[dict]:
    """The total balance at the end of each of the last 60 days: today's balance minus what came after."""
    opening = {a.pk: a.opening_date for a in accounts}
    mine = frame[frame["account_id"].isin(list(opening))]
    mine = mine[[day >= opening[pk] for day, pk in zip(mine["date"], mine["account_id"], strict=True)]]
    days = [today - dt.timedelta(days=n) for n in range(HISTORY_CHART_DAYS - 1, -1, -1)]
    net = mine["acct"].fillna(0.0).groupby(mine["date"]).sum() if not mine.empty else pd.Series(dtype=float)
    history, balance = [], current_total
    for day in reversed(days):
        history.append({"date": day.isoformat(), "balance": money(balance)})
        balance -= float(net.get(day, 0.0))
    return list(reversed(history))


@transaction.atomic
def _forecasts_store(*, user: User, rows: list[dict], currency: str, start: dt.date, horizon: int,
                     history_days: int, account_ids: list[int]) -> int:
    for row in rows:
        Forecast.objects.update_or_create(
            user=user, kind=row["kind"], account=row["account"],
            defaults={"method": row["method"], "method_note": row["note"][:300], "currency": currency,
                      "start_date": start, "horizon_days": horizon, "interval_width": Decimal("0.80"),
                      "history_days": history_days, "points": row["points"], "summary": row["summary"],
                      "fit_ms": row["fit_ms"]})
    # Accounts deleted or no longer forecast (another currency), and a total no longer computable.
    Forecast.objects.filter(user=user, kind=ForecastKind.BALANCE, account__isnull=False).exclude(
        account_id__in=account_ids).delete()
    if not account_ids:
        Forecast.objects.filter(user=user, kind=ForecastKind.BALANCE).delete()
    return len(rows)


def low_balance_notify(*, user: User, lowest: dict, currency: str) -> int:
    """Once per next-income date, when the point forecast of the lowest balance before it is below zero."""

    amount = Decimal(lowest["amount"])
    if amount >= 0:
        return 0
    day = dt.date.fromisoformat(lowest["date"])
    created = notification_create(
        user=user, kind=NotificationKind.LOW_BALANCE, severity=Severity.WARNING, link=FORECAST_LINK,
        title=f"Your balance may go below zero on {day:%a} {day.day} {day:%b}",
        body=f"Projected {lowest['amount']} {currency} before your next income on {lowest['next_income_date']} "
             f"(80% range down to {lowest['lower']} {currency}).",
        dedupe_key=f"low_balance:{lowest['next_income_date']}",
        context={"account": "", "lowest_amount": lowest["amount"], "lowest_date": lowest["date"],
                 "lower_amount": lowest["lower"], "next_income_date": lowest["next_income_date"],
                 "currency": currency})
    return 1 if created is not None else 0


def forecast_list(*, user: User, kind: str | None = None):
    """The user's stored forecasts, totals first within a kind."""
    rows = Forecast.objects.filter(user=user).select_related("account")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("kind", "account__name", "id")


def forecast_page(*, user: User) -> dict:
    """What the forecast page shows, from stored rows only (two queries at most, never a fit)."""
    rows = list(forecast_list(user=user))
    total = next((r for r in rows if r.kind == ForecastKind.BALANCE and r.account_id is None), None)
    accounts = [r for r in rows if r.kind == ForecastKind.BALANCE and r.account_id is not None]
    spending = next((r for r in rows if r.kind == ForecastKind.DAILY_SPENDING), None)
    chart = None
    if total is not None:
        chart = {"currency": total.currency,
                 "history": [{"date": p["date"], "balance": p["balance"]} for p in total.summary.get("history", [])],
                 "forecast": total.points}
    return {"total": total, "summary": _with_dates(total.summary) if total else {},
            "accounts": [(row, _with_dates(row.summary)) for row in accounts], "spending": spending,
            "chart": chart}


def _with_dates(value):
    """A stored summary with its ISO dates ("date", "*_date") as dates, for the template's date filter."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and (key == "date" or key.endswith("_date")):
                try:
                    item = dt.date.fromisoformat(item)
                except ValueError:
                    pass
            out[key] = _with_dates(item)
        return out
    if isinstance(value, list):
        return [_with_dates(item) for item in value]
    return value
