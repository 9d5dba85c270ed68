"""Rolling evaluation of the budget model against the naive baselines, on held-out months.

For each of the last --holdout months: train on the months before it, predict it. Scored on the
category-months that would get a suggestion (at least 4 months of history, spending in the last 3).
Data: this instance's users when at least 20 of them have 6 months of history, else (or with
--synthetic) a generated population of households (mlcore.budget_data.synthetic_population).

With --csv (one or more bank exports with a category column, each one person's real history): the model
learns from those histories together with a generated population over the same months (as it would on an
instance with other users) and is scored on the real histories only, per category of the file's own labels;
the same run's scores on the generated households are beside them (``synthetic``). ``loses_to_mean_3_months``
lists the categories where the model's MAE is above the 3-month mean's, by how much in percent.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from mlcore.budget_data import (
    first_months,
    frames_combine,
    month_add,
    month_index,
    panel_for_users,
    panel_from_frames,
    real_history_frames,
    synthetic_frames,
    synthetic_population,
)
from mlcore.budgeting import budget_model_evaluate, budget_model_evaluate_groups
from mlcore.management.commands.evaluate_forecaster import csv_transactions

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
        parser.add_argument("--csv", action="append", help="A bank export with a category column: one person's "
                            "real history (repeat for several).")
        parser.add_argument("--date-col")
        parser.add_argument("--amount-col")
        parser.add_argument("--category-col")
        parser.add_argument("--sign-convention", choices=["negative-is-spend", "positive-is-spend"],
                            default="negative-is-spend")
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="--csv: leave out rows whose date or amount does not parse.")
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")

    def handle(self, *args, **options):
        users, months, holdout = options["users"], options["months"], options["holdout"]
        if users is not None and not 1 <= users <= 100_000:
            raise CommandError("--users must be between 1 and 100000.")
        if months is not None and not 6 <= months <= 240:
            raise CommandError("--months must be between 6 and 240.")
        if not 1 <= holdout <= 24:
            raise CommandError("--holdout must be between 1 and 24.")
        if options["csv"]:
            self._report(self._real(options, holdout=holdout), json_output=options["json"])
            return
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
        self._report({"data": data, "months": panel.months, **report}, json_output=options["json"])

    def _real(self, options, *, holdout: int) -> dict:
        """The real histories scored, learnt together with generated households over the same months."""
        if not (options["date_col"] and options["amount_col"] and options["category_col"]):
            raise CommandError("--csv needs --date-col, --amount-col and --category-col.")
        histories = [csv_transactions(path, date_col=options["date_col"], amount_col=options["amount_col"],
                                      label_col=options["category_col"], sign_convention=options["sign_convention"],
                                      skipped=[] if options["skip_bad_rows"] else None)
                     for path in options["csv"]]
        real, labels = real_history_frames(histories)
        end = month_add(max(day for history in histories for day, _s, _l in history).replace(day=1), 1)
        span = month_index(end) - month_index(min(real["starts"].values()))
        generated = synthetic_frames(users=options["users"] or 60, months=max(options["months"] or 30, span),
                                     seed=options["seed"], end=end)
        panel = panel_from_frames(**frames_combine(generated, real))
        try:
            reports = budget_model_evaluate_groups(
                panel, holdout_months=holdout, category_labels=labels,
                groups={"real": set(real["starts"]), "synthetic": set(generated["starts"])})
        except ValueError as error:
            raise CommandError(str(error)) from None
        scored, synthetic = reports["real"], reports["synthetic"]
        return {"data": "real", "sources": options["csv"], "months": panel.months, **scored,
                "synthetic": {key: synthetic[key] for key in ("users", "overall", "per_category",
                                                              "loses_to_mean_3_months")}}

    def _report(self, report: dict, *, json_output: bool) -> None:
        """The report as JSON, or as a table per category and the overall line."""
        if json_output:
            self.stdout.write(json.dumps(report, indent=2))
            return
        data = report["data"]
        overall = report["overall"]
        self.stdout.write(f"data: {data}, users: {report['users']}, held-out months: "
                          f"{', '.join(report['holdout_months'])}")
        self.stdout.write(f"{'category':<28} {'n':>6} {'model':>9} {'last month':>11} {'mean 3 mo':>10} "
                          f"{'<= suggestion':>14}")
        for name, row in [*report["per_category"].items(), ("overall", overall)]:
            self.stdout.write(f"{name[:28]:<28} {row['n']:>6} {row['mae_model']:>9.2f} {row['mae_last_month']:>11.2f} "
                              f"{row['mae_mean_3_months']:>10.2f} {row['within_suggestion']:>14.1%}")
        self.stdout.write(f"beats last month: {overall['beats_last_month']}, beats mean of 3 months: "
                          f"{overall['beats_mean_3_months']}; training {report['training_seconds_mean']} s per fit")
        losses = ", ".join(f"{name} (+{pct}%)" for name, pct in report["loses_to_mean_3_months"].items())
        self.stdout.write(f"loses to the mean of 3 months in: {losses or 'no category'}")
        if "synthetic" in report:
            other = report["synthetic"]["overall"]
            self.stdout.write(f"the same run's {report['synthetic']['users']} generated households: model MAE "
                              f"{other['mae_model']:.2f}, last month {other['mae_last_month']:.2f}, mean of 3 "
                              f"months {other['mae_mean_3_months']:.2f}")
