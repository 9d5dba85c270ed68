"""evaluate_categorizer's added figures: accuracy by source, the share decided without review, the baseline."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mlcore.management.commands.evaluate_categorizer import baseline_accuracy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("global_model")]


@pytest.fixture
def labelled_csv(tmp_path):
    lines = ["description,amount,label,date"]
    for day in range(1, 9):
        lines.append(f"POS Purchase Engen Mitchell Park * 0{day} Jan,-300.00,Fuel,2026-01-0{day}")
        lines.append(f"POS Purchase Superspar Harding * 1{day} Jan,-120.50,Groceries,2026-01-1{day}")
    path = tmp_path / "labelled.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_prequential_replay_reports_each_source_and_the_share_decided_without_review(labelled_csv):
    out = io.StringIO()
    call_command("evaluate_categorizer", "--csv", str(labelled_csv), "--text-col", "description",
                 "--label-col", "label", "--date-col", "date", "--amount-col", "amount", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["accuracy_by_source"]["history"] == 1.0
    assert result["first_occurrences_of_a_label"] == 2
    assert 0.8 <= result["decided_without_review"] <= 1.0
    assert result["accuracy_without_review"] == 1.0
    assert 0 <= result["baseline"] <= result["accuracy"]


def test_the_baseline_remembers_the_same_description():
    rows = [{"description": "NETFLIX", "label": "Fun"}] * 4
    assert baseline_accuracy(rows) == 0.75
