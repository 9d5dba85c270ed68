"""Get a local instance ready to look at: migrate, then (re)seed the demo user's ledger, bills and insights.

One process instead of four (each Django start costs seconds on a first run); bin/run calls it. The last
line printed is where to log in, for bin/run's banner.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and reset the demo user's ledger, bills and insights; print its credentials last."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"], stdout=self.stdout)
        self.stdout.write("Creating the demo user and its ledger (reset on every start)")
        credentials = io.StringIO()
        call_command("seed_demo", stdout=credentials)
        call_command("seed_demo_bills", stdout=self.stdout)
        call_command("seed_demo_insights", stdout=self.stdout)
        self.stdout.write(credentials.getvalue().strip().splitlines()[-1])
