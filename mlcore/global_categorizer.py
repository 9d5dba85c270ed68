"""The global categorizer: loaded once per process on first use (never at import), never trained on the way.

Training takes a minute or more, so only set-up (``manage.py demo``), the release step (``manage.py
train_categorizer``) and a worker (``categorizer_ensure``, from mlcore.tasks and the schedule) train it. A request
that finds no usable artifact gets CategorizerNotReady and goes on without the global model.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from mlcore.categorizer import ArtifactError, ArtifactMissing, GlobalCategorizer, Prediction
from mlcore.corpus.generate import DEFAULT_PATH, corpus_read, merchant_is_held_out

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_categorizer: GlobalCategorizer | None = None


def categorizer_artifact_dir() -> Path:
    return Path(getattr(settings, "MLCORE_ARTIFACT_DIR", settings.DATA_DIR / "models")) / "categorizer"


class CategorizerNotReady(Exception):
    """No usable global model yet (none trained, or one this code cannot read): a worker trains it."""


def categorizer_get() -> GlobalCategorizer:
    """The process's global categorizer, loaded once. Never trains: without a usable artifact it raises
    CategorizerNotReady (each call looks again, so a model a worker saves meanwhile is picked up)."""
    global _categorizer
    model = _categorizer
    if model is not None:
        return model
    with _lock:
        if _categorizer is None:
            try:
                _categorizer = GlobalCategorizer.load(categorizer_artifact_dir())
            except ArtifactError as error:
                raise CategorizerNotReady(str(error)) from error
        return _categorizer


def categorizer_ready() -> bool:
    try:
        categorizer_get()
    except CategorizerNotReady:
        return False
    return True


def categorizer_ensure() -> dict[str, Any]:
    """For a worker or a set-up command, never a request: load the global model, training and saving it first
    if no usable artifact exists. Returns {"trained": bool} (and the training time when it trained)."""
    global _categorizer
    with _lock:
        if _categorizer is not None:
            return {"trained": False}
        try:
            _categorizer = GlobalCategorizer.load(categorizer_artifact_dir())
            return {"trained": False}
        except ArtifactMissing as error:
            logger.info("Training the global categorizer: %s", error)
        except ArtifactError as error:
            logger.warning("Retraining the global categorizer: %s", error)
        # The held-out fit would double the wait of the rows waiting for this model; the command reports metrics.
        _categorizer, metadata = _train_and_save(evaluate=False)
        return {"trained": True, "training_seconds": metadata["metrics"]["training_seconds"]}


def categorizer_reset() -> None:
    """Forget the loaded model (tests; after a new artifact was saved by another process)."""
    global _categorizer
    with _lock:
        _categorizer = None


def categories_predict(*, rows: Iterable[Any]) -> list[Prediction]:
    """One Prediction per row, in order. Rows: Transactions, mappings with description / amount /
    account_kind / merchant, or CategorizerRow. One matrix product for the whole batch."""
    return categorizer_get().predict(rows)


def category_predict(*, row: Any) -> Prediction:
    return categories_predict(rows=[row])[0]


def categorizer_train(*, corpus_path: Path | str | None = None, evaluate: bool = True,
                      review_threshold: float | None = None) -> dict[str, Any]:
    """Train on the seed corpus (or another CSV of the same columns), save a new version, use it in this
    process, and return its metadata (with held-out-merchant metrics when ``evaluate``; with the share decided
    without review too when given the ``review_threshold`` the per-user layer applies)."""
    global _categorizer
    with _lock:
        model, metadata = _train_and_save(corpus_path, evaluate=evaluate, review_threshold=review_threshold)
        _categorizer = model
    return metadata


def seed_corpus_path() -> Path:
    return Path(getattr(settings, "MLCORE_SEED_CORPUS", DEFAULT_PATH))


def _train_and_save(corpus_path: Path | str | None = None, *, evaluate: bool = True,
                    review_threshold: float | None = None) -> tuple[GlobalCategorizer, dict[str, Any]]:
    rows = corpus_read(Path(corpus_path) if corpus_path else seed_corpus_path())
    metrics = _held_out_merchant_metrics(rows, review_threshold=review_threshold) if evaluate else {}
    started = time.perf_counter()
    model = GlobalCategorizer().train(rows, [r["category_key"] for r in rows], merchants=_merchants(rows))
    metrics["training_seconds"] = round(time.perf_counter() - started, 3)
    version_dir = model.save(categorizer_artifact_dir(), metrics=metrics)
    logger.info("Saved the global categorizer to %s", version_dir)
    return model, model.metadata


def _merchants(rows: list[dict[str, str]]) -> list[str] | None:
    return [r["merchant"] for r in rows] if all(r.get("merchant") for r in rows) else None


def _held_out_merchant_metrics(rows: list[dict[str, str]], *, review_threshold: float | None = None
                               ) -> dict[str, Any]:
    """Fit on the merchants outside the held-out set and score on the held-out ones: how the model does on
    merchant names it has never seen, as a category and at the top level a cold start is judged by, and (with
    a threshold) how many of them a new user would see decided without review. The saved model is then
    fitted on every row."""
    if not all(r.get("merchant") for r in rows):
        return {}
    train = [r for r in rows if not merchant_is_held_out(r["merchant"])]
    test = [r for r in rows if merchant_is_held_out(r["merchant"])]
    if not train or not test or len({r["category_key"] for r in train}) < 2:
        return {}
    model = GlobalCategorizer().train(train, [r["category_key"] for r in train], merchants=_merchants(train))
    scores = model.evaluate(test, [r["category_key"] for r in test], review_threshold=review_threshold or 0.5)
    review = {f"held_out_{name}": scores[name] for name in ("decided_without_review", "review_share",
                                                            "accuracy_decided", "review_threshold")}
    return {
        "held_out_merchant_accuracy": scores["accuracy"],
        "held_out_accuracy_top_level": scores["accuracy_top_level"],
        **(review if review_threshold is not None else {}),
        "held_out_merchant_macro_f1": scores["macro_f1"],
        "held_out_rows": scores["rows"],
        "held_out_merchants": len({r["merchant"] for r in test}),
        "train_rows_for_evaluation": len(train),
    }
