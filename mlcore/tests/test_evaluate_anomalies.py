"""evaluate_anomalies replays a generated history (never real data) and prints the figures it claims."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mlcore.tests.anomaly_history import year_of_entries

KEYS = {"overall", "per_type", "false_alarms_per_month", "rows_scored", "months_scored", "learning_cutoff", "seed",
        "injected"}


def write_csv(path: Path, *, labelled: bool = False) -> Path:
    entries = year_of_entries(start=dt.date(2025, 6, 1))
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Booked", "Betrag", "Text", "Fraud"])
        for entry in entries:
            writer.writerow([entry.date.strftime("%d.%m.%Y"), f"{entry.amount}".replace(".", ","),
                             entry.description, 0])
        if labelled:  # a REWE charge ten times the usual, and a second identical TV the next day
            writer.writerow(["25.11.2026", "-350,00", "REWE SAGT DANKE", 1])
            writer.writerow(["20.11.2026", "-899,00", "CARD MEDIAMARKT TV", 0])
            writer.writerow(["21.11.2026", "-899,00", "CARD MEDIAMARKT TV", 1])
    return path


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("evaluate_anomalies", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_injected_anomalies_are_mostly_caught_with_few_false_alarms(tmp_path):
    path = write_csv(tmp_path / "history.csv")
    result = run("--csv", str(path), "--date-col", "Booked", "--amount-col", "Betrag", "--text-col", "Text")
    assert KEYS <= set(result)
    assert set(result["overall"]) == {"precision", "recall", "f1", "flagged", "labelled", "caught"}
    assert result["seed"] == 14 and sum(result["injected"].values()) == result["overall"]["labelled"] > 10
    assert set(result["injected"]) <= {"duplicate", "amount", "burst", "new_merchant", "off_cycle"}
    assert result["overall"]["recall"] >= 0.5
    assert result["overall"]["precision"] >= 0.8
    assert result["false_alarms_per_month"] <= 2
    assert result["learning_cutoff"] > "2025-12-01" and 80 <= result["months_scored"] <= 120  # ten runs
    assert [run["seed"] for run in result["runs"]] == list(range(14, 24))
    assert result["answered"]["false_alarms_per_month"] <= result["false_alarms_per_month"]


def test_the_seed_makes_the_replay_repeatable(tmp_path):
    path = write_csv(tmp_path / "history.csv")
    args = ("--csv", str(path), "--date-col", "Booked", "--amount-col", "Betrag", "--text-col", "Text", "--runs", "2",
            "--seed")
    assert run(*args, "7") == run(*args, "7")
    assert run(*args, "7")["injected"] != run(*args, "9")["injected"] or run(*args, "7") != run(*args, "9")


def test_the_files_own_labels_are_used_instead_of_injection(tmp_path):
    path = write_csv(tmp_path / "labelled.csv", labelled=True)
    result = run("--csv", str(path), "--date-col", "Booked", "--amount-col", "Betrag", "--text-col", "Text",
                 "--label-col", "Fraud")
    assert result["injected"] == {}
    assert result["overall"]["labelled"] == 2
    assert result["overall"]["caught"] == 2
    assert list(result["per_type"]) == ["labelled"]


def test_a_missing_column_is_named(tmp_path):
    path = write_csv(tmp_path / "history.csv")
    with pytest.raises(CommandError, match="No column 'Datum'"):
        run("--csv", str(path), "--date-col", "Datum", "--amount-col", "Betrag", "--text-col", "Text")
