"""The weekly digest: last week's spending and the coming week's bills, by email on Monday morning (user's time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import structlog
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import User
from core.money import money_text
from notifications.models import Notification, NotificationKind, NotificationPreferences
from notifications.services import notification_create
from payments.selectors import upcoming_bills
from transactions.models import Transaction
from transactions.selectors import amount_in_preferred

log = structlog.get_logger(__name__)

ZERO = Decimal("0.00")
# A digest missed on Monday (no consumer up) still goes out until the end of Wednesday, then that week is gone.
CATCH_UP_DAYS = 2


def digest_key(week_start: dt.date) -> str:
    year, week, _ = week_start.isocalendar()
    return f"weekly_digest:{year}-W{week:02d}"


def _week_of(local_now: dt.datetime) -> dt.date | None:
    """Monday of the current local week, if its digest is due now (Monday from the reminder hour, or catch-up)."""
    monday = local_now.date() - dt.timedelta(days=local_now.weekday())
    if local_now.weekday() == 0 and local_now.hour < settings.BILL_REMINDER_HOUR:
        return None
    if local_now.weekday() > CATCH_UP_DAYS:
        return None
    return monday


def weekly_summary(*, user: User, week_start: dt.date) -> dict:
    """Spending and income of the seven days from ``week_start`` in the preferred currency, top categories."""
    currency = user.financial_profile.preferred_currency
    week_end = week_start + dt.timedelta(days=6)
    in_currency = amount_in_preferred(currency)
    rows = Transaction.objects.for_user(user).filter(date__gte=week_start, date__lte=week_end)
    totals = rows.aggregate(spent=Sum(in_currency, filter=Q(amount__lt=0)), income=Sum(in_currency, filter=Q(amount__gt=0)),
                            count=Count("pk"))
    top = (rows.filter(amount__lt=0).values("category__name").annotate(total=Sum(in_currency))
           .exclude(total=None).order_by("total")[:3])
    return {
        "week_start_date": week_start.isoformat(), "week_end_date": week_end.isoformat(), "currency": currency,
        "total_spent": str(ZERO - (totals["spent"] or ZERO)), "total_income": str(totals["income"] or ZERO),
        "transaction_count": totals["count"],
        "top_categories": [{"name": row["category__name"] or "Uncategorized", "amount": str(-row["total"])}
                           for row in top],
    }


def weekly_digest_build(*, user: User, week_start: dt.date) -> dict:
    """The digest for the week starting ``week_start``: the week before it, and bills due in it."""
    context = weekly_summary(user=user, week_start=week_start - dt.timedelta(days=7))
    bills = upcoming_bills(user=user, today=week_start, days=6)
    context["upcoming_bills"] = [
        {"bill": item.payment.name, "amount": str(item.amount), "currency": item.currency,
         "due_date": item.due_date.isoformat()}
        for item in bills if item.is_open
    ]
    return context


def weekly_digests_send(*, now: dt.datetime | None = None, user_ids: list[int] | None = None) -> dict[str, int]:
    """Send the week's digest to every user for whom it is due and not yet sent (claimed per ISO week)."""
    now = now or timezone.now()
    users = (User.objects.filter(is_active=True).exclude(email="")
             .exclude(notification_preferences__weekly_digest=False)
             .select_related("financial_profile").order_by("pk"))
    if user_ids is not None:
        users = users.filter(pk__in=user_ids)
    sent = skipped = 0
    due: list[tuple[User, dt.date]] = []
    for user in users.iterator(chunk_size=1000):
        week_start = _week_of(user.financial_profile.local_now(now))
        if week_start is not None:
            due.append((user, week_start))
    keys = {digest_key(week) for _, week in due}
    claimed = set(Notification.objects.filter(kind=NotificationKind.WEEKLY_DIGEST, dedupe_key__in=keys)
                  .values_list("user_id", "dedupe_key"))
    for user, week_start in due:
        key = digest_key(week_start)
        if (user.pk, key) in claimed:
            skipped += 1
            continue
        NotificationPreferences.objects.get_or_create(user=user)
        context = weekly_digest_build(user=user, week_start=week_start)
        spent = money_text(context["total_spent"], context["currency"])
        bills = len(context["upcoming_bills"])
        notification = notification_create(
            user=user, kind=NotificationKind.WEEKLY_DIGEST,
            title=f"Your week: {spent} spent, {bills} bill{'s' if bills != 1 else ''} coming up",
            body=f"Last week you spent {spent} in {context['transaction_count']} transactions.",
            link="/bills/upcoming/?days=7", dedupe_key=key, context=context,
        )
        if notification is None:
            skipped += 1
        else:
            sent += 1
    log.info("weekly_digests_swept", sent=sent, already_sent=skipped, due=len(due))
    return {"sent": sent, "already_sent": skipped}
