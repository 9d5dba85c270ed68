"""Bill reminders: a sweep of everything due and not yet reminded, in each user's timezone.

The sweep does not ask "what is due today": it asks which reminders should already have gone out by now
and have not, so a consumer that was down overnight (Huey skips periodic runs nobody was there for)
sends them when it starts. Each reminder is claimed by inserting its Notification with a unique
(user, dedupe_key); a second run, a second consumer, or a rerun after a crash finds the key taken.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from accounts.models import FinancialProfile, User
from core.money import money_range_text
from notifications.models import Notification, NotificationKind, NotificationPreferences, Severity
from notifications.services import notification_create
from payments import services
from payments.models import BillOccurrence, OccurrenceStatus, RecurringPayment

log = structlog.get_logger(__name__)

DEFAULT_LEAD_DAYS = NotificationPreferences._meta.get_field("reminder_lead_days").default
# Overdue notices older than this are not sent any more (a bill missed long ago is on the page, not news).
OVERDUE_NOTICE_WINDOW = dt.timedelta(days=30)


@dataclass
class SweepOutcome:
    due_sent: int = 0
    overdue_sent: int = 0
    already_sent: int = 0
    marked_overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def due_key(payment: RecurringPayment, due: dt.date, lead: int) -> str:
    return f"bill_due:{payment.pk}:{due.isoformat()}:{lead}"


def overdue_key(occurrence: BillOccurrence) -> str:
    return f"bill_overdue:{occurrence.recurring_payment_id}:{occurrence.due_date.isoformat()}"


def reminder_day(now_local: dt.datetime) -> dt.date:
    """The last local date whose reminders are due: today once the reminder hour has come, else yesterday."""
    if now_local.hour >= settings.BILL_REMINDER_HOUR:
        return now_local.date()
    return now_local.date() - dt.timedelta(days=1)


def _lead(payment: RecurringPayment, prefs: NotificationPreferences | None) -> int:
    if payment.reminder_lead_days is not None:
        return payment.reminder_lead_days
    return prefs.reminder_lead_days if prefs is not None else DEFAULT_LEAD_DAYS


def _amount_context(payment: RecurringPayment, due: dt.date) -> dict:
    return {
        "bill": payment.name, "payee": payment.payee, "amount": str(payment.amount),
        "amount_max": str(payment.amount_max) if payment.amount_max is not None else None,
        "currency": payment.currency, "due_date": due.isoformat(),
        "account": payment.account.name if payment.account_id else "",
        "recurring_payment_id": payment.pk,
    }


def _amount_text(payment: RecurringPayment) -> str:
    text = money_range_text(payment.amount, payment.amount_max, payment.currency)
    return text


def _when(days_left: int, due: dt.date) -> str:
    if days_left <= 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    return f"in {days_left} days ({due:%a %-d %b})"


def _send_due(payment: RecurringPayment, due: dt.date, lead: int, local_today: dt.date) -> bool:
    days_left = (due - local_today).days
    context = {**_amount_context(payment, due), "days_left": days_left}
    notification = notification_create(
        user=payment.user, kind=NotificationKind.BILL_DUE,
        title=f"{payment.name}: {_amount_text(payment)} due {_when(days_left, due)}",
        body=f"{payment.name} to {payment.payee} is due on {due:%A %-d %B %Y}.",
        link="/bills/upcoming/", severity=Severity.INFO if days_left > 1 else Severity.WARNING,
        dedupe_key=due_key(payment, due, lead), context=context,
    )
    return notification is not None


def _send_overdue(occurrence: BillOccurrence, local_today: dt.date) -> bool:
    payment = occurrence.recurring_payment
    days = (local_today - occurrence.due_date).days
    notification = notification_create(
        user=payment.user, kind=NotificationKind.BILL_OVERDUE,
        title=f"Overdue: {payment.name} {_amount_text(payment)} was due {occurrence.due_date:%a %-d %b}",
        body=f"No payment to {payment.payee} was found within {services.match_window(payment)} days of "
             f"{occurrence.due_date:%-d %B %Y}. Mark it paid or skip it if it was settled another way.",
        link="/bills/upcoming/", severity=Severity.CRITICAL,
        dedupe_key=overdue_key(occurrence),
        context={**_amount_context(payment, occurrence.due_date), "days_overdue": days},
    )
    return notification is not None


def _horizon(now: dt.datetime) -> dt.date:
    # Users' clocks are at most a day and a bit apart; the widest lead bounds what can be due.
    max_lead = max(
        RecurringPayment.objects.active().aggregate(m=Max("reminder_lead_days"))["m"] or 0,
        NotificationPreferences.objects.aggregate(m=Max("reminder_lead_days"))["m"] or 0,
        DEFAULT_LEAD_DAYS,
    )
    return now.date() + dt.timedelta(days=max_lead + 2)


def reminder_candidates(*, now: dt.datetime | None = None) -> list[int]:
    """Users who may have a reminder or overdue notice due: bills due soon, or overdue occurrences."""
    now = now or timezone.now()
    soon = (RecurringPayment.objects.active().filter(next_due_date__isnull=False, next_due_date__lte=_horizon(now),
                                                     user__is_active=True)
            .values_list("user_id", flat=True).distinct())
    overdue = (BillOccurrence.objects.filter(status=OccurrenceStatus.OVERDUE, due_date__gte=now.date()
                                             - OVERDUE_NOTICE_WINDOW, recurring_payment__is_active=True,
                                             user__is_active=True)
               .values_list("user_id", flat=True).distinct())
    return sorted(set(soon) | set(overdue))


def bill_reminders_send(*, now: dt.datetime | None = None, user_ids: list[int] | None = None) -> SweepOutcome:
    """Send every bill reminder and overdue notice that is due by now and not sent yet (for ``user_ids``,
    or everyone; the schedule splits a large sweep into batches of users)."""
    now = now or timezone.now()
    outcome = SweepOutcome()
    payments = (
        RecurringPayment.objects.active().filter(next_due_date__isnull=False, next_due_date__lte=_horizon(now))
        .select_related("user__financial_profile", "user__notification_preferences", "account")
        .filter(user__is_active=True).order_by("user_id", "next_due_date", "pk")
    )
    overdue_since = now.date() - OVERDUE_NOTICE_WINDOW
    if user_ids is not None:
        payments = payments.filter(user_id__in=user_ids)
    by_user: dict[int, list[RecurringPayment]] = defaultdict(list)
    for payment in payments:
        by_user[payment.user_id].append(payment)

    # Overdue occurrences may exist for users with nothing coming up; sweep those users too.
    overdue_users = BillOccurrence.objects.filter(status=OccurrenceStatus.OVERDUE, due_date__gte=overdue_since,
                                                  recurring_payment__is_active=True, user__is_active=True)
    if user_ids is not None:
        overdue_users = overdue_users.filter(user_id__in=user_ids)
    candidate_users = set(by_user) | set(overdue_users.values_list("user_id", flat=True).distinct())
    users = {user.pk: user for user in User.objects.filter(pk__in=candidate_users)
             .select_related("financial_profile", "notification_preferences")}

    for user_id in sorted(candidate_users):
        user = users[user_id]
        profile: FinancialProfile = user.financial_profile
        local_now = profile.local_now(now)
        local_today, remind_through = local_now.date(), reminder_day(local_now)
        prefs = getattr(user, "notification_preferences", None)
        # Missed bills first, so a bill whose window closed gets its overdue notice, not a stale reminder.
        active = [p for p in by_user.get(user_id, [])]
        if active:
            outcome.marked_overdue += len(services.bills_mark_overdue(user=user, today=local_today,
                                                                      payments=active))
        due: list[tuple[RecurringPayment, dt.date, int]] = []
        for payment in active:
            payment.user = user
            lead = _lead(payment, prefs)
            next_due = payment.next_due_date
            if next_due is None or next_due < local_today or next_due - dt.timedelta(days=lead) > remind_through:
                continue
            due.append((payment, next_due, lead))
        keys = {due_key(p, d, lead) for p, d, lead in due}
        overdue = list(
            BillOccurrence.objects.filter(user=user, status=OccurrenceStatus.OVERDUE, due_date__gte=overdue_since,
                                          recurring_payment__is_active=True)
            .select_related("recurring_payment__account")
        )
        keys |= {overdue_key(o) for o in overdue}
        sent_before = set(Notification.objects.filter(user=user, dedupe_key__in=keys)
                          .values_list("dedupe_key", flat=True))
        for payment, next_due, lead in due:
            if due_key(payment, next_due, lead) in sent_before:
                outcome.already_sent += 1
                continue
            services.occurrence_ensure(payment=payment, due_date=next_due)
            if _send_due(payment, next_due, lead, local_today):
                outcome.due_sent += 1
            else:
                outcome.already_sent += 1
        if local_now.hour < settings.BILL_REMINDER_HOUR:
            continue  # overdue notices wait for the morning too
        for occurrence in overdue:
            occurrence.recurring_payment.user = user
            if overdue_key(occurrence) in sent_before:
                outcome.already_sent += 1
            elif _send_overdue(occurrence, local_today):
                outcome.overdue_sent += 1
            else:
                outcome.already_sent += 1
    log.info("bill_reminders_swept", **outcome.as_dict(), users=len(candidate_users))
    return outcome
