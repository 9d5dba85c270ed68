"""What other apps may use of mlcore; they import this module, never scikit-learn nor mlcore's other modules.

Categorization follows one precedence, owned here: a person's own edit (never overwritten), their rules,
their history with the merchant, their own model, then the global model. Budget suggestions and the
everyday spending and income forecasts are learned here too; training runs in workers, never in a request:
until the global model exists, what it would decide waits for it and a worker decides it once it is trained.

Importing this module stays cheap: the modules that load scikit-learn or LightGBM are imported by the first
call that needs them, so a web process that never categorizes or suggests never holds those libraries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from accounts.models import User
from core.lazy import lazy_exports
from mlcore import llm, speech, stats
from mlcore.llm import LlmError, LlmReply, ToolCall
from mlcore.models import Verdict
from mlcore.results import BudgetSuggestion, Factor, Finding, RiskLevel, SpendingPatterns
from mlcore.selectors import review_count
from mlcore.speech import SpeechError
from mlcore.tasks import CATEGORIZER_LOCK, user_model_retrain_soon, user_models_retrain_enqueue
from transactions.ingest import ImportRow
from transactions.models import Transaction

if TYPE_CHECKING:
    from mlcore.categorizer import GlobalCategorizer, Prediction
    from mlcore.forecasting import HEURISTIC, PROPHET, EverydayForecast, everyday_forecast

# The forecaster's names come from a module that imports pandas and NumPy: looked up on first use (core.lazy),
# so that importing this facade, which every web worker does through the URLconf, stays free of them.
__getattr__ = lazy_exports(__name__, dict.fromkeys(
    ("HEURISTIC", "PROPHET", "EverydayForecast", "everyday_forecast"), "mlcore.forecasting"))

__all__ = [
    # categorization
    "categories_predict", "categorizer_get", "categorizer_train", "category_predict", "import_rows_categorize",
    "imported_rules_apply", "review_count", "review_threshold", "transactions_categorize",
    # the global model, trained by set-up, the release step or a worker
    "CATEGORIZER_LOCK", "categorizer_ensure", "categorizer_prepare",
    # learning from the user, in the worker
    "user_model_retrain_soon", "user_models_retrain_enqueue",
    # budget suggestions
    "BudgetSuggestion", "budget_model_train", "budget_suggestions",
    # everyday spending and income forecasts
    "HEURISTIC", "PROPHET", "EverydayForecast", "everyday_forecast",
    # a person's patterns, and the anomalies scored against them (workers compute, pages read)
    "SpendingPatterns", "patterns_get", "patterns_refresh",
    "Factor", "Finding", "RiskLevel", "Verdict", "anomalies_detect", "anomaly_verdict_record",
    # the optional local model the advisor asks (an OpenAI-compatible server, loopback or private by default)
    "LlmError", "LlmReply", "ToolCall", "llm_chat", "llm_configured",
    # the optional local speech engine (recorded audio to text on this server)
    "SpeechError", "speech_transcribe", "speech_unavailable_reason",
    # figures across everyone for the staff pages: counts and model versions, never a row
    "categorizer_feedback_by_day", "model_versions", "review_queue_sizes", "user_models_summary",
]

# --- categorization -----------------------------------------------------------------------------------------


def categorizer_get() -> GlobalCategorizer:
    """The process's global categorizer; never trains: CategorizerNotReady while no usable artifact exists."""
    from mlcore import global_categorizer  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return global_categorizer.categorizer_get()


def categorizer_ensure() -> dict[str, Any]:
    """Set-up and workers only: load the global model, training it first if it is missing; {"trained": bool}."""
    from mlcore import global_categorizer  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return global_categorizer.categorizer_ensure()


def categorizer_prepare() -> dict[str, Any]:
    """Workers only, under CATEGORIZER_LOCK: train the global model if it is missing, then decide the
    transactions left waiting for it; returns what it did (trained, users, transactions)."""
    from mlcore import learning  # noqa: PLC0415 - scikit-learn, loaded by the worker that trains

    return learning.categorizer_prepare()


def categorizer_train(*, corpus_path: Path | str | None = None, evaluate: bool = True) -> dict[str, Any]:
    from mlcore import global_categorizer  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return global_categorizer.categorizer_train(corpus_path=corpus_path, evaluate=evaluate)


def categories_predict(*, rows: Iterable[Any]) -> list[Prediction]:
    """The global model's guess for each row (Transactions or mappings with description, amount, ...)."""
    from mlcore import global_categorizer  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return global_categorizer.categories_predict(rows=rows)


def category_predict(*, row: Any) -> Prediction:
    return categories_predict(rows=[row])[0]


def review_threshold() -> float:
    from mlcore import learning  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return learning.review_threshold()


def import_rows_categorize(*, user: User, account_kind: str, rows: list[ImportRow]) -> None:
    """Decide the categories of an import's rows before their insert (history, the user's model, the global one)."""
    from mlcore import learning  # noqa: PLC0415 - scikit-learn, loaded by the first use

    learning.import_rows_categorize(user=user, account_kind=account_kind, rows=rows)


def imported_rules_apply(*, user: User, transactions: QuerySet[Transaction]) -> int:
    """After an import's insert, the user's rules re-file the new rows they match; returns how many changed."""
    from mlcore import learning  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return learning.imported_rules_apply(user=user, transactions=transactions)


def transactions_categorize(*, user: User, transactions: QuerySet[Transaction]) -> int:
    """Categorize the user's transactions no person has categorized, in the one precedence."""
    from mlcore import learning  # noqa: PLC0415 - scikit-learn, loaded by the first use

    return learning.transactions_categorize(user=user, transactions=transactions)


# --- budget suggestions -------------------------------------------------------------------------------------

def budget_suggestions(*, user: User, month: dt.date) -> list[BudgetSuggestion]:
    """One suggestion per top-level expense category of the last 3 months, and the overall one last."""
    from mlcore import budgeting  # noqa: PLC0415 - LightGBM, loaded by the first suggestion

    return budgeting.budget_suggestions(user=user, month=month)


def budget_model_train(*, today: dt.date) -> dict[str, Any]:
    """Train the budget model on every user's complete months; ValueError when there is too little data."""
    from mlcore import budgeting  # noqa: PLC0415 - LightGBM, loaded by the worker that trains

    return budgeting.budget_model_train(today=today)


# --- patterns and anomalies ---------------------------------------------------------------------------------

def patterns_get(*, user: User) -> tuple[SpendingPatterns, dt.datetime] | None:
    """The user's stored patterns and when a worker computed them; None before the first computation."""
    from mlcore import patterns  # noqa: PLC0415 - NumPy and pandas: loaded by the first call, not by every web worker

    return patterns.patterns_get(user=user)


def patterns_refresh(*, user: User, today: dt.date | None = None,
                     unconfirmed_ids: Collection[int] = ()) -> SpendingPatterns:
    """Workers only: recompute and store the user's patterns. ``unconfirmed_ids``: charges flagged Medium or
    High that the person has not called fine; they are not part of the normal until then."""
    from mlcore import patterns  # noqa: PLC0415 - NumPy and pandas: loaded by the worker, not by every web worker

    return patterns.patterns_refresh(user=user, today=today, unconfirmed_ids=unconfirmed_ids)


def anomalies_detect(*, user: User, transaction_ids: Iterable[int], today: dt.date | None = None,
                     unconfirmed_ids: Collection[int] = ()) -> list[Finding]:
    """Workers only: score these transactions of the user; one Finding (with its level) per flagged one.
    Earlier charges in ``unconfirmed_ids`` are not compared against (see patterns_refresh)."""
    from mlcore import anomalies  # noqa: PLC0415 - NumPy and pandas: loaded by the worker, not by every web worker

    return anomalies.anomalies_detect(user=user, transaction_ids=transaction_ids, today=today,
                                      unconfirmed_ids=unconfirmed_ids)


def anomaly_verdict_record(*, user: User, transaction: Transaction, verdict: str, detectors: Iterable[str]) -> None:
    """What the person said of a flagged charge (a Verdict): "fine" stops the same pattern alerting again,
    "not_mine" raises the risk of similar charges. The patterns learn it at their next refresh."""
    from mlcore import feedback  # noqa: PLC0415 - NumPy (patterns): loaded by the first answer, not by every web worker

    feedback.anomaly_verdict_record(user=user, transaction=transaction, verdict=verdict, detectors=detectors)


# --- the optional local model -------------------------------------------------------------------------------

def llm_configured() -> bool:
    """Whether a local model is set (settings.ADVISOR_LLM_URL); without one the advisor answers from templates."""
    return llm.llm_configured()


def llm_chat(*, messages: Sequence[Mapping[str, Any]], tools: Sequence[Mapping[str, Any]] = (),
             on_delta: Callable[[str], None] | None = None) -> LlmReply:
    """One chat completion with the local model: the OpenAI-format ``messages`` and the ``tools`` it may call
    (their function-calling definitions). With ``on_delta`` the reply is streamed, each piece of text passed to it
    as it arrives. Raises LlmError (with ``reason``) on a refused host, a timeout, no server or a malformed reply.
    The caller strips personal identifiers from what it sends."""
    return llm.chat(messages=messages, tools=tools, on_delta=on_delta)


# --- the optional local speech engine -----------------------------------------------------------------------

def speech_unavailable_reason() -> str | None:
    """None when this server can transcribe recorded audio (SPEECH_MODEL_PATH and the engine installed);
    otherwise what is missing, in words for the operator."""
    return speech.speech_unavailable_reason()


def speech_transcribe(*, pcm16: bytes, language: str = "auto") -> str:
    """What was said in mono 16 kHz signed 16-bit samples, on this server. Raises SpeechError with the reason."""
    return speech.transcribe(pcm16, language=language)


# --- figures across everyone, for the staff pages (counts grouped in the database, never a row) -------------


def categorizer_feedback_by_day(*, since: dt.datetime, until: dt.datetime) -> list[tuple[dt.date, str, int]]:
    """(day, "accept" or "correct", count) of people confirming or correcting a suggested category."""
    return stats.feedback_by_day(since=since, until=until)


def review_queue_sizes() -> list[dict[str, Any]]:
    """People and transactions waiting for review, by how long each person's queue is."""
    return stats.review_queue_sizes()


def model_versions() -> list[dict[str, Any]]:
    """The saved versions of the shared models with their recorded metrics, newest first per model."""
    return stats.model_versions()


def user_models_summary() -> dict[str, Any]:
    """How many people have a categorizer of their own, and when the newest was trained."""
    return stats.user_models_summary()
