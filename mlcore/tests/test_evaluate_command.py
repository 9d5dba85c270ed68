"""evaluate_categorizer prints the figures it claims, for a small labelled file."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("global_model")]

ROWS = [
    ("2026-01-0{}", "POS Purchase Engen Mitchell Park * 0{} Jan", "-300.00", "Fuel"),
    ("2026-01-1{}", "POS Purchase Superspar Harding * 1{} Jan", "-120.50", "Groceries"),
]


@pytest.fixture
def labelled_csv(tmp_path):
    lines = ["description,amount,label,date"]
    for day in range(1, 9):
        for date, text, amount, label in ROWS:
            lines.append(f"{text.format(day)},{amount},{label},{date.format(day)}")
    path = tmp_path / "labelled.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def run(*args) -> dict:
    out = io.StringIO()
    call_command("evaluate_categorizer", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_prequential_replays_as_one_user_and_learns(labelled_csv):
    result = run("--csv", str(labelled_csv), "--text-col", "description", "--label-col", "label",
                 "--date-col", "date", "--amount-col", "amount", "--mode", "prequential")
    assert result["rows"] == 16
    # Only the first of each merchant can be missed: history files the rest.
    assert result["accuracy"] >= 14 / 16
    assert result["accuracy_last_half"] == 1.0
    assert result["mean_latency_ms"] > 0
    assert result["decided_by"]["history"] >= 14
    assert not User.objects.filter(email="evaluation@finsight.invalid").exists()  # rolled back


def test_cold_start_maps_labels_to_the_taxonomy_by_name(labelled_csv):
    result = run("--csv", str(labelled_csv), "--text-col", "description", "--label-col", "label",
                 "--mode", "cold-start")
    assert result["rows_with_a_mapped_label"] == 16  # "Fuel" is part of "Gas & Fuel", "Groceries" a name
    assert 0 <= result["accuracy_on_mapped_labels"] <= 1
    assert 0 <= result["coverage"] <= 1


def test_a_missing_column_is_named(labelled_csv):
    with pytest.raises(CommandError, match="--label-col 'category' is not a column"):
        run("--csv", str(labelled_csv), "--text-col", "description", "--label-col", "category")
