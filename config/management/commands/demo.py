"""Get a local instance ready to look at: migrate, then (re)seed the demo user's ledger, bills and insights, and
make sure the global categorizer is trained, so that no request ever waits for it.

One process instead of four (each Django start costs seconds on a first run); bin/run calls it. The last
line printed is where to log in, for bin/run's banner.
"""

from __future__ import annotations

import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from django.core.management import call_command
from django.core.management.base import BaseCommand

from mlcore import services as mlcore


class Command(BaseCommand):
    help = ("Apply migrations, reset the demo user's ledger, bills and insights, and train the global categorizer "
            "if it is missing; print the demo user's credentials last.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"], stdout=self.stdout)
        # Training (once, the better part of a minute) is CPU work in a second process while the demo is
        # seeded; when the model is there it only loads it. A forked child: no second Django start.
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            categorizer = pool.submit(mlcore.categorizer_ensure)
            self.stdout.write("Creating the demo user and its ledger (reset on every start)")
            credentials = io.StringIO()
            call_command("seed_demo", stdout=credentials)
            call_command("seed_demo_bills", stdout=self.stdout)
            call_command("seed_demo_insights", stdout=self.stdout)
            call_command("seed_demo_goals", stdout=self.stdout)
            call_command("seed_demo_advisor", stdout=self.stdout)
            if not categorizer.done():
                self.stdout.write("Waiting for the global categorizer's first training (once per install)")
            outcome = categorizer.result()
        if outcome["trained"]:
            self.stdout.write(f"Trained the global categorizer in {outcome['training_seconds']:.0f} s")
        self.stdout.write(credentials.getvalue().strip().splitlines()[-1])
