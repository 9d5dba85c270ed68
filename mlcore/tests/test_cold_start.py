"""Cold start on merchants the corpus never saw: the hand-written holdout list stays out of training, the
generator writes the shipped corpus deterministically, and evaluate_cold_start prints what it claims."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from mlcore.corpus.generate import CATEGORIES, DEFAULT_PATH, HOLDOUT_PATH, corpus_read, corpus_rows
from mlcore.management.commands.evaluate_cold_start import label_keys

pytestmark = pytest.mark.usefixtures("global_model")


@pytest.fixture(scope="module")
def holdout():
    with open(HOLDOUT_PATH, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_no_holdout_merchant_is_in_the_training_corpus(holdout):
    corpus = corpus_read()
    trained_names = {r["merchant"].strip().lower() for r in corpus}
    brands = {b.strip().lower() for spec in CATEGORIES.values() for b in spec.brands}
    names = [r["merchant"].strip().lower() for r in holdout]
    assert len(names) >= 200 and len(set(names)) == len(names)
    assert not set(names) & trained_names
    assert not set(names) & brands
    assert not {r["description"].lower() for r in holdout} & {r["description"].lower() for r in corpus}


def test_every_holdout_label_is_a_top_level_category(holdout):
    top_levels = set(label_keys().values())
    assert {r["label"] for r in holdout} <= top_levels
    assert len({r["label"] for r in holdout}) == len(top_levels)  # every top-level category is tested


def test_the_shipped_corpus_is_what_the_seeded_generator_writes():
    assert corpus_rows() == corpus_read(DEFAULT_PATH)
    assert corpus_rows(per_category=5, seed=11) == corpus_rows(per_category=5, seed=11)


def _run(*args) -> dict:
    out = io.StringIO()
    call_command("evaluate_cold_start", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_evaluate_cold_start_scores_the_holdout_list(holdout):
    figures = _run()
    assert figures["rows"] == len(holdout)
    for name in ("accuracy_top_level", "decided_without_review", "review_share", "accuracy_decided"):
        assert 0 <= figures[name] <= 1
    assert figures["decided_without_review"] + figures["review_share"] == pytest.approx(1)
    assert figures["accuracy_top_level"] > 0.5  # far better than one of 15 top-level categories by chance


def test_evaluate_cold_start_reads_another_labelled_file(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text("description,amount,label\n"
                    "SUNNYSIDE PHARMACY 0042 PORTLAND OR,-12.40,Pharmacy\n"
                    "PAYROLL DEPOSIT NORTHWIND TRADERS,3120.00,income.salary\n"
                    "ATM WITHDRAWAL 1234 MAIN ST,-100.00,transfers\n")
    figures = _run("--csv", str(path))
    assert figures["rows"] == 3
    assert figures["accuracy_top_level"] == 1.0


def test_a_label_naming_no_category_is_refused_with_its_line(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text("description,amount,label\nSHELL 1234,-40,transportation\nFOO,-1,Spaceships\n")
    with pytest.raises(CommandError, match="line 3.*Spaceships"):
        _run("--csv", str(path))
