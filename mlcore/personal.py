"""A person's own categorizer, free of the database: what mlcore.learning trains, stores and asks.

Three parts, consulted together for each row:

- the **key** (``text_key``): the description as the person would say it, without dates, times, card and
  reference numbers, amounts and payment mechanics ("POS Purchase Mr D Food * 14 Oct" -> "mr food"), so that
  the next charge at the same merchant finds the earlier ones although its reference differs;
- the **memory**: every labelled key with its categories, the newest choices weighing most. An exact key
  decides like history; a similar key (character n-gram cosine, the person's own word frequencies) votes
  with its similarity. It learns from the first correction of a label, before any retraining;
- the **model**: a linear classifier over the key's character n-grams and words, the amount's sign and size,
  and the global model's best categories with their probabilities, so it starts from the global model's
  judgement and learns how this person's categories map onto the taxonomy.

A category the person has filed only with money in (or only out) is not proposed for the other sign.
Everything works on arrays of unique keys: an import repeats its merchants, and each is scored once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

FORMAT_VERSION = 4
NGRAMS = (2, 3, 4)
MEMORY_DECAY = 0.6  # the weight of a key's older choice against the next newer one: the newest decides a split
NEIGHBOUR_SIMILARITY = 0.7  # the cosine below which a remembered key is not "the same kind of merchant"
NEIGHBOURS = 5
HISTORY_SHARE = 0.7  # a key decides alone when its leading category has this share of its (recency) weight

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATES = re.compile(rf"\b\d{{1,2}}\s*(?:{_MONTHS})[a-z]*\b|\b(?:{_MONTHS})[a-z]*\s*\d{{1,2}}\b"
                    r"|\b\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b")
_TOKEN = re.compile(r"[^\W_]+")
_LEADING_LETTERS = re.compile(r"^[^\W\d_]{4,}")
# Payment mechanics that every merchant's line carries: they say how, not where.
_FILLER = frozenset("pos purchase purchases card no nr effec the of to at for ref id www com co".split())


class RowFacts(NamedTuple):
    """What the person's categorizer sees of a row, already reduced: its key, sign and size, and its form (how
    the bank's line starts: "pos purchase", "magtape debit", "fuel purchase"), which says what kind of payment
    it is when the merchant is new."""

    key: str
    sign: int  # -1 money out, 1 money in, 0 unknown
    size: int  # a half-decade bucket of |amount|
    form: str = ""  # a NamedTuple: an import makes one per row, and a frozen dataclass is four times slower to make


def _word(token: str) -> str:
    """A token with digits keeps its leading letters when they look like a name ("Discinsure4002" ->
    "discinsure"); a reference such as "Rf1Lhhvd" or "R023Vf8" is dropped."""
    if token.isalpha():
        return token
    match = _LEADING_LETTERS.match(token)
    return match.group(0) if match else ""


def text_key(description: str, merchant: str = "") -> str:
    """The merchant-aware key of a description (the merchant's name when there is no description)."""
    text = _DATES.sub(" ", (description or merchant or "").lower())
    words = []
    for token in _TOKEN.findall(text):
        if not token.isalpha():
            token = _word(token)
        if len(token) > 1 and token not in _FILLER:
            words.append(token)
    return " ".join(words)


_FORM_WORDS = re.compile(r"[^\W\d_]+")


def text_form(description: str) -> str:
    """The first two words of the line as the bank wrote it, letters only."""
    return " ".join(_FORM_WORDS.findall((description or "").lower())[:2])


def row_facts(description: str, merchant: str, amount: float | None) -> RowFacts:
    return RowFacts(text_key(description, merchant), sign_of(amount), size_bucket(amount), text_form(description))


def size_bucket(amount: float | None) -> int:
    if amount is None:
        return 0
    size = abs(amount)
    return 0 if size < 1 else min(9, 1 + int(2 * math.log10(size)))


def sign_of(amount: float | None) -> int:
    if amount is None or amount == 0:
        return 0
    return -1 if amount < 0 else 1


# --- features -------------------------------------------------------------------------------------------

@lru_cache(maxsize=50_000)
def _grams(key: str) -> tuple[str, ...]:
    """Character n-grams of each word (padded, as sklearn's char_wb), then the words and word pairs."""
    grams = []
    words = key.split()
    for word in words:
        padded = f" {word} "
        for n in NGRAMS:
            grams.extend(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
    grams.extend(f"w:{w}" for w in words)
    grams.extend(f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    if words:
        grams.append(f"f:{words[0]}")
    return tuple(grams)


def _form_grams(form: str) -> tuple[str, ...]:
    return (f"p:{form}", f"p1:{form.split(' ')[0]}") if form else ()


class Vocabulary:
    """The person's n-grams with their inverse document frequency: a common processor word ("yoco",
    "magtape") weighs less than a merchant's own name. Unknown n-grams are ignored."""

    def __init__(self, keys: Iterable[str], grams=None) -> None:
        self.grams = grams or _grams
        counts: dict[str, int] = {}
        documents = 0
        for key in keys:
            documents += 1
            for gram in set(self.grams(key)):
                counts[gram] = counts.get(gram, 0) + 1
        self.index = {gram: i for i, gram in enumerate(sorted(counts))}
        self.idf = np.array([math.log((1 + documents) / (1 + counts[g])) + 1.0 for g in sorted(counts)],
                            dtype=np.float64)

    def __len__(self) -> int:
        return len(self.index)

    def matrix(self, keys: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows (sublinear tf), one per key; a key repeated in ``keys`` is counted once."""
        unique: dict[str, int] = {}
        positions = [unique.setdefault(key, len(unique)) for key in keys]
        index, idf, grams = self.index, self.idf, self.grams
        indptr, indices, data = [0], [], []
        for key in unique:
            counts: dict[int, int] = {}
            for gram in grams(key):
                position = index.get(gram)
                if position is not None:
                    counts[position] = counts.get(position, 0) + 1
            for position in sorted(counts):
                indices.append(position)
                data.append(_SUBLINEAR[counts[position]] if counts[position] < 8 else 1.0 + math.log(counts[position]))
            indptr.append(len(indices))
        columns = np.asarray(indices, dtype=np.int32)
        values = np.asarray(data, dtype=np.float64) * idf[columns] if indices else np.zeros(0)
        row_of = np.repeat(np.arange(len(unique)), np.diff(indptr))
        norms = np.sqrt(np.bincount(row_of, weights=values ** 2, minlength=len(unique)))
        norms[norms == 0] = 1.0
        matrix = sp.csr_matrix((values / norms[row_of], columns, np.asarray(indptr, dtype=np.int64)),
                               shape=(len(unique), len(index)))
        return matrix if len(unique) == len(keys) else matrix[np.asarray(positions, dtype=np.int64)]


_SUBLINEAR = [0.0] + [1.0 + math.log(count) for count in range(1, 8)]


@dataclass
class GlobalView:
    """The global model's best taxonomy keys per row with their probabilities, as feature columns."""

    keys: dict[str, int] = field(default_factory=dict)

    def fit(self, tops: Sequence[Sequence[tuple[str, float]]]) -> GlobalView:
        names = sorted({name for top in tops for key, _ in top for name in (key, key.split(".")[0])})
        self.keys = {name: i for i, name in enumerate(names)}
        return self

    def matrix(self, tops: Sequence[Sequence[tuple[str, float]]]) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for row, top in enumerate(tops):
            parents: dict[int, float] = {}
            for key, probability in top:
                column = self.keys.get(key)
                if column is not None:
                    rows.append(row)
                    cols.append(column)
                    vals.append(probability)
                parent = self.keys.get(key.split(".")[0])
                if parent is not None and parent != column:
                    parents[parent] = parents.get(parent, 0.0) + probability
            for column, probability in parents.items():
                rows.append(row)
                cols.append(column)
                vals.append(probability)
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(tops), max(1, len(self.keys))), dtype=np.float64)


_META = {f"s{sign}": i for i, sign in enumerate((-1, 0, 1))}
_META.update({f"s{sign}z{size}": len(_META) + i + 10 * (sign + 1) for sign in (-1, 0, 1) for i, size in
              enumerate(range(10))})


def _meta_matrix(facts: Sequence[RowFacts]) -> sp.csr_matrix:
    width = 3 + 30
    rows = np.repeat(np.arange(len(facts)), 2)
    cols = np.empty(2 * len(facts), dtype=np.int64)
    for i, fact in enumerate(facts):
        cols[2 * i] = fact.sign + 1
        cols[2 * i + 1] = 3 + 10 * (fact.sign + 1) + fact.size
    return sp.csr_matrix((np.full(len(cols), 0.5), (rows, cols)), shape=(len(facts), width))


# --- the model ------------------------------------------------------------------------------------------

class PersonalModel:
    """The person's linear model (see the module's docstring); ``classes_`` are their category ids.

    Two classifiers share the features: one with the global model's best categories, one without them. How
    much the first counts (``global_share``) is the person's own: it is chosen on their newest labels at
    merchants that were new then, from a model trained on the labels before them. The global model knows the
    merchants and the taxonomy of the data it was trained on; for someone whose merchants it does not know,
    or whose categories cut across its taxonomy, its guesses mislead and their own words decide more."""

    FORMAT_VERSION = FORMAT_VERSION
    GLOBAL_WEIGHT = 1.0
    FORM_WEIGHT = 0.5
    RECENCY_HALF_LIFE = 150  # labels: a choice 150 labels old weighs half as much as the newest
    GLOBAL_SHARES = (0.25, 0.5, 0.75, 1.0)
    VALIDATION_CUT = 0.8  # the newest fifth of the labels chooses the global share
    VALIDATION_ROWS = 8  # first labels at new merchants needed in it; with fewer the global model counts fully

    # Little regularisation: a person's own labels are few and mean what they say, so the model should follow
    # them closely (replay, issue 20: C=3 beat 1 on za-bank and on the synthetic people; 0.3 and 10 lost).
    def __init__(self, *, C: float = 3.0) -> None:  # noqa: N803 - the SVM's name for it
        self.C = C
        self.vocabulary: Vocabulary | None = None
        self.forms: Vocabulary | None = None
        self.global_view = GlobalView()
        self.classifier: LinearSVC | None = None
        self.text_classifier: LinearSVC | None = None  # the same without the global model's columns
        self.text_width = 0
        self.global_share = 1.0
        self.classes_: np.ndarray = np.array([], dtype=np.int64)

    def features(self, facts: Sequence[RowFacts], tops: Sequence[Sequence[tuple[str, float]]]) -> sp.csr_matrix:
        """The person's own columns (key, sign and size, form) first, the global model's last."""
        assert self.vocabulary is not None and self.forms is not None
        return sp.hstack([self.vocabulary.matrix([f.key for f in facts]), _meta_matrix(facts),
                          self.FORM_WEIGHT * self.forms.matrix([f.form for f in facts]),
                          self.GLOBAL_WEIGHT * self.global_view.matrix(tops)], format="csr")

    def train(self, facts: Sequence[RowFacts], tops: Sequence[Sequence[tuple[str, float]]],
              labels: Sequence[int]) -> PersonalModel:
        """``facts`` oldest first."""
        self.global_share = self._chosen_share(facts, tops, labels)
        return self._fit(facts, tops, labels, text_too=self.global_share < 1)

    def _fit(self, facts, tops, labels, *, text_too: bool) -> PersonalModel:
        self.vocabulary = Vocabulary(f.key for f in facts)
        self.forms = Vocabulary((f.form for f in facts), grams=_form_grams)
        self.global_view.fit(tops)
        weights = None
        if self.RECENCY_HALF_LIFE:
            weights = 0.5 ** (np.arange(len(facts))[::-1] / self.RECENCY_HALF_LIFE)
        matrix, labels = self.features(facts, tops), np.asarray(labels)
        self.text_width = matrix.shape[1] - max(1, len(self.global_view.keys))
        self.classifier = self.make_classifier().fit(matrix, labels, sample_weight=weights)
        self.text_classifier = None
        if text_too:
            self.text_classifier = self.make_classifier().fit(matrix[:, :self.text_width], labels,
                                                              sample_weight=weights)
        self.classes_ = self.classifier.classes_
        return self

    def _chosen_share(self, facts, tops, labels) -> float:
        """The global share under which a model of the older labels best predicts the newest labels at
        merchants it had not seen (the rows the memory leaves to the model: the first label of each new
        merchant after the cut): the share that is right most often, then the one that gives the person's
        choices the most probability, then the larger one. 1 when too few such labels tell."""
        cut = int(len(facts) * self.VALIDATION_CUT)
        seen, known = {f.key for f in facts[:cut]}, set(labels[:cut])
        held = []
        for i in range(cut, len(facts)):
            if facts[i].key not in seen and labels[i] in known:
                held.append(i)
            seen.add(facts[i].key)
        if len(held) < self.VALIDATION_ROWS or len(known) < 2:
            return 1.0
        trial = type(self)(C=self.C)._fit(facts[:cut], tops[:cut], labels[:cut], text_too=True)
        with_global, text = trial._probabilities(trial.features([facts[i] for i in held], [tops[i] for i in held]))
        column = {category: j for j, category in enumerate(trial.classes_.tolist())}
        truth = np.array([column[labels[i]] for i in held])
        rows = np.arange(len(held))

        def fit(share: float) -> tuple[int, float, float]:
            mixed = share * with_global + (1 - share) * text
            return (int((mixed.argmax(axis=1) == truth).sum()), round(float(np.log(np.maximum(mixed[rows, truth], 1e-12)).sum()), 6),
                    share)
        return max(fit(share) for share in self.GLOBAL_SHARES)[2]

    def make_classifier(self):
        return LinearSVC(C=self.C)

    def _probabilities(self, features: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Both classifiers' class probabilities (with and without the global model's columns)."""
        assert self.classifier is not None and self.text_classifier is not None
        return (_softmax(self.classifier, features),
                _softmax(self.text_classifier, features[:, :self.text_width]))

    def scores(self, features: sp.csr_matrix) -> np.ndarray:
        """Class probabilities from the SVMs' margins (a softmax), mixed by the global share: enough to rank,
        blend and threshold."""
        assert self.classifier is not None
        if self.text_classifier is None:
            return _softmax(self.classifier, features)
        with_global, text = self._probabilities(features)
        return self.global_share * with_global + (1 - self.global_share) * text


def _softmax(classifier, features: sp.csr_matrix) -> np.ndarray:
    if hasattr(classifier, "predict_proba"):
        return classifier.predict_proba(features)
    margins = features @ classifier.coef_.T + classifier.intercept_
    if margins.shape[1] == 1:  # two classes: one margin, for the second
        margins = np.column_stack([-margins[:, 0], margins[:, 0]])
    scaled = np.exp(3.0 * (margins - margins.max(axis=1, keepdims=True)))
    return scaled / scaled.sum(axis=1, keepdims=True)


# --- the memory -----------------------------------------------------------------------------------------

@dataclass
class Memory:
    """Labelled keys, newest first: key -> {category: weight}, with each category's signs."""

    votes: dict[str, dict[int, float]] = field(default_factory=dict)
    counts: dict[str, dict[int, int]] = field(default_factory=dict)
    signs: dict[int, list[int]] = field(default_factory=dict)  # category -> [out, in] counts

    @classmethod
    def build(cls, labelled: Iterable[tuple[RowFacts, int]]) -> Memory:
        """From (facts, category) newest first: a key's older choices fade by MEMORY_DECAY per newer one."""
        memory = cls()
        for facts, category in labelled:
            memory.add(facts, category)
        return memory

    def add(self, facts: RowFacts, category: int) -> None:
        """An older label than any added so far."""
        votes = self.votes.setdefault(facts.key, {})
        seen = self.counts.setdefault(facts.key, {})
        older = sum(seen.values())
        votes[category] = votes.get(category, 0.0) + MEMORY_DECAY ** older
        seen[category] = seen.get(category, 0) + 1
        signs = self.signs.setdefault(category, [0, 0])
        if facts.sign:
            signs[facts.sign > 0] += 1

    def merged(self, newer: Memory) -> Memory:
        """This memory with ``newer`` labels in front of it (the labels made since a model was trained)."""
        out = Memory(votes={}, counts={}, signs={c: list(s) for c, s in self.signs.items()})
        out.votes = dict(self.votes)
        out.counts = dict(self.counts)
        for key, votes in newer.votes.items():
            older = self.votes.get(key)
            if older is None:
                out.votes[key], out.counts[key] = dict(votes), dict(newer.counts[key])
                continue
            fade = MEMORY_DECAY ** sum(newer.counts[key].values())
            merged = {c: w * fade for c, w in older.items()}
            for category, weight in votes.items():
                merged[category] = merged.get(category, 0.0) + weight
            out.votes[key] = merged
            counts = dict(self.counts[key])
            for category, count in newer.counts[key].items():
                counts[category] = counts.get(category, 0) + count
            out.counts[key] = counts
        for category, (out_count, in_count) in newer.signs.items():
            signs = out.signs.setdefault(category, [0, 0])
            signs[0] += out_count
            signs[1] += in_count
        return out

    def sign_allows(self, category: int, sign: int) -> bool:
        """False for a category filed at least twice with the other sign and never with this one."""
        counts = self.signs.get(category)
        if counts is None or sign == 0:
            return True
        same, other = counts[sign > 0], counts[sign < 0]
        return same > 0 or other < 2


class NeighbourIndex:
    """The remembered keys as TF-IDF rows, for the nearest remembered merchants of a new key."""

    def __init__(self, vocabulary: Vocabulary, keys: Sequence[str]) -> None:
        self.vocabulary = vocabulary
        self.keys = list(keys)
        self.matrix_t = vocabulary.matrix(self.keys).T.tocsr()

    def extended(self, keys: Sequence[str]) -> NeighbourIndex:
        """This index with more keys (labelled since it was built), in the same vocabulary."""
        known = set(self.keys)
        extra = [k for k in keys if k not in known]
        if not extra:
            return self
        out = NeighbourIndex.__new__(NeighbourIndex)
        out.vocabulary, out.keys = self.vocabulary, self.keys + extra
        out.matrix_t = sp.hstack([self.matrix_t, self.vocabulary.matrix(extra).T], format="csr")
        return out

    def nearest(self, keys: Sequence[str], *, skip_exact: bool = True) -> list[list[tuple[str, float]]]:
        """For each key, up to NEIGHBOURS remembered keys with their cosine, best first."""
        if not self.keys or not keys:
            return [[] for _ in keys]
        similarity = (self.vocabulary.matrix(keys) @ self.matrix_t).tocsr()
        out = []
        for row, key in enumerate(keys):
            start, end = similarity.indptr[row], similarity.indptr[row + 1]
            values, columns = similarity.data[start:end], similarity.indices[start:end]
            keep = values >= NEIGHBOUR_SIMILARITY
            values, columns = values[keep], columns[keep]
            order = np.argsort(-values)[:NEIGHBOURS + 1]
            found = [(self.keys[columns[i]], float(values[i])) for i in order]
            out.append([(k, s) for k, s in found if not (skip_exact and k == key)][:NEIGHBOURS])
        return out


@dataclass(frozen=True, slots=True)
class Verdict:
    """The person's categorizer on one key: a category id (None: it has no opinion), its confidence, which
    part decided ("history": this very key before; "user_model": similar keys and the model) and how many
    earlier labels of that category back it."""

    category: int | None
    confidence: float
    source: str
    support: int = 0


NO_OPINION = Verdict(None, 0.0, "")
NEIGHBOUR_WEIGHT = 1.0


class PersonalCategorizer:
    """Memory, neighbours and model together; the unit mlcore.learning stores per person."""

    def __init__(self, *, memory: Memory, index: NeighbourIndex | None, model: PersonalModel | None) -> None:
        self.memory = memory
        self.index = index
        self.model = model
        self.totals = self._totals(memory)

    @classmethod
    def train(cls, facts: Sequence[RowFacts], tops: Sequence[Sequence[tuple[str, float]]], labels: Sequence[int]
              ) -> PersonalCategorizer:
        """Fit on the person's labelled rows, oldest first (``tops``: the global model's best categories)."""
        memory = Memory.build(zip(reversed(facts), reversed(labels), strict=True))
        model = PersonalModel().train(facts, tops, labels)
        assert model.vocabulary is not None
        return cls(memory=memory, index=NeighbourIndex(model.vocabulary, list(memory.votes)), model=model)

    @classmethod
    def remembering(cls, facts: Sequence[RowFacts], labels: Sequence[int]) -> PersonalCategorizer:
        """Memory and neighbours only, from labelled rows newest first: before a model is trained."""
        memory = Memory.build(zip(facts, labels, strict=True))
        keys = list(memory.votes)
        index = NeighbourIndex(Vocabulary(keys), keys) if keys else None
        return cls(memory=memory, index=index, model=None)

    @staticmethod
    def _totals(memory: Memory) -> dict[int, int]:
        totals: dict[int, int] = {}
        for counts in memory.counts.values():
            for category, count in counts.items():
                totals[category] = totals.get(category, 0) + count
        return totals

    def with_newer(self, newer: Memory) -> PersonalCategorizer:
        """The same model with the labels made since it was trained in front of its memory."""
        if not newer.votes:
            return self
        index = self.index.extended(list(newer.votes)) if self.index is not None else None
        return PersonalCategorizer(memory=self.memory.merged(newer), index=index, model=self.model)

    def remembered(self, facts: RowFacts) -> Verdict:
        """The exact key's choices, newest weighing most: a decision when one category clearly leads."""
        votes = self.memory.votes.get(facts.key)
        if not votes or not facts.key:
            return NO_OPINION
        allowed = {c: w for c, w in votes.items() if self.memory.sign_allows(c, facts.sign)}
        if not allowed:
            return NO_OPINION
        category, weight = max(allowed.items(), key=lambda item: item[1])
        share = weight / sum(allowed.values())
        if share < HISTORY_SHARE:
            return NO_OPINION
        count = self.memory.counts[facts.key][category]
        return Verdict(category, min(0.97, (0.7 + 0.1 * count) * share), "history", count)

    def needs_global(self, facts: Sequence[RowFacts]) -> list[bool]:
        return [self.remembered(f).category is None for f in facts]

    def decide(self, facts: Sequence[RowFacts], tops: Sequence[Sequence[tuple[str, float]]] | None
               ) -> list[Verdict]:
        """One Verdict per row (rows given once per key); ``tops`` are the global model's best categories,
        needed for the rows that ``needs_global`` marks (others may carry an empty list)."""
        verdicts = [self.remembered(f) for f in facts]
        open_rows = [i for i, v in enumerate(verdicts) if v.category is None]
        if not open_rows:
            return verdicts
        blended = self._blend([facts[i] for i in open_rows], [tops[i] for i in open_rows] if tops else None)
        for i, verdict in zip(open_rows, blended, strict=True):
            verdicts[i] = verdict
        return verdicts

    def _blend(self, facts: Sequence[RowFacts], tops) -> list[Verdict]:
        neighbours = self.index.nearest([f.key for f in facts]) if self.index is not None else [[]] * len(facts)
        probabilities = None
        if self.model is not None and tops is not None:
            probabilities = self.model.scores(self.model.features(facts, tops))
            classes = self.model.classes_.tolist()
        out = []
        for row, fact in enumerate(facts):
            scores: dict[int, float] = {}
            if probabilities is not None:
                for column, category in enumerate(classes):
                    scores[category] = float(probabilities[row, column])
            for key, similarity in neighbours[row]:
                votes = self.memory.votes.get(key)
                if not votes:
                    continue
                total = sum(votes.values())
                for category, weight in votes.items():
                    scores[category] = scores.get(category, 0.0) + NEIGHBOUR_WEIGHT * similarity ** 2 * weight / total
            scores = {c: s for c, s in scores.items() if self.memory.sign_allows(c, fact.sign)}
            if not scores:
                out.append(NO_OPINION)
                continue
            category, score = max(scores.items(), key=lambda item: item[1])
            confidence = score / sum(scores.values())
            out.append(Verdict(category, confidence, "user_model", self.totals.get(category, 0)))
        return out
