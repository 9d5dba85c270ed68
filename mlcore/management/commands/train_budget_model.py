from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mlcore.budget_data import synthetic_population
from mlcore.budgeting import budget_model_train


class Command(BaseCommand):
    help = ("Train the budget suggestion model on every complete month of all active users, save a new artifact "
            "version and print its figures (rows, users, training seconds, MAE on the held-out last month next "
            "to the baselines 'last month' and 'mean of the last 3 months').")

    def add_arguments(self, parser):
        parser.add_argument("--synthetic", action="store_true",
                            help="Train on a generated population of households instead (a demo or an empty instance).")
        parser.add_argument("--users", type=int, default=60, help="--synthetic: households (default 60).")
        parser.add_argument("--months", type=int, default=30, help="--synthetic: months of history (default 30).")
        parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")

    def handle(self, *args, **options):
        today = timezone.localdate()
        panel = None
        if options["synthetic"]:
            if not 1 <= options["users"] <= 100_000 or not 6 <= options["months"] <= 240:
                raise CommandError("--users must be 1-100000 and --months 6-240.")
            panel = synthetic_population(users=options["users"], months=options["months"],
                                         end=today.replace(day=1))
        try:
            metadata = budget_model_train(today=today, panel=panel)
        except ValueError as error:
            raise CommandError(f"{error} Suggestions use the median of the last 3 months until there is more.") \
                from None
        metrics = metadata.get("metrics", {})
        figures = {
            "version": metadata["version"],
            "data": "synthetic" if panel is not None else "instance",
            "training_rows": metadata["training_rows"],
            "training_users": metadata["training_users"],
            "training_months": metadata["training_months"],
            "training_seconds": metrics.get("training_seconds"),
            "held_out_month": metrics.get("held_out_month"),
            "held_out_n": metrics.get("n"),
            "held_out_mae_model": metrics.get("mae_model"),
            "held_out_mae_last_month": metrics.get("mae_last_month"),
            "held_out_mae_mean_3_months": metrics.get("mae_mean_3_months"),
            "held_out_within_suggestion": metrics.get("within_suggestion"),
            "artifact_bytes": metadata["model_bytes"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name}: {value}")
