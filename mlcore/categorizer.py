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
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, repeat
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
from sklearn.utils import murmurhash3_32

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
# Runs of two or more letters: store numbers, dates and references never count, and "ZETTLE_*" or "ABC123"
# still give their word. No word boundaries, so one pass over a whole batch's text tokenizes every row.
_WORD_TOKEN = r"[^\W\d_]{2,}"
_ROW_SEPARATOR = "\x00"  # between rows in a batch's joined text; never a letter, so never inside a token
_TOKENS_AND_SEPARATORS = re.compile(_WORD_TOKEN + "|" + _ROW_SEPARATOR)
SMALL_BATCH = 8  # up to this many rows, predict() scores row by row in Python rather than through scipy
MERCHANT_CACHE_SIZE = 50_000  # descriptions whose cleaned merchant is kept between calls (a statement repeats them)

class Prediction:
    """The global model's answer for one row.

    ``explanation`` and ``alternatives`` are built on first read, for the whole batch at once: most rows of a
    large batch (an import's rows that history or a rule decides, an evaluation) never need them, and
    building them for every row costs as much as the prediction itself. A plain slotted class rather than a
    frozen dataclass: a batch creates tens of thousands of these, and a frozen dataclass sets each field
    through object.__setattr__.
    """

    __slots__ = ("_alternatives", "_batch", "_explanation", "_index", "category_key", "confidence")

    def __init__(self, category_key: str, confidence: float, explanation: str = "",
                 alternatives: tuple[tuple[str, float], ...] = ()) -> None:
        self.category_key = category_key
        self.confidence = confidence  # calibrated probability of category_key, 0-1
        self._explanation = explanation  # "Words 'pharmacy', 'cvs' suggest Pharmacy"
        self._alternatives = alternatives
        self._batch: _Batch | None = None
        self._index = 0

    @property
    def explanation(self) -> str:
        try:
            return self._explanation
        except AttributeError:  # a slot predict() left unset
            self._explanation = self._batch.explanation(self._index)
            return self._explanation

    @property
    def alternatives(self) -> tuple[tuple[str, float], ...]:
        """The next best (key, probability), best first."""
        try:
            return self._alternatives
        except AttributeError:  # a slot predict() left unset
            self._alternatives = self._batch.alternatives(self._index)
            return self._alternatives

    def _fields(self) -> tuple:
        return (self.category_key, self.confidence, self.explanation, self.alternatives)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Prediction) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"Prediction(category_key={self.category_key!r}, confidence={self.confidence!r}, "
                f"explanation={self.explanation!r}, alternatives={self.alternatives!r})")


class _Batch:
    """What a batch keeps to build its predictions' explanations and alternatives when first read: the word
    features, the ranked classes and their probabilities. Explanations are made for the whole batch at the
    first read (one vectorized pass), then the word features are let go."""

    def __init__(self, model: GlobalCategorizer, words: sp.csr_matrix | list[str] | None, ranked: np.ndarray,
                 ranked_probs: np.ndarray) -> None:
        """``words``: the batch's word features, or its lowercased descriptors to build them from when an
        explanation is first read (a small batch scores without them), or None for no explanations."""
        self.model, self.words, self.ranked, self.ranked_probs = model, words, ranked, ranked_probs
        self.texts: list[str] | None = None
        self.lock = threading.Lock()

    def explanation(self, index: int) -> str:
        with self.lock:
            if self.texts is None:
                self.texts = self._explain_all()
                self.words = None
        return self.texts[index]

    def _explain_all(self) -> list[str]:
        if self.words is None:
            return [""] * len(self.ranked)
        words = self.model._word_matrix(self.words) if isinstance(self.words, list) else self.words
        return self.model._explanations(words, self.ranked[:, 0])

    def alternatives(self, index: int) -> tuple[tuple[str, float], ...]:
        classes = self.model._class_names()
        return tuple((classes[j], p) for j, p in zip(self.ranked[index, 1:].tolist(),
                                                     self.ranked_probs[index, 1:].tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class CategorizerRow:
    description: str
    amount: float | None = None  # signed: negative is money out
    account_kind: str = ""
    merchant: str = ""  # a cleaned merchant name if the caller has one; else merchant_clean(description)


@dataclass
class _Columns:
    """A batch of rows as columns: one Python pass over the rows, then every feature is built per column."""

    descriptions: list[str]
    amounts: np.ndarray  # float64, NaN where unknown
    kinds: list[str]
    merchants: list[str]  # as given; "" where the caller had none


def category_names() -> dict[str, str]:
    """Standard key -> the name a person reads ("health_wellness.pharmacy" -> "Pharmacy")."""
    names = {}
    for key, name, _kind, children in TAXONOMY:
        names[key] = name
        for child_key, child_name in children:
            names[f"{key}.{child_key}"] = child_name
    return names


def top_level(category_key: str) -> str:
    """"food_drink.groceries" -> "food_drink": the level a cold-start evaluation is scored at."""
    return category_key.split(".", 1)[0]


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


def _columns(rows: Iterable[Any]) -> _Columns:
    """Columns of a batch. Dicts (what the import and learning pass) are read directly; anything else goes
    through ``row_coerce``. Amounts are converted in one numpy call, not a Decimal/str round trip per row."""
    rows = rows if isinstance(rows, list) else list(rows)
    if all(type(row) is dict for row in rows):
        descriptions = [row.get("description") or "" for row in rows]
        amounts = [row.get("amount") for row in rows]
        kinds = [row.get("account_kind") or "" for row in rows]
        merchants = [row.get("merchant") or "" for row in rows]
    else:
        coerced = [row_coerce(row) for row in rows]
        descriptions = [row.description for row in coerced]
        amounts = [row.amount for row in coerced]
        kinds = [row.account_kind for row in coerced]
        merchants = [row.merchant for row in coerced]
    if not all(type(d) is str for d in descriptions):
        descriptions = [str(d) for d in descriptions]
    return _Columns(descriptions, _amounts_array(amounts), kinds, merchants)


def _amounts_array(values: list[Any]) -> np.ndarray:
    """float64 amounts, NaN for unknown. numpy converts str, Decimal, int and float in C; only a batch with a
    None or an unparsable value ("1,234.50", "") takes the per-value path."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.fromiter(((_amount_float(v) if v is not None else math.nan) for v in values),
                           dtype=np.float64, count=len(values))


def _amount_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, float | int):
        return float(value)
    try:
        return float(Decimal(str(value).strip().replace(",", "")))
    except (InvalidOperation, ValueError):
        return None


def _word_texts(descriptions: Sequence[str]) -> list[str]:
    """Lowercased descriptors, one pass over the batch (the vectorizer's own lowercasing is per row)."""
    return _ROW_SEPARATOR.join(descriptions).lower().split(_ROW_SEPARATOR) if descriptions else []


_META_INDEX: dict[str, int] = {}
for _token in (["sign:none", "sign:neg", "sign:pos"] + [f"size:{i}" for i in range(AMOUNT_BUCKETS)]
               + [f"account:{kind}" for kind in ACCOUNT_KINDS]
               + [f"sign_account:{s}:{kind}" for s in ("none", "neg", "pos") for kind in ACCOUNT_KINDS]):
    _META_INDEX[_token] = len(_META_INDEX)
_KIND_INDEX = {kind: i for i, kind in enumerate(ACCOUNT_KINDS)}
_META_VALUE = 0.5


def _meta_columns(amounts: np.ndarray, kinds: Sequence[str]) -> np.ndarray:
    """(rows, 4) column indices of the one-hot tokens: sign, size bucket (-1 when the amount is unknown),
    account kind, sign x account kind. Vectorized: no per-row string tokens."""
    known = ~np.isnan(amounts)
    sign = np.where(known, np.where(amounts < 0, 1, 2), 0)
    size = np.abs(np.where(known, amounts, 0.0))
    with np.errstate(divide="ignore"):
        bucket = np.minimum(AMOUNT_BUCKETS - 1, 1 + np.floor(2 * np.log10(np.maximum(size, 1.0))).astype(np.int64))
    bucket = np.where(size < 1, 0, bucket)
    kind = np.fromiter(map(_KIND_INDEX.get, kinds, repeat(len(ACCOUNT_KINDS) - 1)), dtype=np.int64, count=len(kinds))
    base_kind = _META_INDEX["account:checking"]
    base_pair = _META_INDEX["sign_account:none:checking"]
    return np.column_stack([sign, np.where(known, _META_INDEX["size:0"] + bucket, -1), base_kind + kind,
                            base_pair + sign * len(ACCOUNT_KINDS) + kind])


def _meta_matrix(amounts: np.ndarray, kinds: Sequence[str]) -> sp.csr_matrix:
    columns = _meta_columns(amounts, kinds)
    rows = np.repeat(np.arange(len(columns)), columns.shape[1])
    flat = columns.ravel()
    keep = flat >= 0
    data = np.full(int(keep.sum()), _META_VALUE, dtype=np.float32)
    return sp.csr_matrix((data, (rows[keep], flat[keep])), shape=(len(columns), len(_META_INDEX)))


class GlobalCategorizer:
    FORMAT_VERSION = 2
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
        self._explain_state: tuple[list[str], np.ndarray, np.ndarray] | None = None
        self._word_cache = None
        self._char_cache = None
        self._linear: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._merchant_cache: dict[str, str] = {}
        self._classes: list[str] | None = None
        self._pairs: dict[int, int] | None = None
        self._hash_cache: dict[str, list[int]] = {}

    def clear_caches(self) -> None:
        """Forget the cleaned merchants kept between calls (a benchmark measures a cold import with it)."""
        self._merchant_cache = {}

    # --- features ---------------------------------------------------------------------------------

    def _merchant_texts(self, columns: _Columns) -> list[str]:
        """The merchant the caller gave, else ``merchant_clean`` of the description, kept per description:
        cleaning costs ~30 µs, and statements and re-imports repeat descriptions."""
        cache = self._merchant_cache
        if len(cache) > MERCHANT_CACHE_SIZE:
            cache = self._merchant_cache = {}
        out = []
        for merchant, description in zip(columns.merchants, columns.descriptions, strict=True):
            if not merchant:
                merchant = cache.get(description)
                if merchant is None:
                    merchant = cache[description] = merchant_clean(description)
            out.append(merchant)
        return _word_texts(out)

    def _features(self, rows: Sequence[Any], *, fit: bool = False) -> sp.csr_matrix:
        """The full feature matrix (training, and ``predict_proba_features``). ``predict`` computes the same
        scores without assembling it; see ``_scores``."""
        columns = _columns(rows)
        words = _word_texts(columns.descriptions)
        merchants = self._merchant_texts(columns)
        if fit:
            self.word_vectorizer = TfidfVectorizer(
                token_pattern=_WORD_TOKEN, ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32,
            )
            word_matrix = self.word_vectorizer.fit_transform(words)
            char_matrix = self.char_vectorizer.transform(merchants)
        else:
            word_matrix = self._word_matrix(words)
            char_matrix = self._char_matrix(merchants)
        meta = _meta_matrix(columns.amounts, columns.kinds)
        return sp.hstack([word_matrix, char_matrix, meta], format="csr", dtype=np.float32)

    def _word_matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The fitted TF-IDF of lowercased texts, the same numbers as ``word_vectorizer.transform``, for a
        whole batch in a few numpy calls: one regex pass over the joined batch, vocabulary look-ups for the
        words, and word pairs looked up as integer keys in a sorted array rather than as joined strings."""
        unigram_index, pair_keys, pair_features, idf, width = self._word_state()
        tokens = _TOKENS_AND_SEPARATORS.findall(_ROW_SEPARATOR.join(texts)) if texts else []
        ids = np.fromiter(map(unigram_index.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        separator = ids == -2
        row_of = np.cumsum(separator)
        known = ids >= 0
        pairs = known[:-1] & known[1:]
        keys = ids[:-1][pairs] * width + ids[1:][pairs]
        slot = np.searchsorted(pair_keys, keys)
        slot[slot >= len(pair_keys)] = 0
        found = pair_keys[slot] == keys if len(pair_keys) else np.zeros(len(keys), dtype=bool)
        rows = np.concatenate([row_of[known], row_of[:-1][pairs][found]])
        cols = np.concatenate([ids[known], pair_features[slot[found]]])
        counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(texts), width))
        counts.sum_duplicates()
        counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
        return _l2_rows(counts)

    def _word_state(self):
        """Look-up tables for ``_word_matrix``, built once per loaded model: the vocabulary's single words
        (the separator maps to -2), and its word pairs as sorted integer keys (first id x width + second)."""
        if self._word_cache is None:
            vocabulary = self.word_vectorizer.vocabulary_
            width = len(vocabulary)
            unigram_index = {token: int(i) for token, i in vocabulary.items() if " " not in token}
            pairs = [(token.split(" "), int(i)) for token, i in vocabulary.items() if " " in token]
            keys = np.array([unigram_index[a] * width + unigram_index[b] for (a, b), _ in pairs], dtype=np.int64)
            features = np.array([i for _, i in pairs], dtype=np.int64)
            order = np.argsort(keys)
            unigram_index[_ROW_SEPARATOR] = -2
            self._word_cache = (unigram_index, keys[order], features[order],
                                self.word_vectorizer.idf_.astype(np.float64), width)
        return self._word_cache

    def _char_matrix(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Character n-grams of each text, l2-normalised: ``char_vectorizer.transform`` without its per-call
        validation."""
        word_of, words = _text_words(texts)
        return _l2_rows(word_of @ self._word_ngrams(words))

    def _word_ngrams(self, words: Sequence[str]) -> sp.csr_matrix:
        """(words, CHAR_FEATURES) counts of each word's char_wb n-grams. char_wb takes n-grams inside each
        space-padded word, so a text's counts are the sum of its words' counts: n-grams are hashed once per
        distinct word of a batch, not once per row."""
        analyzer = self._char_analyzer()
        hasher = FeatureHasher(n_features=self.CHAR_FEATURES, input_type="string", alternate_sign=False,
                               dtype=np.float32)
        return hasher.transform(analyzer(word) for word in words).tocsr()

    def _char_analyzer(self):
        if self._char_cache is None:
            self._char_cache = self.char_vectorizer.build_analyzer()
        return self._char_cache

    def _char_scores(self, texts: Sequence[str], char_weights: np.ndarray) -> np.ndarray:
        """The character n-grams' share of every row's linear scores, (rows, classes).

        Per distinct text: its normalised n-gram vector times the weights equals (the sum over its words of
        word n-grams x weights) / norm, so the weights are read once per distinct word (a few thousand in
        an import) instead of once per n-gram of every row. The norm still needs the text's summed n-grams,
        a sparse product in C."""
        distinct = list(dict.fromkeys(texts))
        index = {text: i for i, text in enumerate(distinct)}
        positions = np.fromiter(map(index.__getitem__, texts), dtype=np.int64, count=len(texts))
        word_of, words = _text_words(distinct)
        ngrams = self._word_ngrams(words)
        summed = word_of @ ngrams
        squares = np.bincount(np.repeat(np.arange(summed.shape[0]), np.diff(summed.indptr)),
                              weights=summed.data.astype(np.float64) ** 2, minlength=summed.shape[0])
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        per_word = ngrams @ char_weights
        per_text = (word_of @ per_word) / norms[:, None]
        return per_text[positions]

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

    def evaluate(self, rows: Iterable[Any], labels: Sequence[str], *, review_threshold: float | None = None
                 ) -> dict[str, Any]:
        """Accuracy and macro F1 on labelled rows; with ``review_threshold``, also what a person would see on
        a first import: the share right at the top level, the share decided without review (confidence at
        or above the threshold, as ``mlcore.learning`` decides), and how often those decided rows are right."""
        rows = [_without_merchant(row_coerce(r)) for r in rows]
        predictions = self.predict(rows, explain=False)
        predicted = [p.category_key for p in predictions]
        out: dict[str, Any] = {
            "accuracy": round(float(accuracy_score(labels, predicted)), 4),
            "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
            "rows": len(predicted),
        }
        if review_threshold is not None:
            out.update(cold_start_scores(predictions, labels, review_threshold=review_threshold))
        return out

    # --- prediction -------------------------------------------------------------------------------

    def predict(self, rows: Iterable[Any], *, explain: bool = True, alternatives: int = 2) -> list[Prediction]:
        """One Prediction per row, in order. A batch costs a few numpy calls whatever its size: no per-row
        Decimal or string work beyond reading the row, and explanations are built only when first read."""
        if self.classifier is None:
            raise RuntimeError("The categorizer has not been trained or loaded.")
        columns = _columns(rows)
        if not columns.descriptions:
            return []
        texts = _word_texts(columns.descriptions)
        if len(texts) <= SMALL_BATCH:
            words: sp.csr_matrix | list[str] = texts
            scores = self._scores_small(columns, texts)
        else:
            words = self._word_matrix(texts)
            scores = self._scores(columns, words)
        probabilities = self._probabilities(scores)
        ranked = _top_classes(probabilities, min(alternatives + 1, probabilities.shape[1]))
        ranked_probs = np.take_along_axis(probabilities, ranked, axis=1)
        batch = _Batch(self, words if explain else None, ranked, ranked_probs)
        classes = self._class_names()
        keys = [classes[i] for i in ranked[:, 0].tolist()]
        new = Prediction.__new__
        out: list[Prediction] = []
        for index, (key, confidence) in enumerate(zip(keys, ranked_probs[:, 0].tolist(), strict=True)):
            prediction = new(Prediction)  # explanation and alternatives unset: read from the batch when asked
            prediction.category_key, prediction.confidence, prediction._index = key, confidence, index
            prediction._batch = batch
            out.append(prediction)
        return out

    def _class_names(self) -> list[str]:
        if self._classes is None:
            self._classes = [str(c) for c in self.classes_]
        return self._classes

    def _scores(self, columns: _Columns, words: sp.csr_matrix) -> np.ndarray:
        """Linear SVM scores (rows, classes): words @ weights + the characters' share + the one-hot tokens."""
        weights, intercept, _slope, _offset = self._linear_state()
        width = words.shape[1]
        scores = np.asarray(words @ weights[:width], dtype=np.float64)
        scores += self._char_scores(self._merchant_texts(columns), weights[width: width + self.CHAR_FEATURES])
        meta_weights = weights[width + self.CHAR_FEATURES:].astype(np.float64) * _META_VALUE
        for column in _meta_columns(columns.amounts, columns.kinds).T:
            present = column >= 0
            if present.all():
                scores += meta_weights[column]
            else:
                scores[present] += meta_weights[column[present]]
        return scores + intercept

    def _scores_small(self, columns: _Columns, texts: Sequence[str]) -> np.ndarray:
        """The same scores as ``_scores`` for a handful of rows (a typed transaction), in plain Python over
        each row's few features: scipy's per-matrix overhead (~50 µs a call) would cost more than the work."""
        weights, intercept, _slope, _offset = self._linear_state()
        merchants = self._merchant_texts(columns)
        meta = _meta_columns(columns.amounts, columns.kinds).tolist()
        width = len(self.word_vectorizer.vocabulary_)
        char_offset, meta_offset = width, width + self.CHAR_FEATURES
        out = np.empty((len(texts), weights.shape[1]), dtype=np.float64)
        for i, (text, merchant) in enumerate(zip(texts, merchants, strict=True)):
            row = intercept.copy()
            columns_, values = self._row_words(text)
            if columns_:
                row += values @ weights[columns_]
            columns_, values = self._row_chars(merchant)
            if columns_:
                row += values @ weights[[char_offset + c for c in columns_]]
            row += _META_VALUE * weights[[meta_offset + c for c in meta[i] if c >= 0]].sum(axis=0)
            out[i] = row
        return out

    def _row_words(self, text: str) -> tuple[list[int], np.ndarray]:
        """One lowercased descriptor's TF-IDF (columns, l2-normalised values), as ``_word_matrix``."""
        unigram_index, pair_keys, pair_features, idf, width = self._word_state()
        pairs = self._pair_lookup()
        ids = [unigram_index.get(token, -1) for token in _TOKENS_AND_SEPARATORS.findall(text)]
        counts: dict[int, int] = {}
        for i, token_id in enumerate(ids):
            if token_id < 0:
                continue
            counts[token_id] = counts.get(token_id, 0) + 1
            following = ids[i + 1] if i + 1 < len(ids) else -1
            feature = pairs.get(token_id * width + following) if following >= 0 else None
            if feature is not None:
                counts[feature] = counts.get(feature, 0) + 1
        columns = list(counts)
        values = np.array([(1.0 + math.log(counts[c])) * idf[c] for c in columns], dtype=np.float64)
        norm = math.sqrt(float(values @ values)) if columns else 0.0
        return columns, (values / norm if norm else values)

    def _pair_lookup(self) -> dict[int, int]:
        if self._pairs is None:
            _unigrams, keys, features, _idf, _width = self._word_state()
            self._pairs = dict(zip(keys.tolist(), features.tolist(), strict=True))
        return self._pairs

    def _row_chars(self, text: str) -> tuple[list[int], np.ndarray]:
        """One merchant text's char_wb n-gram columns and l2-normalised counts, as ``_char_matrix``, from
        n-grams hashed once per word and kept (a person's merchants repeat their words)."""
        counts: dict[int, float] = {}
        for word in text.split():
            for column in self._word_hashes(word):
                counts[column] = counts.get(column, 0.0) + 1.0
        columns = list(counts)
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(columns))
        norm = math.sqrt(float(values @ values)) if columns else 0.0
        return columns, (values / norm if norm else values)

    def _word_hashes(self, word: str) -> list[int]:
        """The hashed column of each char_wb n-gram of one word, as FeatureHasher computes it."""
        hashes = self._hash_cache.get(word)
        if hashes is None:
            if len(self._hash_cache) > MERCHANT_CACHE_SIZE:
                self._hash_cache = {}
            hashes = self._hash_cache[word] = [_hashed_column(ngram, self.CHAR_FEATURES)
                                               for ngram in self._char_analyzer()(word)]
        return hashes

    def predict_proba_features(self, features: sp.csr_matrix) -> np.ndarray:
        """CalibratedClassifierCV.predict_proba (sigmoid, one calibrated model), computed directly: the
        linear scores in one product, then every class's sigmoid at once instead of a loop over classes."""
        weights, intercept, _slope, _offset = self._linear_state()
        return self._probabilities(np.asarray(features @ weights, dtype=np.float64) + intercept)

    def _probabilities(self, scores: np.ndarray) -> np.ndarray:
        _weights, _intercept, slope, offset = self._linear_state()
        if scores.shape[1] == 1:  # two classes: one score, for the second class
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

    def _explanations(self, words: sp.csr_matrix, best: np.ndarray) -> list[str]:
        """The two words (or word pairs) that pushed most towards the predicted class (value x weight)."""
        word_names, word_coef, can_explain = self._explain_weights()
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


def _without_merchant(row: CategorizerRow) -> CategorizerRow:
    return replace(row, merchant="") if row.merchant else row


def _hashed_column(feature: str, n_features: int) -> int:
    """FeatureHasher's column for one string feature (signed murmurhash3 of its UTF-8 bytes, seed 0)."""
    value = murmurhash3_32(feature, seed=0)
    if value == -2147483648:  # abs() of int32's minimum overflows in FeatureHasher's C code; it maps it so
        return (2147483647 - (n_features - 1)) % n_features
    return abs(value) % n_features


def _top_classes(probabilities: np.ndarray, count: int) -> np.ndarray:
    """(rows, count) class indices, most probable first: a partial partition, then a sort of only those."""
    if count < probabilities.shape[1]:
        top = np.argpartition(-probabilities, count - 1, axis=1)[:, :count]
    else:
        top = np.tile(np.arange(probabilities.shape[1]), (len(probabilities), 1))
    order = np.argsort(-np.take_along_axis(probabilities, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def _text_words(texts: Sequence[str]) -> tuple[sp.csr_matrix, list[str]]:
    """(texts x distinct words) counts and those words, words split on whitespace as char_wb splits them."""
    split = [text.split() for text in texts]
    flat = list(chain.from_iterable(split))
    words = list(dict.fromkeys(flat))
    index = {word: i for i, word in enumerate(words)}
    columns = np.fromiter(map(index.__getitem__, flat), dtype=np.int32, count=len(flat))
    indptr = np.zeros(len(texts) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, split), dtype=np.int32, count=len(split)), out=indptr[1:])
    matrix = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), columns, indptr),
                           shape=(len(texts), len(words)))
    matrix.sum_duplicates()
    return matrix, words


def cold_start_scores(predictions: Sequence[Prediction], labels: Sequence[str], *, review_threshold: float
                      ) -> dict[str, Any]:
    """What a new user sees on a first import, scored at the top level of the taxonomy: the share right, the
    share decided without review (confidence >= threshold, as mlcore.learning decides), the review share,
    and how often the decided rows are right. ``labels`` are category keys (or top-level keys)."""
    right = [top_level(p.category_key) == top_level(label) for p, label in zip(predictions, labels, strict=True)]
    decided = [p.confidence >= review_threshold for p in predictions]
    decided_right = [r for r, d in zip(right, decided, strict=True) if d]
    total = max(1, len(right))
    return {
        "accuracy_top_level": round(sum(right) / total, 4),
        "decided_without_review": round(sum(decided) / total, 4),
        "review_share": round(1 - sum(decided) / total, 4) if right else 0.0,
        "accuracy_decided": round(sum(decided_right) / len(decided_right), 4) if decided_right else None,
        "review_threshold": review_threshold,
    }


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
