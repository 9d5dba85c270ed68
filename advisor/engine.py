"""The advisor's one entrance: a question in, an answer out, with the facts it used and how it was written.

1. The guardrails screen the question (another person's data, changed instructions, specific securities, ...):
   such a question gets a polite refusal, and no tool runs.
2. When a local model is configured (``mlcore.services.llm_configured()``) and the person's plan includes it
   (``billing.services.feature_allowed(feature="advisor_model")``, always with billing off), it answers by calling the tools; its
   answer must pass the grounding check (every number among the tool results) and the output guardrails, or it
   is replaced by the written answer and the log says why.
3. Otherwise, and as the fallback, the intent matcher picks the tools and ``advisor.answers`` writes the answer
   from templates.

Nothing here trains or fits: the tools read stored figures.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

import structlog

from accounts.models import User
from advisor import guardrails, intents, model, writers
from advisor.answer import Answer, OnEvent
from advisor.models import Status
from billing.services import feature_allowed
from mlcore import services as mlcore

log = structlog.get_logger(__name__)

def advisor_answer(*, user: User, question: str, today: dt.date | None = None,
                   history: Sequence[tuple[str, str]] = (), on_event: OnEvent | None = None) -> Answer:
    """Answer ``question`` for ``user`` from their own figures only. ``history`` is the conversation so far as
    (role, text) pairs, oldest first; a model sees it (stripped of personal identifiers), templates do not."""
    started = time.perf_counter()
    today = today or user.financial_profile.local_today()
    question = " ".join(question.split())[:guardrails.MAX_QUESTION]
    refusal = guardrails.screen(question)
    if refusal is not None:
        answer = Answer(text=refusal.text, status=Status.REFUSED, intent=f"refused:{refusal.reason}",
                        disclaimer=refusal.disclaimer, suggestions=writers.SUGGESTIONS[:4])
        log.info("advisor_refused", user_id=user.pk, reason=refusal.reason)
    else:
        answer = _model_or_template(user=user, question=question, today=today, history=history, on_event=on_event)
    answer.duration_ms = int((time.perf_counter() - started) * 1000)
    return answer


def _model_or_template(*, user: User, question: str, today: dt.date, history: Sequence[tuple[str, str]],
                       on_event: OnEvent | None) -> Answer:
    # The model only for people whose plan includes it (everyone while billing is off); else the written answer.
    if mlcore.llm_configured() and feature_allowed(user=user, feature="advisor_model"):
        # A failure of any kind (timeout, malformed reply, a number not in the tool results, an output
        # guardrail) falls back to the written answer, with the reason logged.
        try:
            return model.model_answer(user=user, question=question, today=today, history=history, on_event=on_event)
        except model.ModelFailed as failure:
            log.warning("advisor_model_fallback", user_id=user.pk, reason=failure.reason)
            written = template_answer(user=user, question=question, today=today)
            written.fallback_reason = failure.reason
            if on_event is not None:
                on_event("replaced", failure.reason)
            return written
    return template_answer(user=user, question=question, today=today)


def template_answer(*, user: User, question: str, today: dt.date) -> Answer:
    """The answer written from templates: the intent matcher's tools, then the intent's writer."""
    match = intents.intent_match(question, user=user, today=today)
    return writers.answer_write(match, user=user, today=today)
