"""The user's stored forecasts: daily spending and income, and the balance of each account and in total.

Computed by the nightly insight job (or the Refresh action, through a task), never by a request.

How (see mlcore.forecasting for the methods):
1. One query loads the history. Amounts in the preferred currency feed spending and income; transfers
   between the user's own accounts are left out of both but count in account balances.
2. Known recurring flows are taken out of the history and put back "as such": transactions that paid a
   bill (matched occurrences, or the bill's payee in the text) and the detected salary are removed; the
   rest ("everyday" spending and income) is forecast (each month's total by the methods that did best on
   the user's own past months, spread over its days by weekday: mlcore.forecast_select); then the scheduled bills (payments.selectors
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
from typing import NamedTuple

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Case, DecimalField, F, When
from django.utils import timezone

from accounts.models import User
from core.months import month_end  # noqa: F401 - also read as <module>.month_end
from insights.models import Forecast, ForecastKind, ForecastMethod
from mlcore import services as mlcore
from notifications.models import NotificationKind, Severity
from notifications.services import notification_create
from payments.detection import DetectedIncome, merchant_key, salary_detect
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
    lowest: float | None = None  # a bill whose amount varies: the bottom of its range (amount is the top)


@dataclass
class History:
    frame: pd.DataFrame  # id, date, account_id, pref, acct, kind, merchant, description
    first_date: dt.date | None
    removed_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Horizon:
    """The forecast days, from tomorrow, as seen from today."""
    today: dt.date
    start: dt.date
    days: int
    dates: list[dt.date]

    @property
    def end(self) -> dt.date:
        return self.dates[-1]

    def rest_of_month(self) -> list[int]:
        """The indexes of the forecast days left in this month."""
        return [i for i, d in enumerate(self.dates) if d <= month_end(self.today)]

    def next_month(self) -> list[int]:
        """The indexes of the forecast days in the horizon's last month (next month)."""
        end = self.end
        return [i for i, d in enumerate(self.dates) if d.month == month_end(end).month and d.year == end.year]


@dataclass(frozen=True)
class Salary:
    """The detected salary in the preferred currency, and the account its last payment went into."""
    detected: DetectedIncome
    account_id: int | None


class Everyday(NamedTuple):
    """The everyday spending and income forecasts (bills and salary taken out)."""
    spending: mlcore.EverydayForecast
    income: mlcore.EverydayForecast

    @property
    def fit_ms(self) -> int:
        return self.spending.fit_ms + self.income.fit_ms


@dataclass(frozen=True)
class AccountShares:
    """How everyday spending and income split over the forecast accounts, and their transfers (last 90 days)."""
    account_ids: list[int]
    spending: dict[int, float]
    income: dict[int, float]
    transfers: pd.Series  # summed per account, in the account's currency
    span: int  # the days the transfers are averaged over
    main_account: int | None  # the account with the largest share of spending

    def daily_transfers(self, account_id: int) -> float:
        return float(self.transfers.get(account_id, 0.0)) / self.span

    def or_main(self, account_id: int | None) -> int | None:
        """The account itself when it is forecast, else the main spending account."""
        return account_id if account_id in self.account_ids else self.main_account


@dataclass(frozen=True)
class Projection:
    """What the balances are projected from: the days, the everyday forecasts and how they split over the
    accounts, the scheduled bills and paydays, and the salary."""
    horizon: Horizon
    everyday: Everyday
    shares: AccountShares
    flows: list[ScheduledFlow]
    salary: Salary | None


@dataclass(frozen=True)
class BalanceMethod:
    """What the balance rows are stored with: the method, its note and the time spent fitting."""
    method: str
    note: str
    fit_ms: int


@dataclass
class Balance:
    """A balance forecast: today's balance, the point forecast per day and the simulated paths."""
    current: float
    point: np.ndarray
    paths: np.ndarray
    lower: np.ndarray = field(init=False)
    upper: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        # The 10%/90% quantiles of the paths (cumulative sums), so the interval widens with the horizon.
        self.lower = np.quantile(self.paths, 0.1, axis=1)
        self.upper = np.quantile(self.paths, 0.9, axis=1)


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
    horizon = _horizon(today=today)

    frame = _history_load(user=user, today=today, currency=currency)
    if frame.empty:
        deleted, _ = Forecast.objects.filter(user=user).delete()
        return {"forecasts": 0, "deleted": deleted, "fit_ms": 0, "low_balance_alerts": 0}

    history, salary = _everyday_history(user=user, frame=frame, today=today, currency=currency)
    everyday = _everyday_forecasts(history=history, horizon=horizon)
    every_account = list(account_list(user=user))
    accounts = [a for a in every_account if a.currency == currency]
    left_out = [a.name for a in every_account if a.currency != currency]
    shares = _account_shares(history=history, account_ids=[a.pk for a in accounts], today=today)
    flows = _scheduled_flows(user=user, currency=currency, horizon=horizon, shares=shares, salary=salary)
    projection = Projection(horizon=horizon, everyday=everyday, shares=shares, flows=flows, salary=salary)

    rows = _everyday_rows(projection)
    method = _balance_method(everyday)
    alerts = 0
    if accounts:
        balance_rows, lowest = _balance_rows(projection, method=method, accounts=accounts, left_out=left_out,
                                             frame=frame, spending_rest=rows[0]["summary"]["rest_of_month"])
        rows += balance_rows
        alerts = low_balance_notify(user=user, lowest=lowest, currency=currency)

    stored = _forecasts_store(user=user, rows=rows, currency=currency, start=horizon.start, horizon=horizon.days,
                              history_days=everyday.spending.history_days, account_ids=shares.account_ids)
    return {"forecasts": stored, "method": method.method, "fit_ms": everyday.fit_ms,
            "low_balance_alerts": alerts, "total_ms": round((time.perf_counter() - began) * 1000)}


def _horizon(*, today: dt.date) -> Horizon:
    """The forecast days: from tomorrow to the end of next month, at least 35."""
    start, days = forecast_horizon(today=today)
    return Horizon(today=today, start=start, days=days, dates=[start + dt.timedelta(days=n) for n in range(days)])


def _everyday_history(*, user: User, frame: pd.DataFrame, today: dt.date,
                      currency: str) -> tuple[History, Salary | None]:
    """The history less the bill payments and the salary (they come back "as such" on their dates), and the
    salary detected in the preferred currency."""
    bills = list(recurring_payment_list(user=user, active=True))
    removed = _bill_payment_ids(user=user, frame=frame, bills=bills, currency=currency)
    detected = salary_detect(user=user, today=today)
    salary = None
    if detected is not None and detected.currency == currency:
        salary_rows = _salary_ids(frame=frame, payer=detected.payer)
        removed |= set(salary_rows["id"])
        last_account = int(salary_rows.sort_values("date")["account_id"].iloc[-1]) if len(salary_rows) else None
        salary = Salary(detected=detected, account_id=last_account)
    return History(frame=frame, first_date=min(frame["date"]), removed_ids=removed), salary


def _everyday(frame: pd.DataFrame, removed_ids: set[int]) -> pd.DataFrame:
    """Everyday spending and income: no transfers, no bill or salary payments, an amount in the preferred currency."""
    return frame[~frame["is_transfer"] & ~frame["id"].isin(removed_ids) & frame["pref"].notna()]


def _everyday_forecasts(*, history: History, horizon: Horizon) -> Everyday:
    """Daily everyday spending and income from the first transaction to today, each forecast over the horizon."""
    everyday = _everyday(history.frame, history.removed_ids)
    spend_values = (-everyday["pref"]).where(everyday["pref"] < 0, 0.0)
    income_values = everyday["pref"].where(everyday["pref"] > 0, 0.0)
    spend_history = _daily(everyday, spend_values, first=history.first_date, today=horizon.today)
    income_history = _daily(everyday, income_values, first=history.first_date, today=horizon.today)
    # Spending is fitted before income: the fits draw their sample paths from one random state.
    spending = mlcore.everyday_forecast(spend_history, start=horizon.start, horizon_days=horizon.days,
                                        what="spending")
    income = mlcore.everyday_forecast(income_history, start=horizon.start, horizon_days=horizon.days, what="income")
    return Everyday(spending=spending, income=income)


def _account_shares(*, history: History, account_ids: list[int], today: dt.date) -> AccountShares:
    """Each account's share of everyday spending and income and its transfers over the last 90 days; with no
    recent spending (or income) at all, the main spending account takes all of it."""
    frame = history.frame
    recent = frame[pd.to_datetime(frame["date"]) > pd.Timestamp(today - dt.timedelta(days=SHARE_DAYS))]
    recent_everyday = _everyday(recent, history.removed_ids)
    spend_by = (-recent_everyday["pref"].clip(upper=0)).groupby(recent_everyday["account_id"]).sum()
    income_by = recent_everyday["pref"].clip(lower=0).groupby(recent_everyday["account_id"]).sum()
    transfers_by = recent[recent["is_transfer"]]["acct"].fillna(0.0).groupby(recent["account_id"]).sum()
    span = max(min(SHARE_DAYS, (today - history.first_date).days + 1), 1)

    spend_share, income_share = _shares(spend_by, account_ids), _shares(income_by, account_ids)
    main_account = max(account_ids, key=lambda pk: spend_share.get(pk, 0.0)) if account_ids else None
    if account_ids and not spend_share:
        spend_share = {main_account: 1.0}
    if account_ids and not income_share:
        income_share = {main_account: 1.0}
    return AccountShares(account_ids=account_ids, spending=spend_share, income=income_share, transfers=transfers_by,
                         span=span, main_account=main_account)


def _shares(totals: pd.Series, account_ids: list[int]) -> dict[int, float]:
    """Each account's part of the whole; nothing when there is nothing to split."""
    picked = {pk: float(totals.get(pk, 0.0)) for pk in account_ids}
    whole = sum(picked.values())
    return {pk: value / whole for pk, value in picked.items()} if whole > 0 else {}


def _scheduled_flows(*, user: User, currency: str, horizon: Horizon, shares: AccountShares,
                     salary: Salary | None) -> list[ScheduledFlow]:
    """The upcoming bills and salary paydays in the horizon, each on the account it moves (bills without an
    account, or on one not forecast, go to the main spending account)."""
    flows: list[ScheduledFlow] = []
    for bill in upcoming_bills(user=user, today=horizon.today, days=horizon.days):
        if bill.status != OccurrenceStatus.UPCOMING or bill.currency != currency or bill.due_date > horizon.end:
            continue
        # The same amount as every total of bills: the top of a varying bill's range.
        flows.append(ScheduledFlow(max(bill.due_date, horizon.start), -float(bill.amount_upper), bill.payment.name,
                                   shares.or_main(bill.payment.account_id), "bill",
                                   lowest=-float(bill.amount) if bill.amount_max is not None else None))
    if salary is not None:
        account_id = shares.or_main(salary.account_id)
        for day in _salary_dates(salary=salary.detected, until=horizon.end):
            flows.append(ScheduledFlow(day, float(salary.detected.amount), salary.detected.payer, account_id,
                                       "salary"))
    return flows


def _scheduled_daily(flows: list[ScheduledFlow], horizon: Horizon, *, income: bool, account_id: int | None = None,
                     any_account: bool = False) -> np.ndarray:
    """Scheduled money in (or out) on each forecast day, of one account or of all, as positive amounts."""
    out = np.zeros(horizon.days)
    for flow in flows:
        if (flow.amount > 0) == income and (any_account or flow.account_id == account_id):
            out[(flow.date - horizon.start).days] += abs(flow.amount)
    return out


def _scheduled_list(flows: list[ScheduledFlow]) -> list[dict]:
    """The scheduled flows as stored in a summary, by date then label."""
    return [{"date": f.date.isoformat(), "label": f.label, "amount": money(f.amount), "kind": f.kind,
             **({"varies_from": money(f.lowest)} if f.lowest is not None else {})}
            for f in sorted(flows, key=lambda f: (f.date, f.label))]


def _everyday_rows(projection: Projection) -> list[dict]:
    """The daily spending and income rows: the everyday forecast with the bills (or paydays) on their days."""
    horizon, flows = projection.horizon, projection.flows
    scheduled = _scheduled_list(flows)
    rows = []
    for kind, fit, bills in ((ForecastKind.DAILY_SPENDING, projection.everyday.spending, True),
                             (ForecastKind.DAILY_INCOME, projection.everyday.income, False)):
        extra = _scheduled_daily(flows, horizon, income=not bills, any_account=True)
        rows.append({"kind": kind, "account": None, "method": fit.method, "note": fit.note, "fit_ms": fit.fit_ms,
                     "points": _interval_points(horizon.dates, fit.yhat + extra, fit.lower + extra, fit.upper + extra),
                     "summary": {**_flow_summary(fit, extra, horizon=horizon,
                                                 scheduled=[f for f in scheduled if (f["kind"] == "bill") == bills]),
                                 "model": _model_summary(fit)}})
    return rows


def _model_summary(fit: mlcore.EverydayForecast) -> dict:
    """What the page and the API can say about how the series was forecast: the method, the monthly methods
    the backtest chose with each candidate's error on the user's past months, and when it was computed."""
    summary: dict = {"method": fit.method, "computed_at": timezone.now().isoformat(timespec="seconds"),
                     "history_days": fit.history_days}
    if fit.choice is not None:
        summary.update(chosen=list(fit.choice.methods), described=fit.choice.describe(),
                       judged_months=fit.choice.judged_months,
                       backtest_mae={name: money(mae) for name, mae in fit.choice.backtest_mae.items()})
    return summary


def _flow_summary(fit: mlcore.EverydayForecast, extra: np.ndarray, *, horizon: Horizon, scheduled: list[dict]) -> dict:
    """The totals for the rest of this month and for next month, and the scheduled flows behind them."""
    paths = fit.samples + extra[:, None]
    return {"rest_of_month": _window_total(fit, extra, paths, horizon.rest_of_month()),
            "next_month": _window_total(fit, extra, paths, horizon.next_month()), "scheduled": scheduled}


def _window_total(fit: mlcore.EverydayForecast, extra: np.ndarray, paths: np.ndarray, days: list[int]) -> dict:
    """The sum over some forecast days, scheduled flows included, with its 80% interval from the paths."""
    if not days:
        return {"yhat": "0.00", "lower": "0.00", "upper": "0.00"}
    totals = paths[days].sum(axis=0)
    point = float(fit.yhat[days].sum() + extra[days].sum())
    return {"yhat": money(point), "lower": money(min(np.quantile(totals, 0.1), point)),
            "upper": money(max(np.quantile(totals, 0.9), point))}


def _balance_method(everyday: Everyday) -> BalanceMethod:
    """The learned method (the backtest's blend, or Prophet) for the balances when both series could be
    forecast from enough history, else the heuristic, and the note that says so."""
    spending, income = everyday
    # The balance is "Prophet" unless a series fell back for lack of history or a failed fit; an all-zero
    # series (no everyday income besides the salary, say) has nothing to learn, and zero is its forecast.
    degraded = [(label, fit) for label, fit in (("Spending", spending), ("Income", income))
                if fit.fallback in ("short_history", "failed")]
    learned = next((fit for fit in (spending, income) if fit.method != mlcore.HEURISTIC), None)
    method = learned.method if learned is not None and not degraded else ForecastMethod.HEURISTIC
    if not degraded:
        note = learned.note if learned is not None else spending.note
    elif len({fit.note for _label, fit in degraded}) == 1:
        note = degraded[0][1].note
    else:
        note = "; ".join(f"{label}: {fit.note}" for label, fit in degraded)
    return BalanceMethod(method=method, note=note, fit_ms=everyday.fit_ms)


def _balance_rows(projection: Projection, *, method: BalanceMethod, accounts: list, left_out: list[str],
                  frame: pd.DataFrame, spending_rest: dict) -> tuple[list[dict], dict]:
    """A balance row per account and one for the total; and the total's lowest point before the next income."""
    horizon = projection.horizon
    balances = [_account_balance(account, projection) for account in accounts]
    total = _total_balance(balances, projection)
    lowest = _lowest_before_income(total, projection)
    rows = [_balance_row(balance, account=account, method=method, horizon=horizon, first={"account_name": account.name})
            for account, balance in zip(accounts, balances, strict=True)]
    history = _balance_history(frame=frame, accounts=accounts, current_total=total.current, today=horizon.today)
    rows.append(_balance_row(total, account=None, method=method, horizon=horizon, then={
        "lowest_before_income": lowest, "history": history, "spending_rest_of_month": spending_rest,
        "accounts_left_out": left_out, "scheduled": _scheduled_list(projection.flows),
        "model": _model_summary(projection.everyday.spending)}))
    return rows, lowest


def _account_balance(account, projection: Projection) -> Balance:
    """The account's balance from today's: moved by its share of everyday spending and income, its average daily
    transfers (card settlements, savings top-ups) and its own scheduled flows."""
    spending, income = projection.everyday
    shares, pk = projection.shares, account.pk
    drift = shares.daily_transfers(pk)
    money_in = _scheduled_daily(projection.flows, projection.horizon, income=True, account_id=pk)
    money_out = _scheduled_daily(projection.flows, projection.horizon, income=False, account_id=pk)
    step_point = (shares.income.get(pk, 0.0) * income.yhat - shares.spending.get(pk, 0.0) * spending.yhat
                  + drift + money_in - money_out)
    step_paths = (shares.income.get(pk, 0.0) * income.samples - shares.spending.get(pk, 0.0) * spending.samples
                  + (drift + money_in - money_out)[:, None])
    current = float(account.balance)
    return Balance(current=current, point=current + np.cumsum(step_point),
                   paths=current + np.cumsum(step_paths, axis=0))


def _total_balance(balances: list[Balance], projection: Projection) -> Balance:
    """The total balance: the accounts' balances summed, path by path."""
    paths = np.zeros((projection.horizon.days, projection.everyday.spending.samples.shape[1]))
    point = np.zeros(projection.horizon.days)
    current = 0.0
    for balance in balances:
        paths += balance.paths
        point += balance.point
        current += balance.current
    return Balance(current=current, point=point, paths=paths)


def _lowest_before_income(total: Balance, projection: Projection) -> dict:
    """The day the total's point forecast is lowest before the next income (today when that income is tomorrow)."""
    horizon, salary = projection.horizon, projection.salary
    next_income, income_source = _next_income(salary=salary.detected if salary is not None else None,
                                              flows=projection.flows, today=horizon.today)
    before = [i for i, d in enumerate(horizon.dates) if d < next_income]
    if before:
        i = min(before, key=lambda k: (total.point[k], k))
        lowest = {"date": horizon.dates[i].isoformat(), "amount": money(total.point[i]),
                  "lower": money(min(total.lower[i], total.point[i]))}
    else:
        lowest = {"date": horizon.today.isoformat(), "amount": money(total.current), "lower": money(total.current)}
    lowest.update(next_income_date=next_income.isoformat(), next_income_source=income_source)
    return lowest


def _balance_row(balance: Balance, *, account, method: BalanceMethod, horizon: Horizon, first: dict | None = None,
                 then: dict | None = None) -> dict:
    """A stored balance row: the daily points with their interval, and the month-end summary."""
    summary = _balance_summary(dates=horizon.dates, yhat=balance.point, lower=balance.lower, upper=balance.upper,
                               current=balance.current, today=horizon.today)
    points = _interval_points(horizon.dates, balance.point, balance.lower, balance.upper)
    return {"kind": ForecastKind.BALANCE, "account": account, "method": method.method, "note": method.note,
            "fit_ms": method.fit_ms, "points": points, "summary": {**(first or {}), **summary, **(then or {})}}


def _balance_history(*, frame: pd.DataFrame, accounts: list, current_total: float, today: dt.date) -> list[dict]:
    """The total balance at the end of each of the last 60 days: today's balance minus what came after.

    Every transaction counts, also those before an account's known balance: that balance is one day's, and the
    days before it are worked out backwards from it (transactions.selectors.account_balance_on)."""
    mine = frame[frame["account_id"].isin([a.pk for a in accounts])]
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
    """Every row written in a few queries (one read, one update, one insert, one delete): the nightly job
    stores about five a user, and a query each was a good part of its time."""
    existing = {(f.kind, f.account_id): f for f in Forecast.objects.filter(user=user).only("kind", "account_id")}
    now = timezone.now()
    changed, created = [], []
    for row in rows:
        account_id = row["account"].pk if row["account"] is not None else None
        forecast = existing.pop((row["kind"], account_id), None) or Forecast(user=user, kind=row["kind"],
                                                                             account=row["account"])
        for name, value in {"method": row["method"], "method_note": row["note"][:300], "currency": currency,
                            "start_date": start, "horizon_days": horizon, "interval_width": Decimal("0.80"),
                            "history_days": history_days, "points": row["points"], "summary": row["summary"],
                            "fit_ms": row["fit_ms"], "created_at": now}.items():
            setattr(forecast, name, value)
        (changed if forecast.pk else created).append(forecast)
    Forecast.objects.bulk_update(changed, [*STORED_FIELDS, "created_at"])
    Forecast.objects.bulk_create(created)
    # Accounts deleted or no longer forecast (another currency), and a total no longer computable.
    stale = [f.pk for (kind, account_id), f in existing.items()
             if kind == ForecastKind.BALANCE and (account_id not in account_ids or not account_ids)]
    if stale:
        Forecast.objects.filter(user=user, pk__in=stale).delete()
    return len(rows)


STORED_FIELDS = ["method", "method_note", "currency", "start_date", "horizon_days", "interval_width", "history_days",
                 "points", "summary", "fit_ms"]


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
