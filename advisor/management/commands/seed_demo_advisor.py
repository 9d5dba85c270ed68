"""Last month's letter for the demo user (run after seed_demo_goals), so the advisor's page has one to show."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from advisor.letter import letter_send
from advisor.models import MonthlyLetter
from core.months import month_add, month_start
from transactions.management.commands.seed_demo import DEMO_EMAIL, demo_user_get


class Command(BaseCommand):
    help = "Write the demo user's monthly letter for last month (again, from today's figures)."

    def add_arguments(self, parser):
        parser.add_argument("--email", default=DEMO_EMAIL)

    def handle(self, *args, email: str, **options):
        user = demo_user_get(email, command="seed_demo_advisor")
        today = user.financial_profile.local_today()
        month = month_add(month_start(today), -1)
        MonthlyLetter.objects.filter(user=user, month=month).delete()
        letter = letter_send(user=user, month=month, today=today)
        self.stdout.write(self.style.SUCCESS(
            f"Demo letter for {month:%B %Y}: {letter.subject if letter else 'nothing to review'}"))
