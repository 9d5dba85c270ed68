"""The global categorizer: unseen merchants, calibrated confidences, explanations, safe artifacts."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from types import SimpleNamespace

import joblib
import numpy as np
import pytest
from django.core.management import call_command

from mlcore import global_categorizer as services
from mlcore.categorizer import (
    CURRENT_FILE,
    METADATA_FILE,
    MODEL_FILE,
    ArtifactCorrupt,
    ArtifactIncompatible,
    ArtifactMissing,
    GlobalCategorizer,
)
from mlcore.corpus.generate import corpus_rows, corpus_write, merchant_is_held_out

# Small enough to train in about a second; the shipped corpus is ten times larger.
SMALL = {"per_category": 40, "seed": 7}


@pytest.fixture(scope="module")
def corpus():
    return corpus_rows(**SMALL)


@pytest.fixture(scope="module")
def trained(corpus):
    return GlobalCategorizer().train(corpus, [r["category_key"] for r in corpus],
                                     merchants=[r["merchant"] for r in corpus])


@pytest.fixture(scope="module")
def tiny_corpus():
    return corpus_rows(per_category=12, seed=7)


@pytest.fixture
def artifact_dir(settings, tmp_path, tiny_corpus):
    """Services read and write under tmp_path and train on a tiny corpus: these tests are about files."""
    settings.MLCORE_ARTIFACT_DIR = tmp_path / "models"
    corpus_path = tmp_path / "corpus.csv"
    corpus_write(corpus_path, tiny_corpus)
    settings.MLCORE_SEED_CORPUS = corpus_path
    services.categorizer_reset()
    yield tmp_path / "models" / "categorizer"
    services.categorizer_reset()


def _row(description, amount="-12.50", account_kind="checking"):
    return {"description": description, "amount": amount, "account_kind": account_kind}


def _current(root):
    return (root / CURRENT_FILE).read_text().strip()


@pytest.mark.parametrize(("description", "expected"), [
    # None of these merchant names is in the corpus: the words carry them.
    ("SUNNYSIDE PHARMACY 0042 PORTLAND OR", {"health_wellness.pharmacy"}),
    ("KARTENZAHLUNG LINDEN-APOTHEKE 12.03", {"health_wellness.pharmacy"}),
    ("CITY TAXI 42 LONDON", {"transportation.rideshare", "transportation.public_transit"}),
    ("SQ *HARBOURVIEW COFFEE ROASTERS", {"food_drink.coffee_shops"}),
    ("POS PURCHASE QUAYSIDE CAFE #12", {"food_drink.coffee_shops", "food_drink.restaurants", "food_drink.bars"}),
    ("HOTEL ZUR POST GARMISCH", {"travel.hotels"}),
    ("BRIGHTSIDE DENTAL CARE", {"health_wellness.doctor"}),
    ("ATM WITHDRAWAL 1234 MAIN ST", {"transfers.cash_withdrawal"}),
])
def test_unseen_merchants_are_categorized_by_their_words(trained, corpus, description, expected):
    known = {r["merchant"].lower() for r in corpus}
    assert not any(name in description.lower() for name in ("sunnyside", "linden-apotheke", "quayside", "harbourview",
                                                            "zur post", "brightside") if name in known)
    prediction = trained.predict([_row(description)])[0]
    assert prediction.category_key in expected


def test_a_brand_seen_in_training_with_a_new_store_number(trained, corpus):
    assert "Walgreens" in {r["merchant"] for r in corpus}  # seen merchant, unseen descriptor
    assert trained.predict([_row("WALGREENS #1234")])[0].category_key == "health_wellness.pharmacy"


def test_salary_needs_money_in(trained):
    salary = trained.predict([_row("PAYROLL DEPOSIT NORTHWIND TRADERS", amount="3120.00")])[0]
    assert salary.category_key == "income.salary"


def test_held_out_merchants_are_mostly_right(corpus):
    train = [r for r in corpus if not merchant_is_held_out(r["merchant"])]
    test = [r for r in corpus if merchant_is_held_out(r["merchant"])]
    assert not {r["merchant"] for r in train} & {r["merchant"] for r in test}
    model = GlobalCategorizer().train(train, [r["category_key"] for r in train])
    scores = model.evaluate(test, [r["category_key"] for r in test], review_threshold=0.6)
    # The full corpus gets about 0.85 right at the top level; this small one (40 rows a category spread over
    # about 160 merchants) has far less to learn from, and one of 49 categories by chance would be 0.02.
    assert scores["accuracy"] > 0.45 and scores["accuracy_top_level"] > 0.55
    # What it files without review it mostly files right; the rest waits for the person.
    assert scores["accuracy_decided"] > 0.75


def test_confidences_are_probabilities_and_match_sklearn(trained, corpus):
    predictions = trained.predict(corpus[:200])
    for p in predictions:
        assert 0.0 <= p.confidence <= 1.0
        assert all(p.confidence >= prob for _, prob in p.alternatives)
    features = trained._features([__import__("mlcore.categorizer", fromlist=["row_coerce"]).row_coerce(r)
                                  for r in corpus[:200]])
    np.testing.assert_allclose(trained.predict_proba_features(features),
                               trained.classifier.predict_proba(features), atol=1e-6)


def test_fast_features_equal_the_vectorizers(trained, corpus):
    from mlcore.categorizer import _columns, _word_texts

    columns = _columns([{k: v for k, v in r.items() if k != "merchant"} for r in corpus[:100]])
    words = _word_texts(columns.descriptions)
    merchants = trained._merchant_texts(columns)
    np.testing.assert_allclose(trained._word_matrix(words).toarray(),
                               trained.word_vectorizer.transform(words).toarray(), atol=1e-6)
    np.testing.assert_allclose(trained._char_matrix(merchants).toarray(),
                               trained.char_vectorizer.transform(merchants).toarray(), atol=1e-6)


def test_one_row_at_a_time_gives_the_batch_answer(trained, corpus):
    """A typed transaction (scored row by row in Python) gets what the same row gets inside an import."""
    rows = [{k: v for k, v in r.items() if k != "merchant"} for r in corpus[:60]]
    batch = trained.predict(rows)
    for row, expected in zip(rows, batch, strict=True):
        single = trained.predict([row])[0]
        assert single.category_key == expected.category_key
        assert single.confidence == pytest.approx(expected.confidence, abs=1e-6)
        assert single.explanation == expected.explanation


def test_amounts_arrive_as_strings_decimals_floats_or_nothing(trained):
    descriptions = ["PAYROLL DEPOSIT NORTHWIND TRADERS"] * 4
    amounts = ["3120.00", Decimal("3120.00"), 3120.0, "3,120.00"]
    keys = {p.category_key for p in trained.predict([_row(d, a) for d, a in zip(descriptions, amounts, strict=True)])}
    assert keys == {"income.salary"}
    assert trained.predict([_row("PAYROLL DEPOSIT NORTHWIND TRADERS", None)] * 10)[0].category_key


def test_explanation_names_a_word_of_the_description(trained):
    description = "SUNNYSIDE PHARMACY 0042 PORTLAND OR"
    prediction = trained.predict([_row(description)])[0]
    assert prediction.explanation.endswith("Pharmacy")
    quoted = prediction.explanation.split("'")[1::2]
    assert quoted and all(word in description.lower() for word in quoted)
    assert "pos" not in trained.predict([_row("POS PURCHASE QUAYSIDE CAFE")])[0].explanation.lower().split("'")


def test_accepts_transactions_and_empty_batches(trained):
    transaction = SimpleNamespace(description="KARTENZAHLUNG WESTRING TANKSTELLE 0421 HAMBURG", amount=Decimal("-61.20"), merchant="",
                                  account=SimpleNamespace(kind="credit_card"))
    assert trained.predict([transaction])[0].category_key == "transportation.gas_fuel"
    assert trained.predict([]) == []


def test_save_and_load_round_trip(trained, tmp_path, corpus):
    version_dir = trained.save(tmp_path, metrics={"held_out_merchant_accuracy": 0.8})
    assert _current(tmp_path) == version_dir.name
    metadata = json.loads((version_dir / METADATA_FILE).read_text())
    for key in ("format_version", "sklearn_version", "numpy_version", "python_version", "training_rows",
                "training_sha256", "created_at", "metrics", "model_sha256"):
        assert key in metadata
    assert metadata["training_rows"] == len(corpus)
    loaded = GlobalCategorizer.load(tmp_path)
    rows = corpus[:50]
    assert loaded.predict(rows) == trained.predict(rows)


def test_a_failed_save_leaves_no_partial_files_and_keeps_current(trained, tmp_path, monkeypatch):
    first = trained.save(tmp_path)

    def dump_half_then_fail(value, filename, **kwargs):
        with open(filename, "wb") as handle:
            handle.write(b"\x80\x04partial")
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", dump_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        trained.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([CURRENT_FILE, first.name])
    assert _current(tmp_path) == first.name
    assert GlobalCategorizer.load(tmp_path).predict(["SHELL 0421"])


def _edit_metadata(version_dir, **changes):
    path = version_dir / METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata.update(changes)
    path.write_text(json.dumps(metadata))


def test_another_format_version_is_refused_by_name(trained, tmp_path):
    _edit_metadata(trained.save(tmp_path), format_version=GlobalCategorizer.FORMAT_VERSION + 1)
    with pytest.raises(ArtifactIncompatible, match=rf"format version {GlobalCategorizer.FORMAT_VERSION + 1}.*format version {GlobalCategorizer.FORMAT_VERSION}"):
        GlobalCategorizer.load(tmp_path)


def test_another_sklearn_version_is_refused_by_name(trained, tmp_path):
    _edit_metadata(trained.save(tmp_path), sklearn_version="0.24.2")
    with pytest.raises(ArtifactIncompatible, match=r"scikit-learn 0\.24\.2.*this process runs scikit-learn"):
        GlobalCategorizer.load(tmp_path)


def test_a_corrupt_model_file_is_refused(trained, tmp_path):
    version_dir = trained.save(tmp_path)
    model_path = version_dir / MODEL_FILE
    model_path.write_bytes(model_path.read_bytes()[:1000])
    with pytest.raises(ArtifactCorrupt, match="checksum"):
        GlobalCategorizer.load(tmp_path)
    # Garbage whose checksum was updated too still fails cleanly, when unpickled.
    model_path.write_bytes(b"not a pickle")
    from mlcore.artifacts import file_sha256 as _file_sha256

    _edit_metadata(version_dir, model_sha256=_file_sha256(model_path))
    with pytest.raises(ArtifactCorrupt, match="cannot be loaded"):
        GlobalCategorizer.load(tmp_path)


def test_missing_artifact(tmp_path):
    with pytest.raises(ArtifactMissing):
        GlobalCategorizer.load(tmp_path)


def test_getter_never_trains_a_missing_model(artifact_dir):
    with pytest.raises(services.CategorizerNotReady, match="No categorizer artifact"):
        services.categorizer_get()
    assert not services.categorizer_ready()
    assert not artifact_dir.exists()


def test_ensure_trains_once_then_the_getter_loads_once(artifact_dir, monkeypatch):
    assert services.categorizer_ensure()["trained"]
    assert services.categorizer_ensure() == {"trained": False}
    model = services.categorizer_get()
    assert _current(artifact_dir)
    services.categorizer_reset()
    loads = []
    original = GlobalCategorizer.load.__func__

    def counting_load(cls, directory):
        loads.append(directory)
        return original(cls, directory)

    monkeypatch.setattr(GlobalCategorizer, "load", classmethod(counting_load))
    got = []
    threads = [threading.Thread(target=lambda: got.append(services.categorizer_get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert len({id(m) for m in got}) == 1 and got[0] is not model
    prediction = services.categories_predict(rows=[_row("CITY TAXI 42 LONDON")])[0]
    assert prediction.category_key in got[0].metadata["classes"] and 0 <= prediction.confidence <= 1


@pytest.mark.parametrize("damage", ["format", "sklearn", "corrupt"])
def test_an_unusable_artifact_is_refused_by_the_getter_and_retrained_by_ensure(artifact_dir, trained, damage,
                                                                               caplog):
    version_dir = trained.save(artifact_dir)
    if damage == "format":
        _edit_metadata(version_dir, format_version=99)
    elif damage == "sklearn":
        _edit_metadata(version_dir, sklearn_version="0.24.2")
    else:
        (version_dir / MODEL_FILE).write_bytes(b"garbage")
    with pytest.raises(services.CategorizerNotReady):
        services.categorizer_get()
    assert _current(artifact_dir) == version_dir.name  # the request left it alone
    assert services.categorizer_ensure()["trained"]
    assert _current(artifact_dir) != version_dir.name
    assert "Retraining the global categorizer" in caplog.text
    assert services.categorizer_get().predict(["CITY TAXI 42 LONDON"])[0].category_key


def test_train_command_prints_metrics(artifact_dir, capsys):
    call_command("train_categorizer", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert 0 <= figures["held_out_merchant_accuracy"] <= 1 and figures["held_out_rows"] > 0
    assert figures["held_out_merchant_macro_f1"] > 0
    assert figures["held_out_merchant_accuracy"] <= figures["held_out_accuracy_top_level"] <= 1
    assert figures["held_out_decided_without_review"] + figures["held_out_review_share"] == pytest.approx(1)
    assert 0 <= figures["held_out_accuracy_decided"] <= 1 and figures["review_threshold"] > 0
    assert figures["artifact_bytes"] > 0 and figures["training_seconds"] > 0
    assert _current(artifact_dir) == figures["version"]
