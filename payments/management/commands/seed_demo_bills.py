"""Bills, subscription suggestions and notifications for the demo user (run after seed_demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from notifications.models import Notification
from payments import services
from payments.models import Frequency, OccurrenceStatus, RecurringPayment, SubscriptionSuggestion, SuggestionStatus
from payments.reminders import bill_reminders_send
from payments.selectors import upcoming_bills
from payments.suggestions import subscription_suggestions_refresh
from transactions.management.commands.seed_demo import DEMO_EMAIL, demo_user_get
from transactions.models import Account, Category


def _bills(today: dt.date) -> list[dict]:
    soon, missed = today + dt.timedelta(days=2), today - dt.timedelta(days=6)
    year_ago = today.replace(day=1) - dt.timedelta(days=365)
    return [
        dict(name="Rent", payee="Hausverwaltung Krause", amount="1150.00", day_of_month=1, category="housing.rent",
             start_date=year_ago.replace(day=1)),
        dict(name="Phone and internet", payee="Telekom", amount="44.95", day_of_month=5,
             category="housing.internet_phone", start_date=year_ago.replace(day=5)),
        dict(name="Electricity", payee="Vattenfall", amount="70.00", amount_max="85.00", day_of_month=15,
             category="housing.utilities", start_date=year_ago.replace(day=15)),
        dict(name="Broadcasting fee", payee="ARD ZDF", amount="55.08", frequency=Frequency.QUARTERLY,
             day_of_month=15, category="taxes", start_date=dt.date(year_ago.year, 1, 15)),
        dict(name="Liability insurance", payee="HUK-Coburg", amount="64.80", frequency=Frequency.YEARLY,
             day_of_month=2, category="housing.insurance", start_date=dt.date(year_ago.year, 1, 2)),
        # Never paid in the demo history: overdue as soon as its payment window closes.
        dict(name="Music school", payee="Musikschule Mitte", amount="65.00", day_of_month=missed.day,
             category="education", start_date=missed),
        # Due in two days: reminded now.
        dict(name="Car sharing plan", payee="Miles Mobility", amount="9.90", day_of_month=soon.day,
             category="transportation", start_date=soon),
    ]


class Command(BaseCommand):
    help = "Give the demo user bills, detected subscriptions and the notifications they lead to."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=DEMO_EMAIL)

    def handle(self, *args, email: str, **options):
        user = demo_user_get(email, command="seed_demo_bills")
        today = user.financial_profile.local_today()
        checking = Account.objects.filter(owner=user).order_by("pk").first()
        categories = {c.key: c for c in Category.objects.filter(owner__isnull=True)}
        with transaction.atomic():
            RecurringPayment.objects.filter(user=user).delete()
            SubscriptionSuggestion.objects.filter(user=user).delete()
            Notification.objects.filter(user=user).delete()
            for spec in _bills(today):
                key = spec.pop("category")
                services.recurring_payment_create(
                    user=user, currency="EUR", account=checking, category=categories.get(key),
                    frequency=spec.pop("frequency", Frequency.MONTHLY), amount=Decimal(spec.pop("amount")),
                    amount_max=Decimal(spec.pop("amount_max")) if "amount_max" in spec else None,
                    # Added two months ago: the history since then settles their occurrences.
                    today=today - dt.timedelta(days=60), match=False, **spec)
            found = subscription_suggestions_refresh(user=user, today=today)
            matched = services.bills_match(user=user, today=today)
        reminded = bill_reminders_send(user_ids=[user.pk])
        self.stdout.write(self.style.SUCCESS(_summary(user=user, today=today, found=found,
                                                      matched=len(matched.paid), reminded=reminded)))


def _summary(*, user, today: dt.date, found: dict[str, int], matched: int, reminded) -> str:
    """What the bills pages show now, in the words they use."""
    bills = RecurringPayment.objects.filter(user=user).count()
    upcoming = upcoming_bills(user=user, today=today, days=7)
    overdue = sum(1 for bill in upcoming if bill.status == OccurrenceStatus.OVERDUE)
    due = sum(1 for bill in upcoming if bill.status == OccurrenceStatus.UPCOMING)
    pending = SubscriptionSuggestion.objects.filter(user=user, status=SuggestionStatus.PENDING).count()
    sent = reminded.due_sent + reminded.overdue_sent
    return (f"Demo bills ready: {bills} bills ({overdue} overdue, {due} due in the next 7 days); "
            f"{pending} subscriptions found to add or dismiss ({found['known']} more are bills already); "
            f"{matched} payments matched to their bills; {sent} reminder{'s' if sent != 1 else ''} sent.")
