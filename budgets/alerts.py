"""Budget alerts: tell the user once per budget and month when spending reaches 80% and again at 100%."""

from __future__ import annotations

import datetime as dt

import structlog

from accounts.models import User
from budgets import selectors
from budgets.services import budget_month_open
from core.money import money_text
from notifications.models import NotificationKind, Severity
from notifications.services import notification_create

log = structlog.get_logger(__name__)


def _context(progress: selectors.BudgetProgress) -> dict:
    return {
        "category": progress.name, "month_date": progress.budget.month.isoformat(), "spent": str(progress.spent),
        "available": str(progress.available), "remaining": str(progress.remaining), "percent": progress.percent,
        "currency": progress.currency,
    }


def budget_alerts_check(*, user: User, today: dt.date | None = None) -> dict[str, int]:
    """Send the warning (80%) and exceeded (100%) notifications due for the user's budgets this local month.

    Each is claimed by its dedupe key (budget and month), so a re-run sends nothing new. A budget that jumps
    straight past 100% gets only the exceeded one.
    """
    today = today or user.financial_profile.local_today()
    month = selectors.month_start(today)
    budget_month_open(user=user, month=month, today=today)
    sent = {"warning": 0, "exceeded": 0}
    for progress in selectors.budget_progress(user=user, month=month, today=today, kept=False):
        if progress.status == "ok":
            continue
        budget, name = progress.budget, progress.name
        money = f"{money_text(progress.spent, progress.currency)} of {money_text(progress.available)}"
        if progress.status == "over":
            notification = notification_create(
                user=user, kind=NotificationKind.BUDGET_EXCEEDED, severity=Severity.CRITICAL,
                title=f"{name} is over budget: {money}",
                body=f"You have spent {money} in {month:%B %Y} ({progress.percent}%).",
                link="/budgets/", dedupe_key=f"budget_exceeded:{budget.pk}:{month:%Y-%m}", context=_context(progress))
            sent["exceeded"] += notification is not None
        else:
            notification = notification_create(
                user=user, kind=NotificationKind.BUDGET_WARNING, severity=Severity.WARNING,
                title=f"{name} budget at {progress.percent}%: {money}",
                body=f"You have spent {money} in {month:%B %Y}; {money_text(progress.remaining, progress.currency)} left.",
                link="/budgets/", dedupe_key=f"budget_warning:{budget.pk}:{month:%Y-%m}", context=_context(progress))
            sent["warning"] += notification is not None
    if sent["warning"] or sent["exceeded"]:
        log.info("budget_alerts_sent", user_id=user.pk, **sent)
    return sent
