"""Rolling evaluation of the budget model against the naive baselines, on held-out months.

For each of the last --holdout months: train on the months before it, predict it. Scored on the
category-months that would get a suggestion (at least 4 months of history, spending in the last 3).
Data: this instance's users when at least 20 of them have 6 months of history, else (or with
--synthetic) a generated population of households (mlcore.budget_data.synthetic_population).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from mlcore.budget_data import (
    first_months,
    month_add,
    month_index,
    panel_for_users,
    synthetic_population,
)
from mlcore.budgeting import budget_model_evaluate

MIN_INSTANCE_USERS = 20
MIN_INSTANCE_MONTHS = 6


class Command(BaseCommand):
    help = ("Report, on held-out months, the MAE of the budget model's prediction against the actual spend next "
            "to the baselines 'last month' and 'mean of the last 3 months', per category and overall.")

    def add_arguments(self, parser):
        parser.add_argument("--synthetic", action="store_true", help="Use a generated population of households.")
        parser.add_argument("--users", type=int, default=None,
                            help="Households to generate (default 60), or at most this many of the instance's users.")
        parser.add_argument("--months", type=int, default=None,
                            help="Months of history (default 30 generated; all of the instance's, at most 60).")
        parser.add_argument("--holdout", type=int, default=6, help="Held-out months, most recent first (default 6).")
        parser.add_argument("--seed", type=int, default=0, help="--synthetic: the population's seed.")
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")

    def handle(self, *args, **options):
        users, months, holdout = options["users"], options["months"], options["holdout"]
        if users is not None and not 1 <= users <= 100_000:
            raise CommandError("--users must be between 1 and 100000.")
        if months is not None and not 6 <= months <= 240:
            raise CommandError("--months must be between 6 and 240.")
        if not 1 <= holdout <= 24:
            raise CommandError("--holdout must be between 1 and 24.")
        today = timezone.localdate()
        current = today.replace(day=1)
        panel, data = None, "synthetic"
        if not options["synthetic"]:
            starts = first_months(user_ids=User.objects.filter(is_active=True).values_list("pk", flat=True))
            eligible = sorted(u for u, m in starts.items()
                              if month_index(current) - month_index(m) >= MIN_INSTANCE_MONTHS)
            if len(eligible) >= MIN_INSTANCE_USERS:
                panel = panel_for_users(user_ids=eligible[:users] if users else eligible,
                                        until=month_add(current, -1), known_until=current,
                                        history_months=months or 60)
                data = "instance"
            else:
                self.stderr.write(f"Only {len(eligible)} users with {MIN_INSTANCE_MONTHS} months of history "
                                  f"(need {MIN_INSTANCE_USERS}): evaluating on a synthetic population.")
        if panel is None:
            panel = synthetic_population(users=users or 60, months=months or 30, seed=options["seed"], end=current)
        try:
            report = budget_model_evaluate(panel, holdout_months=holdout)
        except ValueError as error:
            raise CommandError(str(error)) from None
        report = {"data": data, "months": panel.months, **report}
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        overall = report["overall"]
        self.stdout.write(f"data: {data}, users: {report['users']}, held-out months: "
                          f"{', '.join(report['holdout_months'])}")
        self.stdout.write(f"{'category':<18} {'n':>6} {'model':>9} {'last month':>11} {'mean 3 mo':>10} "
                          f"{'<= suggestion':>14}")
        for name, row in [*report["per_category"].items(), ("overall", overall)]:
            self.stdout.write(f"{name:<18} {row['n']:>6} {row['mae_model']:>9.2f} {row['mae_last_month']:>11.2f} "
                              f"{row['mae_mean_3_months']:>10.2f} {row['within_suggestion']:>14.1%}")
        self.stdout.write(f"beats last month: {overall['beats_last_month']}, beats mean of 3 months: "
                          f"{overall['beats_mean_3_months']}; training {report['training_seconds_mean']} s per fit")
