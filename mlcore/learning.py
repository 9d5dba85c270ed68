"""Per-user categorization, in this order of precedence:

1. the user's own edit (category_source "user"): locked, never touched here;
2. the user's rules;
3. the user's history: the same merchant (its key without dates, card and reference numbers: see
   mlcore.personal) goes where the user filed it before, the newest choices weighing most, unless the user
   has split that merchant across categories;
4. the user's own categorizer (mlcore.personal): similar merchants they filed (learned from the first
   correction, before any retraining) and their model, trained in the background from the categories they
   chose (it can predict their custom categories, and it starts from the global model's guesses);
5. the global model.

Below the review threshold the category is left empty and the best guess is kept as a suggestion.
Until the global model exists (a worker trains it; no request does), what history cannot decide is left
waiting (WAITING) and ``waiting_transactions_categorize`` decides it once the model is there: the user's
model needs the global model's guess as a feature, so it waits too.
Everything runs in bulk: a fixed number of queries for any number of transactions, and each distinct
row (description, merchant, sign, size) is decided once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import joblib
import sklearn
import structlog
from django.conf import settings
from django.db import transaction as db_transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from mlcore import personal
from mlcore.global_categorizer import CategorizerNotReady, categorizer_ensure, categorizer_get
from mlcore.models import UserCategorizerModel
from transactions.merchants import merchant_clean
from transactions.models import Category, CategorySource, Transaction
from transactions.rules import rules_apply

log = structlog.get_logger(__name__)

USER_MODEL_FORMAT = personal.FORMAT_VERSION
USER_MODEL_MIN_LABELS = 5
HISTORY_LIMIT = 20_000  # the newest labelled transactions a user's history and model learn from
WAITING = "Waiting for the categorizer"  # the explanation of a row left for the global model, and how it is found
WAITING_BATCH = 5_000  # waiting rows decided per database transaction
GLOBAL_ALTERNATIVES = 3  # the global model's best categories after the first that the user's model sees


def review_threshold() -> float:
    return float(getattr(settings, "CATEGORIZER_REVIEW_THRESHOLD", 0.6))


@dataclass(slots=True)
class Decision:
    category: Category | None
    confidence: float
    explanation: str
    source: str  # "rule", "history", "user_model", "global", "waiting"


def _display(merchant: str, description: str) -> str:
    return (merchant or merchant_clean(description)).strip() or description[:30]


def _amount(value: Any) -> float | None:
    """A float for the sign and size buckets: float() of a Decimal, no string round trip."""
    return None if value is None else float(value)


# --- the user's labels --------------------------------------------------------------------------------

_LABEL_FIELDS = ("description", "merchant", "amount", "account__kind", "category_id")


def _labelled(user: User) -> QuerySet[Transaction]:
    return Transaction.objects.filter(owner=user, category_source=CategorySource.USER, category__isnull=False)


def user_labels(*, user: User) -> list[tuple[str, str, Decimal, str, int]]:
    """(description, merchant, amount, account kind, category id) of the categories the user chose, newest
    first."""
    return list(_labelled(user).order_by("-date", "-id").values_list(*_LABEL_FIELDS)[:HISTORY_LIMIT])


def _labels_since(user: User, since) -> list[tuple[str, str, Decimal, str, int]]:
    """The user's choices made after their categorizer was trained, newest first: they count at once."""
    return list(_labelled(user).filter(updated_at__gt=since).order_by("-updated_at", "-id")
                .values_list(*_LABEL_FIELDS)[:HISTORY_LIMIT])


def _memory(labels) -> personal.Memory:
    return personal.Memory.build((personal.row_facts(d, m, _amount(a)), c) for d, m, a, _k, c in labels)


# --- the user's own categorizer -----------------------------------------------------------------------

def user_model_train(*, user: User) -> UserCategorizerModel | None:
    """(Re)train the user's categorizer from the categories they chose; None while there is too little to learn.

    A worker's job (mlcore.tasks), never a request's. It needs the global model (its guesses are features)."""
    started = timezone.now()  # a choice made while this trains counts as newer: it is read at each use
    labels = user_labels(user=user)
    classes = {category_id for *_, category_id in labels}
    if len(labels) < USER_MODEL_MIN_LABELS or len(classes) < 2:
        UserCategorizerModel.objects.filter(user=user).delete()
        return None
    oldest_first = labels[::-1]
    facts = [personal.row_facts(d, m, _amount(a)) for d, m, a, _k, _c in oldest_first]
    tops = _global_tops([(d, m, a, k) for d, m, a, k, _c in oldest_first])
    categorizer = personal.PersonalCategorizer.train(facts, tops, [c for *_, c in oldest_first])
    buffer = io.BytesIO()
    joblib.dump(categorizer, buffer, compress=3)
    model, _ = UserCategorizerModel.objects.update_or_create(user=user, defaults={
        "format_version": USER_MODEL_FORMAT, "sklearn_version": sklearn.__version__, "labels_count": len(labels),
        "classes_count": len(classes), "trained_at": started, "blob": buffer.getvalue(),
    })
    log.info("user_model_trained", user_id=user.pk, labels=len(labels), classes=len(classes))
    return model


def user_model_is_stale(*, user: User) -> bool:
    """Has the user chosen a category since their model was trained (or is there no model this code reads)?"""
    stored = UserCategorizerModel.objects.filter(user=user).values_list(
        "trained_at", "format_version", "sklearn_version").first()
    labelled = Transaction.objects.filter(owner=user, category_source=CategorySource.USER)
    if stored is None or stored[1:] != (USER_MODEL_FORMAT, sklearn.__version__):
        return labelled.exists()
    return labelled.filter(updated_at__gt=stored[0]).exists()


_loaded: dict[int, tuple] = {}  # user id -> (trained_at, categorizer): unpickled once per process and version


def _stored(user: User) -> tuple[Any, personal.PersonalCategorizer] | None:
    """(trained_at, the user's trained categorizer), or None when there is none this code can read."""
    stored = UserCategorizerModel.objects.filter(user=user).defer("blob").first()
    if stored is None:
        return None
    cached = _loaded.get(user.pk)
    if cached and cached[0] == stored.trained_at:
        return cached
    if stored.format_version != USER_MODEL_FORMAT or stored.sklearn_version != sklearn.__version__:
        log.info("user_model_stale", user_id=user.pk, format=stored.format_version, sklearn=stored.sklearn_version)
        return None
    try:
        categorizer = joblib.load(io.BytesIO(bytes(stored.blob)))
    except Exception:  # noqa: BLE001 - a damaged blob means "retrain", never an error page
        log.warning("user_model_unreadable", user_id=user.pk)
        return None
    if not isinstance(categorizer, personal.PersonalCategorizer):
        log.warning("user_model_unreadable", user_id=user.pk)
        return None
    if len(_loaded) > 256:
        _loaded.clear()
    _loaded[user.pk] = (stored.trained_at, categorizer)
    return _loaded[user.pk]


def user_model_load(*, user: User) -> personal.PersonalCategorizer | None:
    """The user's trained categorizer as stored (without the choices made since), or None."""
    stored = _stored(user)
    return stored[1] if stored else None


def personal_categorizer(*, user: User) -> personal.PersonalCategorizer:
    """The user's categorizer as of now: the trained one with every choice made since in its memory, or, before
    a model exists, a memory of their choices alone (an index, not a model: nothing is fitted here)."""
    stored = _stored(user)
    if stored is None:
        labels = user_labels(user=user)
        return personal.PersonalCategorizer.remembering([personal.row_facts(d, m, _amount(a))
                                                         for d, m, a, _k, _c in labels], [c for *_, c in labels])
    trained_at, categorizer = stored
    return categorizer.with_newer(_memory(_labels_since(user, trained_at)))


# --- deciding ---------------------------------------------------------------------------------------

_CONFIDENCES = [Decimal(i).scaleb(-3) for i in range(1001)]  # 0.000 ... 1.000: no per-row Decimal(str())


def _confidence(value: float) -> Decimal:
    return _CONFIDENCES[min(1000, max(0, int(round(value * 1000))))]


def _distinct(rows) -> tuple[list[tuple], list[personal.RowFacts], list[int]]:
    """The distinct rows as the categorizers see them (the merchant key, its form, sign and size bucket, and the
    account kind), each as its first (description, merchant, amount as a float, account kind) and its facts, and
    each row's position among them: a statement's lines at one merchant differ only in dates and references."""
    index: dict[tuple, int] = {}
    distinct: list[tuple] = []
    facts: list[personal.RowFacts] = []
    positions = []
    for description, merchant, amount, kind in rows:
        value = _amount(amount)
        fact = personal.row_facts(description, merchant, value)
        position = index.get((fact, kind))
        if position is None:
            position = index[(fact, kind)] = len(distinct)
            distinct.append((description, merchant, value, kind))
            facts.append(fact)
        positions.append(position)
    return distinct, facts, positions


def categorize_rows(*, user: User, rows: list[tuple[str, str, object, str]]) -> list[Decision]:
    """Decide a category for each (description, merchant, amount, account kind): history, the user's
    categorizer, then the global model. Each distinct row (see ``_distinct``) is decided once."""
    if not rows:
        return []
    distinct, facts, positions = _distinct(rows)
    decided = _decide_distinct(user, distinct, facts)
    return [decided[p] for p in positions]


def _decide_distinct(user: User, rows: list[tuple], facts: list[personal.RowFacts]) -> list[Decision]:
    categorizer = personal_categorizer(user=user)
    verdicts = [categorizer.remembered(f) for f in facts]
    open_rows = [i for i, v in enumerate(verdicts) if v.category is None]
    predictions: dict[int, Any] = {}
    if open_rows:
        try:
            found = _global_predict([rows[i] for i in open_rows])
        except CategorizerNotReady:
            return _with_waiting(rows, verdicts)
        predictions = dict(zip(open_rows, found, strict=True))
        tops = [_top(p) for p in found]
        for i, verdict in zip(open_rows, categorizer.decide([facts[i] for i in open_rows], tops), strict=True):
            verdicts[i] = verdict
    categories = _categories(verdicts, predictions.values())
    explain = _Explainer()
    return [_decision(rows[i], verdicts[i], predictions.get(i), categories, explain) for i in range(len(rows))]


def _with_waiting(rows: list[tuple], verdicts: list[personal.Verdict]) -> list[Decision]:
    """Without the global model: what history decides is decided, the rest waits for it."""
    categories, explain = _categories(verdicts, ()), _Explainer()
    return [_decision(row, verdict, None, categories, explain) if verdict.category is not None
            else Decision(None, 0.0, WAITING, "waiting") for row, verdict in zip(rows, verdicts, strict=True)]


def _categories(verdicts, predictions) -> dict:
    """The Category of each id the verdicts name and of each standard key the global model named: two queries."""
    ids = {v.category for v in verdicts if v.category is not None}
    keys = {p.category_key for p in predictions}
    found: dict = {c.pk: c for c in Category.objects.filter(pk__in=ids)} if ids else {}
    if keys:
        found.update({c.key: c for c in Category.objects.filter(key__in=keys, owner=None)})
    return found


def _decision(row: tuple, verdict: personal.Verdict, prediction, categories: dict, explain: _Explainer
              ) -> Decision:
    category = categories.get(verdict.category) if verdict.category is not None else None
    if category is not None:
        return Decision(category, verdict.confidence, explain(row, verdict, category), verdict.source)
    return Decision(categories.get(prediction.category_key), prediction.confidence, prediction.explanation, "global")


class _Explainer:
    """The sentence of each (source, category, support, merchant) once per batch: cleaning the merchant's name for
    the sentence costs more than deciding the row."""

    def __init__(self) -> None:
        self.made: dict[tuple, str] = {}

    def __call__(self, row: tuple, verdict: personal.Verdict, category: Category) -> str:
        history = verdict.source == "history"
        key = (history, category.pk, verdict.support, row[1] or personal.text_key(row[0]) if history else "")
        sentence = self.made.get(key)
        if sentence is None:
            sentence = self.made[key] = _explain(row, verdict, category)
        return sentence


def _explain(row: tuple, verdict: personal.Verdict, category: Category) -> str:
    count, plural = verdict.support, "s" if verdict.support != 1 else ""
    if verdict.source == "history":
        return f"You filed {count} earlier '{_display(row[1], row[0])}' payment{plural} under {category.name}"
    return f"Looks like the {count} payment{plural} you filed under {category.name}"


def _top(prediction) -> list[tuple[str, float]]:
    return [(prediction.category_key, prediction.confidence), *prediction.alternatives]


def _global_predict(rows: list[tuple]) -> list:
    """The global model's predictions (explanations are built only if read); raises CategorizerNotReady."""
    return categorizer_get().predict([{"description": d, "merchant": m, "amount": a, "account_kind": k}
                                      for d, m, a, k in rows], alternatives=GLOBAL_ALTERNATIVES)


def _global_tops(rows: list[tuple]) -> list[list[tuple[str, float]]]:
    distinct, _facts, positions = _distinct(rows)
    tops = [_top(p) for p in _global_predict(distinct)]
    return [tops[p] for p in positions]


def _decided(decision: Decision) -> dict:
    """The Transaction fields for a decision: filed when sure enough, else left as a suggestion for review."""
    if decision.source == "waiting":
        return {"category": None, "suggested_category": None, "category_source": CategorySource.NONE,
                "category_confidence": None, "category_explanation": WAITING, "needs_review": True}
    confident = decision.category is not None and decision.confidence >= review_threshold()
    return {
        "category": decision.category if confident else None,
        "suggested_category": None if confident else decision.category,
        "category_source": CategorySource.MODEL if confident else CategorySource.NONE,
        "category_confidence": _confidence(decision.confidence),
        "category_explanation": decision.explanation[:200],
        "needs_review": not confident,
    }


def import_rows_categorize(*, user: User, account_kind: str, rows: list) -> None:
    """Decide the rows of an import before they are inserted, so the decision is written with them.

    Rows that already carry a category (the file's, or the demo seeder's) keep it. The user's rules run
    after the insert, on the new transactions, and take precedence over these decisions.
    """
    open_rows = [row for row in rows if row.category is None]
    if not open_rows:
        return
    decisions = categorize_rows(user=user, rows=[(r.description, r.merchant, r.amount, account_kind)
                                                 for r in open_rows])
    for row, decision in zip(open_rows, decisions, strict=True):
        fields = _decided(decision)
        row.category, row.suggested_category = fields["category"], fields["suggested_category"]
        row.decided, row.category_source = True, fields["category_source"]
        row.category_confidence = fields["category_confidence"]
        row.category_explanation = fields["category_explanation"]


def imported_rules_apply(*, user: User, transactions: QuerySet[Transaction]) -> int:
    """After an import's insert: the user's rules come before any model, and re-file the new rows they match;
    returns how many they changed."""
    return len(rules_apply(user=user, transactions=transactions))


@db_transaction.atomic
def transactions_categorize(*, user: User, transactions: QuerySet[Transaction]) -> int:
    """Categorize the user's transactions that no person has categorized; returns how many were decided.

    The user's rules come first (transactions.rules, when present); what they leave goes through
    history, the user's model and the global model. Confident guesses are filed (source "model");
    the others wait for review with the guess as a suggestion.
    """
    candidates = transactions.filter(owner=user).exclude(category_source=CategorySource.USER).filter(
        splits__isnull=True)
    rules_apply(user=user, transactions=candidates)
    candidates = candidates.exclude(category_source=CategorySource.RULE)
    txns = list(candidates.select_related("account").only(
        "id", "description", "merchant", "amount", "account__kind", "category_source"))
    if not txns:
        return 0
    decisions = categorize_rows(user=user, rows=[(t.description, t.merchant, t.amount, t.account.kind) for t in txns])
    for txn, decision in zip(txns, decisions, strict=True):
        for field, value in _decided(decision).items():
            setattr(txn, field, value)
    Transaction.objects.bulk_update(
        txns, ["category", "suggested_category", "category_source", "category_confidence", "category_explanation",
               "needs_review"], batch_size=1000)
    return len(txns)


# --- waiting for the global model ---------------------------------------------------------------------

def _waiting() -> QuerySet[Transaction]:
    return Transaction.objects.filter(needs_review=True, category_source=CategorySource.NONE,
                                      category_explanation=WAITING)


def waiting_exists(*, user: User) -> bool:
    return _waiting().filter(owner=user).exists()


def waiting_transactions_categorize(*, user: User) -> int:
    """Decide the user's transactions left waiting for the global model, in the one precedence; returns how many."""
    ids = list(_waiting().filter(owner=user).values_list("pk", flat=True))
    for start in range(0, len(ids), WAITING_BATCH):
        # Still waiting when read again: a category the person chose meanwhile is theirs.
        transactions_categorize(user=user, transactions=_waiting().filter(pk__in=ids[start:start + WAITING_BATCH]))
    return len(ids)


def categorizer_prepare() -> dict:
    """A worker's job, never a request's: train the global model if it is missing, then decide every user's
    transactions left waiting for it. Quick when the model is there and nothing waits."""
    outcome = categorizer_ensure()
    users = User.objects.filter(pk__in=_waiting().values("owner_id"))
    decided = {user.pk: waiting_transactions_categorize(user=user) for user in users}
    return {**outcome, "users": len(decided), "transactions": sum(decided.values())}
