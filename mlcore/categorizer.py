"""The global categorizer: a bank descriptor (+ amount and account kind) -> a standard category key.

Features, stacked into one sparse matrix:
- words and word pairs of the whole descriptor (lowercased, digits dropped) through a fitted TF-IDF
  vocabulary: words such as "pharmacy", "lastschrift" or "payroll" carry a category, and having their
  names is what lets a prediction explain itself;
- character n-grams (char_wb 2-5) of the merchant name that ``merchant_clean`` leaves once processor
  prefixes, store numbers, dates and places are gone, through a HashingVectorizer: they carry unseen
  merchant names ("apotheek", "taxi-zentrale") without a 100k-entry vocabulary in the artifact, and they
  are never shown to a person, so they need no names;
- amount sign, a log-size bucket, the account kind and sign x account kind, as one-hot tokens.

A LinearSVC (one-vs-rest) is calibrated by CalibratedClassifierCV (sigmoid, ensemble=False: one final
model, so prediction costs one matrix product). The calibration folds are grouped by merchant when
merchants are known, so confidences are those of a merchant the model has not seen, not an overconfident
in-sample score.

Artifacts: ``<root>/<version>/{model.joblib, metadata.json}`` plus ``<root>/current`` naming the version.
A version directory is written under a temporary name and renamed into place; ``current`` is replaced
atomically only after that, so a reader sees either the old complete model or the new complete one.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

from mlcore.artifacts import (  # noqa: F401 - the artifact names are imported from here too
    CURRENT_FILE,
    METADATA_FILE,
    MODEL_FILE,
    ArtifactCorrupt,
    ArtifactError,
    ArtifactIncompatible,
    ArtifactKind,
    ArtifactMissing,
    artifact_read,
    artifact_write,
)
from transactions.merchants import merchant_clean
from transactions.taxonomy import TAXONOMY

logger = logging.getLogger(__name__)


ACCOUNT_KINDS = ("checking", "savings", "credit_card", "cash", "investment", "")
# Ten buckets of |amount| on a half-decade log scale: <1, 1-3, 3-10, 10-30, ... 3k-10k, 10k+.
AMOUNT_BUCKETS = 10
_DIGITS = re.compile(r"\d+")
# Payment mechanics, processors, connectives and places: real features, but not a reason a person accepts.
_NOT_A_REASON = frozenset("""
    pos purchase purchases debit card payment payments to visa mastercard maestro contactless kartenzahlung girocard ec
    karte bea gea cb paiement par carte compra pago sq sqr tst sumup iz zettle paypal pp amzn mktp google apple bill
    com www de us nl uk eu sepa lastschrift folgelastschrift incasso prlv vir recu dd ach direct standing order
    dauerauftrag ueberweisung überweisung online banking web pmt authorized on von van an the of and und at fuer
    for from in mandat ref end id kd nr inv no gutschrift bacs credit xxxx
    new york san francisco oakland chicago austin seattle boston denver miami portland atlanta phoenix brooklyn
    los angeles dallas berlin muenchen hamburg koeln frankfurt amsterdam utrecht rotterdam paris lyon london
    manchester leeds zuerich basel wien madrid barcelona milano dublin bruxelles lisboa luxembourg gatos
    ny ca il tx wa ma co fl or ga az dc gb fr ch at es it ie be pt
""".split())
_WORD_TOKEN = r"(?u)\b[^\W\d_][^\W\d_]+\b"  # letters only: store numbers, dates and references never count


@dataclass(frozen=True, slots=True)
class Prediction:
    category_key: str
    confidence: float  # calibrated probability of category_key, 0-1
    explanation: str  # "Words 'pharmacy', 'cvs' suggest Pharmacy"
    alternatives: tuple[tuple[str, float], ...] = ()  # the next best (key, probability), best first


@dataclass(frozen=True, slots=True)
class CategorizerRow:
    description: str
    amount: float | None = None  # signed: negative is money out
    account_kind: str = ""
    merchant: str = ""  # a cleaned merchant name if the caller has one; else merchant_clean(description)


def category_names() -> dict[str, str]:
    """Standard key -> the name a person reads ("health_wellness.pharmacy" -> "Pharmacy")."""
    names = {}
    for key, name, _kind, children in TAXONOMY:
        names[key] = name
        for child_key, child_name in children:
            names[f"{key}.{child_key}"] = child_name
    return names


def row_coerce(row: Any) -> CategorizerRow:
    """Accepts a CategorizerRow, a mapping (description, amount, account_kind, merchant), a Transaction
    (description, amount, merchant, account.kind) or a bare description string."""
    if isinstance(row, CategorizerRow):
        return row
    if isinstance(row, str):
        return CategorizerRow(description=row)
    if isinstance(row, Mapping):
        get = row.get
        account_kind = get("account_kind") or ""
    else:
        def get(name, default=None):
            return getattr(row, name, default)
        account = getattr(row, "account", None)
        account_kind = getattr(account, "kind", "") or getattr(row, "account_kind", "") or ""
    return CategorizerRow(description=str(get("description") or ""), amount=_amount_float(get("amount")),
                          account_kind=str(account_kind), merchant=str(get("merchant") or ""))


def _without_merchant(row: CategorizerRow) -> CategorizerRow:
    return replace(row, merchant="") if row.merchant else row


def _amount_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _word_text(row: CategorizerRow) -> str:
    return _DIGITS.sub(" ", row.description.lower())


def _merchant_text(row: CategorizerRow) -> str:
    return (row.merchant or merchant_clean(row.description)).lower()


_META_INDEX: dict[str, int] = {}
for _token in (["sign:none", "sign:neg", "sign:pos"] + [f"size:{i}" for i in range(AMOUNT_BUCKETS)]
               + [f"account:{kind}" for kind in ACCOUNT_KINDS]
               + [f"sign_account:{s}:{kind}" for s in ("none", "neg", "pos") for kind in ACCOUNT_KINDS]):
    _META_INDEX[_token] = len(_META_INDEX)


def _meta_matrix(rows: Sequence[CategorizerRow]) -> sp.csr_matrix:
    cols = []
    for row in rows:
        amount = row.amount
        if amount is None:
            sign, tokens = "none", []
        else:
            sign = "neg" if amount < 0 else "pos"
            size = abs(amount)
            bucket = 0 if size < 1 else min(AMOUNT_BUCKETS - 1, 1 + int(2 * math.log10(size)))
            tokens = [f"size:{bucket}"]
        kind = row.account_kind if row.account_kind in ACCOUNT_KINDS else ""
        tokens += [f"sign:{sign}", f"account:{kind}", f"sign_account:{sign}:{kind}"]
        cols.append([_META_INDEX[t] for t in tokens])
    indptr = np.cumsum([0] + [len(c) for c in cols])
    indices = np.fromiter((i for c in cols for i in c), dtype=np.int32, count=int(indptr[-1]))
    data = np.full(len(indices), 0.5, dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), len(_META_INDEX)))


class GlobalCategorizer:
    FORMAT_VERSION = 1
    CHAR_FEATURES = 2**17

    def __init__(self, *, C: float = 0.5, calibration_folds: int = 3, random_state: int = 0) -> None:  # noqa: N803
        self.C = C
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.word_vectorizer: TfidfVectorizer | None = None
        self.char_vectorizer = HashingVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), n_features=self.CHAR_FEATURES, alternate_sign=False,
            norm="l2", dtype=np.float32,
        )
        self.classifier: CalibratedClassifierCV | None = None
        self.classes_: np.ndarray | None = None
        self.metadata: dict[str, Any] = {}
        self._reset_caches()

    def _reset_caches(self) -> None:
        self._explain_state: tuple[np.ndarray, np.ndarray] | None = None
        self._word_cache = None
        self._char_cache = None
        self._linear: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    # --- features ---------------------------------------------------------------------------------

    def _features(self, rows: Sequence[CategorizerRow], *, fit: bool = False) -> sp.csr_matrix:
        words = [_word_text(r) for r in rows]
        merchants = [_merchant_text(r) for r in rows]
        if fit:
            self.word_vectorizer = TfidfVectorizer(
                token_pattern=_WORD_TOKEN, ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32,
            )
            word_matrix = self.word_vectorizer.fit_transform(words)
            char_matrix = self.char_vectorizer.transform(merchants)
        else:
            # The same numbers as the vectorizers' transform(), without sklearn's per-call validation,
            # which costs ~0.6 ms: most of a single prediction's budget.
            word_matrix = self._word_matrix(words)
            # A statement repeats its merchants; their character n-grams are the costliest part, so once each.
            first_seen: dict[str, int] = {}
            positions = [first_seen.setdefault(text, len(first_seen)) for text in merchants]
            char_matrix = self._char_matrix(list(first_seen))
            if len(first_seen) < len(merchants):
                char_matrix = char_matrix[np.asarray(positions, dtype=np.int64)]
        return sp.hstack([word_matrix, char_matrix, _meta_matrix(rows)], format="csr", dtype=np.float32)

    def _word_matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        analyzer, vocabulary, idf = self._word_state()
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for text in texts:
            counts: dict[int, int] = {}
            for token in analyzer(text):
                index = vocabulary.get(token)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            for index, count in sorted(counts.items()):
                indices.append(index)
                data.append((1.0 + math.log(count)) * idf[index])
            indptr.append(len(indices))
        matrix = sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                                np.asarray(indptr, dtype=np.int32)), shape=(len(texts), len(vocabulary)))
        return _l2_rows(matrix)

    def _char_matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        analyzer = self._char_analyzer()
        hasher = FeatureHasher(n_features=self.CHAR_FEATURES, input_type="string", alternate_sign=False,
                               dtype=np.float32)
        return _l2_rows(hasher.transform(analyzer(text) for text in texts).tocsr())

    def _word_state(self):
        if self._word_cache is None:
            idf = self.word_vectorizer.idf_.astype(np.float64).tolist()
            self._word_cache = (self.word_vectorizer.build_analyzer(), self.word_vectorizer.vocabulary_, idf)
        return self._word_cache

    def _char_analyzer(self):
        if self._char_cache is None:
            self._char_cache = self.char_vectorizer.build_analyzer()
        return self._char_cache

    # --- training ---------------------------------------------------------------------------------

    def train(self, rows: Iterable[Any], labels: Sequence[str], *, merchants: Sequence[str] | None = None
              ) -> GlobalCategorizer:
        """Fit on rows (see ``row_coerce``) and their category keys. ``merchants`` (one per row) groups the
        calibration folds so that confidences describe merchants the model has not seen."""
        # Features come from the descriptor as a bank prints it, as at import; a corpus's canonical merchant
        # name would be cleaner than anything merchant_clean produces in use.
        rows = [_without_merchant(row_coerce(r)) for r in rows]
        labels = np.asarray(labels)
        if len(rows) != len(labels):
            raise ValueError(f"{len(rows)} rows but {len(labels)} labels")
        started = time.perf_counter()
        features = self._features(rows, fit=True)
        folds = self._calibration_folds(labels, merchants)
        self.classifier = CalibratedClassifierCV(
            LinearSVC(C=self.C, random_state=self.random_state), method="sigmoid", cv=folds, ensemble=False,
        )
        self.classifier.fit(features, labels)
        svc = self.classifier.calibrated_classifiers_[0].estimator
        svc.coef_ = svc.coef_.astype(np.float32)  # halves the artifact; float32 is ample for a linear score
        self.classes_ = self.classifier.classes_
        self._reset_caches()
        self.metadata = {
            "format_version": self.FORMAT_VERSION,
            "training_rows": len(rows),
            "training_sha256": training_hash(rows, labels),
            "classes": [str(c) for c in self.classes_],
            "training_seconds": round(time.perf_counter() - started, 3),
            "word_features": len(self.word_vectorizer.vocabulary_),
            "char_features": self.CHAR_FEATURES,
        }
        return self

    def _calibration_folds(self, labels: np.ndarray, merchants: Sequence[str] | None) -> list:
        positions = np.arange(len(labels))
        if merchants is not None:
            groups = np.asarray([m.strip().lower() for m in merchants])
            n_splits = min(self.calibration_folds, len(set(groups)))
            folds = list(GroupKFold(n_splits=n_splits).split(positions, labels, groups))
            # A fold whose training part lacks a class cannot calibrate it; fall back to stratified folds.
            if all(len(set(labels[train])) == len(set(labels)) for train, _ in folds):
                return folds
        n_splits = max(2, min(self.calibration_folds, int(np.bincount(np.unique(labels, return_inverse=True)[1]).min())))
        return list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
                    .split(positions, labels))

    def evaluate(self, rows: Iterable[Any], labels: Sequence[str]) -> dict[str, float]:
        rows = [_without_merchant(row_coerce(r)) for r in rows]
        predicted = [p.category_key for p in self.predict(rows, explain=False)]
        return {
            "accuracy": round(float(accuracy_score(labels, predicted)), 4),
            "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
            "rows": len(predicted),
        }

    # --- prediction -------------------------------------------------------------------------------

    def predict(self, rows: Iterable[Any], *, explain: bool = True, alternatives: int = 2) -> list[Prediction]:
        """One Prediction per row, in order; a batch costs one sparse matrix product."""
        if self.classifier is None:
            raise RuntimeError("The categorizer has not been trained or loaded.")
        rows = [row_coerce(r) for r in rows]
        if not rows:
            return []
        features = self._features(rows)
        probabilities = self.predict_proba_features(features)
        ranked = np.argsort(-probabilities, axis=1)[:, : alternatives + 1]
        best = ranked[:, 0]
        explanations = self._explanations(features, best) if explain else [""] * len(rows)
        classes = [str(c) for c in self.classes_]
        out = []
        for i, order in enumerate(ranked.tolist()):
            row_probs = probabilities[i]
            out.append(Prediction(
                category_key=classes[order[0]],
                confidence=float(row_probs[order[0]]),
                explanation=explanations[i],
                alternatives=tuple((classes[j], float(row_probs[j])) for j in order[1:]),
            ))
        return out

    def predict_proba_features(self, features: sp.csr_matrix) -> np.ndarray:
        """CalibratedClassifierCV.predict_proba (sigmoid, one calibrated model), computed directly: the
        linear scores in one product, then every class's sigmoid at once instead of a loop over classes."""
        weights, intercept, slope, offset = self._linear_state()
        scores = features @ weights + intercept
        if weights.shape[1] == 1:  # two classes: one score, for the second class
            positive = expit(-(slope * scores[:, 0] + offset))
            return np.column_stack([1.0 - positive, positive])
        proba = expit(-(scores * slope + offset))
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / proba.shape[1])
        return np.divide(proba, total, out=uniform, where=total != 0)

    def _linear_state(self):
        if self._linear is None:
            calibrated = self.classifier.calibrated_classifiers_[0]
            svc = calibrated.estimator
            if list(svc.classes_) != list(self.classes_):
                raise ArtifactCorrupt("The calibrated classifier's classes do not match the categorizer's.")
            slope = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
            offset = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
            weights = np.ascontiguousarray(svc.coef_.T, dtype=np.float32)
            self._linear = (weights, svc.intercept_.astype(np.float64), slope, offset)
        return self._linear

    def _explanations(self, features: sp.csr_matrix, best: np.ndarray) -> list[str]:
        """The two words (or word pairs) that pushed most towards the predicted class (value x weight)."""
        word_names, word_coef, can_explain = self._explain_weights()
        words = features[:, : len(word_names)].tocsr()
        entry_row = np.repeat(np.arange(words.shape[0]), np.diff(words.indptr))
        contribution = words.data * word_coef[best[entry_row], words.indices]
        keep = (contribution > 0.05) & can_explain[words.indices]
        entry_row, contribution, feature = entry_row[keep], contribution[keep], words.indices[keep]
        order = np.lexsort((-contribution, entry_row))
        reasons: dict[int, list[str]] = {}
        for row, index in zip(entry_row[order].tolist(), feature[order].tolist(), strict=True):
            chosen = reasons.setdefault(row, [])
            word = word_names[index]
            if len(chosen) < 2 and not any(word in c or c in word for c in chosen):
                chosen.append(word)
        names = category_names()
        labels = [names.get(str(c), str(c)) for c in self.classes_]
        out = []
        for i, class_index in enumerate(best.tolist()):
            category = labels[class_index]
            chosen = reasons.get(i, ())
            if len(chosen) == 2:
                out.append(f"Words '{chosen[0]}', '{chosen[1]}' suggest {category}")
            elif chosen:
                out.append(f"Word '{chosen[0]}' suggests {category}")
            else:
                out.append(f"The merchant name resembles others filed under {category}")
        return out

    def _explain_weights(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        if self._explain_state is None:
            svc = self.classifier.calibrated_classifiers_[0].estimator
            names = self.word_vectorizer.get_feature_names_out().tolist()
            can_explain = np.array([not any(p in _NOT_A_REASON for p in n.split()) for n in names], dtype=bool)
            self._explain_state = (names, np.asarray(svc.coef_[:, : len(names)], dtype=np.float32), can_explain)
        return self._explain_state

    # --- persistence ------------------------------------------------------------------------------

    def save(self, directory: Path | str, *, metrics: Mapping[str, Any] | None = None) -> Path:
        """Write a new version under ``directory`` and point ``current`` at it; returns the version path."""
        if self.classifier is None:
            raise RuntimeError("Train the categorizer before saving it.")
        payload = {"word_vectorizer": self.word_vectorizer, "char_vectorizer": self.char_vectorizer,
                   "classifier": self.classifier, "C": self.C, "calibration_folds": self.calibration_folds,
                   "random_state": self.random_state}
        metadata = {**self.metadata, "scipy_version": scipy.__version__,
                    "metrics": dict(metrics or self.metadata.get("metrics") or {})}
        # zlib: the weights are mostly zeros
        final, self.metadata = artifact_write(directory, ARTIFACT, payload=payload, metadata=metadata,
                                              compress=("zlib", 1))
        return final

    @classmethod
    def load(cls, directory: Path | str) -> GlobalCategorizer:
        """Load the version ``current`` names under ``directory`` (or ``directory`` itself if it is a
        version). Raises ArtifactMissing, ArtifactIncompatible or ArtifactCorrupt."""

        def build(payload: dict[str, Any]) -> GlobalCategorizer:
            model = cls(C=payload["C"], calibration_folds=payload["calibration_folds"],
                        random_state=payload["random_state"])
            model.word_vectorizer = payload["word_vectorizer"]
            model.char_vectorizer = payload["char_vectorizer"]
            model.classifier = payload["classifier"]
            model.classes_ = model.classifier.classes_
            return model

        model, metadata = artifact_read(directory, ARTIFACT, build=build)
        model.metadata = metadata
        return model

def _l2_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data.astype(np.float64) ** 2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    matrix.data = (matrix.data / norms[rows]).astype(np.float32)
    return matrix


def training_hash(rows: Sequence[CategorizerRow], labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for row, label in zip(rows, labels, strict=True):
        digest.update(f"{row.description}\x1f{row.amount}\x1f{row.account_kind}\x1f{label}\x1e".encode())
    return digest.hexdigest()


ARTIFACT = ArtifactKind(
    name="Categorizer", lowercase="categorizer", model_name="Categorizer model",
    format_version=GlobalCategorizer.FORMAT_VERSION, retrain="Retrain it (manage.py train_categorizer).",
    libraries={"sklearn_version": ("scikit-learn", sklearn.__version__)},
)
