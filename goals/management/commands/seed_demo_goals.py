"""Goals for the demo user, with their plan and readiness worked out (run after seed_demo_insights): an emergency
fund counting the savings account, a trip and a deposit, so the goals pages and the advisor have something to show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand

from goals.models import Goal, GoalKind
from goals.refresh import goals_refresh
from goals.services import GoalFields, goal_create
from mlcore import services as mlcore
from transactions.management.commands.seed_demo import DEMO_EMAIL, demo_user_get
from transactions.models import Account, AccountKind


class Command(BaseCommand):
    help = "Give the demo user three goals and work out their plan, its spending patterns and its readiness."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=DEMO_EMAIL)

    def handle(self, *args, email: str, **options):
        user = demo_user_get(email, command="seed_demo_goals")
        today = user.financial_profile.local_today()
        Goal.objects.filter(user=user).delete()
        savings = Account.objects.filter(owner=user, kind=AccountKind.SAVINGS).values_list("pk", flat=True).first()
        year = today.year
        goal_create(user=user, today=today, fields=GoalFields(
            name="Emergency fund", kind=GoalKind.EMERGENCY, emergency_months=3, priority=1,
            accounts=((savings, 100),) if savings else ()))
        goal_create(user=user, today=today, fields=GoalFields(
            name="Japan trip", kind=GoalKind.SHORT_TERM, target_amount=Decimal("4500.00"),
            target_date=dt.date(year + 1, 9, 1), priority=2, starting_amount=Decimal("600.00")))
        goal_create(user=user, today=today, fields=GoalFields(
            name="Flat deposit", kind=GoalKind.LONG_TERM, target_amount=Decimal("40000.00"),
            target_date=dt.date(year + 5, 6, 1), priority=3, starting_amount=Decimal("2500.00")))
        mlcore.patterns_refresh(user=user, today=today)
        outcome = goals_refresh(user=user, reason="demo", today=today)
        self.stdout.write(self.style.SUCCESS(f"Demo goals ready: 3 goals, plan and readiness worked out "
                                             f"({', '.join(f'{k}={v}' for k, v in outcome.items())})"))
