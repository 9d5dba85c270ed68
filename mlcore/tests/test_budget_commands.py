"""train_budget_model and evaluate_budget_model print the figures they claim."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.tests.factories import UserFactory
from mlcore.budget_data import month_add
from mlcore.budgeting import BudgetModel, budget_artifact_dir, budget_model_reset, budget_suggestions
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory, category

NOVEMBER = dt.date(2026, 11, 1)
REPORT_KEYS = {"mae_model", "mae_last_month", "mae_mean_3_months", "n", "within_suggestion", "mean_actual"}


@pytest.fixture(autouse=True)
def _artifacts(settings, tmp_path):
    settings.MLCORE_ARTIFACT_DIR = tmp_path / "models"
    budget_model_reset()
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield
    budget_model_reset()


def run(command: str, *args) -> dict:
    out = io.StringIO()
    call_command(command, *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def _households(count: int, months: int = 9) -> list:
    """``count`` users, each spending on groceries and fuel every month, at their own level."""
    users, rows = [], []
    for n in range(count):
        user = UserFactory()
        account = AccountFactory(owner=user)
        users.append(user)
        for back in range(months, 0, -1):
            month = month_add(NOVEMBER, -back)
            for key, level in (("food_drink.groceries", 300), ("transportation.gas_fuel", 90)):
                amount = Decimal(level * (1 + n / 10) + (back % 3) * 7).quantize(Decimal("0.01"))
                rows.append(Transaction(owner=user, account=account, date=month.replace(day=12), amount=-amount,
                                        currency="EUR", description="CARD", category=category(key),
                                        fingerprint=f"t:{user.pk}:{back}:{key}"))
    Transaction.objects.bulk_create(rows)
    return users


@pytest.mark.django_db
def test_train_on_the_instance_saves_a_model_that_suggestions_use():
    users = _households(12)
    figures = run("train_budget_model")
    assert figures["data"] == "instance"
    assert figures["training_users"] == 12
    assert figures["training_rows"] == 12 * 2 * 5  # months 5-9 of each history have 4 months before them
    assert figures["training_months"] == ["2026-02-01", "2026-10-01"]
    assert figures["held_out_month"] == "2026-10-01"
    assert figures["held_out_n"] == 24
    assert {"held_out_mae_model", "held_out_mae_last_month", "held_out_mae_mean_3_months",
            "training_seconds", "artifact_bytes", "version"} <= set(figures)
    assert BudgetModel.load(budget_artifact_dir()).metadata["version"] == figures["version"]

    suggestions = budget_suggestions(user=users[0], month=NOVEMBER)
    assert {s.method for s in suggestions} == {"model"}


@pytest.mark.django_db
def test_train_with_too_little_data_says_so_and_saves_nothing():
    _households(1, months=3)
    with pytest.raises(CommandError, match="Too little history.*median of the last 3 months"):
        run("train_budget_model")
    assert not budget_artifact_dir().exists() or not any(budget_artifact_dir().iterdir())


def test_train_on_a_synthetic_population(db):
    figures = run("train_budget_model", "--synthetic", "--users", "20", "--months", "12")
    assert figures["data"] == "synthetic"
    assert figures["training_users"] == 20
    assert figures["held_out_month"] == "2026-10-01"


def test_evaluate_reports_the_model_next_to_both_baselines(db):
    report = run("evaluate_budget_model", "--synthetic", "--users", "30", "--months", "18", "--holdout", "2")
    assert report["data"] == "synthetic"
    assert report["holdout_months"] == ["2026-09-01", "2026-10-01"]
    assert report["users"] == 30
    assert REPORT_KEYS | {"beats_last_month", "beats_mean_3_months"} <= set(report["overall"])
    assert set(report["per_category"]["food_drink"]) == REPORT_KEYS
    assert set(report["per_month"]) == {"2026-09-01", "2026-10-01"}
    assert report["overall"]["n"] == sum(row["n"] for row in report["per_category"].values())


@pytest.mark.django_db
def test_evaluate_uses_a_synthetic_population_when_the_instance_is_small():
    _households(3)
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate_budget_model", "--users", "20", "--months", "12", "--holdout", "1", stdout=out,
                 stderr=err)
    assert "Only 3 users with 6 months of history (need 20)" in err.getvalue()
    assert "data: synthetic, users: 20" in out.getvalue()
    assert "overall" in out.getvalue() and "beats last month:" in out.getvalue()


@pytest.mark.parametrize("args", [("--users", "0"), ("--months", "2"), ("--holdout", "99")])
def test_bad_arguments_are_refused_clearly(db, args):
    with pytest.raises(CommandError, match="must be between"):
        run("evaluate_budget_model", "--synthetic", *args)


def _export(path, *, months: int = 16) -> None:
    """A person's bank export with their own category labels: groceries every few days, a monthly phone bill,
    a salary (income, not spending) and a savings transfer (not spending either)."""
    lines = ["Date,Amount,Label"]
    day = dt.date(2025, 1, 1)
    end = month_add(day, months)
    while day < end:
        if day.day % 3 == 0:
            lines.append(f"{day.isoformat()},-{40 + day.month},Groceries")
        if day.day == 5:
            lines += [f"{day.isoformat()},-30.00,Cellular Data Purchase", f"{day.isoformat()},2500.00,Salary",
                      f"{day.isoformat()},-500.00,Savings Transfer"]
        day += dt.timedelta(days=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_evaluate_on_a_real_export_scores_its_own_categories_next_to_generated_households(db, tmp_path):
    file = tmp_path / "export.csv"
    _export(file)
    report = run("evaluate_budget_model", "--csv", str(file), "--date-col", "Date", "--amount-col", "Amount",
                 "--category-col", "Label", "--users", "20", "--months", "18", "--holdout", "2")
    assert report["data"] == "real" and report["users"] == 1
    assert report["holdout_months"] == ["2026-03-01", "2026-04-01"]
    assert set(report["per_category"]) == {"Groceries", "Cellular Data Purchase"}  # no salary, no transfer
    assert report["per_category"]["Cellular Data Purchase"]["mean_actual"] == 30.0
    assert isinstance(report["loses_to_mean_3_months"], dict)
    assert report["synthetic"]["users"] == 20 and "mae_model" in report["synthetic"]["overall"]


def test_evaluate_on_an_export_needs_its_columns(db, tmp_path):
    file = tmp_path / "export.csv"
    _export(file, months=2)
    with pytest.raises(CommandError, match="--csv needs --date-col, --amount-col and --category-col"):
        run("evaluate_budget_model", "--csv", str(file), "--date-col", "Date", "--amount-col", "Amount")
