"""What the advisor's local-model path adds around the model itself, against the written answer.

    .venv/bin/python bench/advisor_model.py [--runs 50] [--months 12] [--per-month 100]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_dev .venv/bin/python bench/advisor_model.py

Creates a throwaway user with MONTHS months of the demo ledger padded to PER_MONTH transactions a month
(bench/anomalies.py's user) and their stored patterns, starts the fake OpenAI-compatible server on loopback
(mlcore/tests/fake_llm.py), which answers at once, and asks "Where did my money go last month?" RUNS times each:
- the written answer (no model configured), the baseline;
- through the model with one tool round (spending_breakdown, then the answer), whole and streamed;
- through the model with two tool rounds (spending_breakdown, then savings_summary, then the answer).
The model's answers quote the tools' own figures, so every one passes the grounding check (asserted). It prints the
median and p90 in milliseconds per question and, for the model path, where its time goes: the tools (the same
reads the written answer makes), stripping identifiers, the grounding check, and the rest (the prompt, the openai
client and HTTP on loopback, JSON). With a real model, its own time comes on top. The user is deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anomalies import user_with_history  # noqa: E402 - sets Django up

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from advisor import model  # noqa: E402
from advisor.engine import advisor_answer  # noqa: E402
from advisor.models import Method  # noqa: E402
from advisor.tools import tool_run  # noqa: E402
from core.months import month_add, month_start  # noqa: E402
from mlcore.services import patterns_refresh  # noqa: E402
from mlcore.tests.fake_llm import FakeLlm, Reply  # noqa: E402
from transactions.models import Transaction  # noqa: E402

QUESTION = "Where did my money go last month?"
PARTS = ("tools", "strip", "grounding")


class Stopwatch:
    """Time spent inside some of advisor.model's functions, by part, while a question is answered."""

    def __init__(self) -> None:
        self.spent = dict.fromkeys(PARTS, 0.0)
        self._originals: dict[str, Any] = {}

    def wrap(self, name: str, part: str) -> None:
        original = getattr(model, name)
        self._originals[name] = original

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[part] += (time.perf_counter() - start) * 1000

        setattr(model, name, timed)

    def reset(self) -> None:
        self.spent = dict.fromkeys(PARTS, 0.0)

    def restore(self) -> None:
        for name, original in self._originals.items():
            setattr(model, name, original)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(runs: int, ask: Callable[[], Any], before: Callable[[], None] = lambda: None,
            watch: Stopwatch | None = None) -> tuple[list[float], dict[str, list[float]]]:
    times: list[float] = []
    parts: dict[str, list[float]] = {part: [] for part in PARTS}
    for _ in range(runs):
        before()
        if watch is not None:
            watch.reset()
        start = time.perf_counter()
        ask()
        times.append((time.perf_counter() - start) * 1000)
        if watch is not None:
            for part in PARTS:
                parts[part].append(watch.spent[part])
    return times, parts


def line(name: str, times: list[float], parts: dict[str, list[float]] | None = None, base: float | None = None) -> str:
    median = statistics.median(times)
    text = f"  {name}: {median:.1f} ms median, {percentile(times, 0.9):.1f} ms p90"
    if parts and base is not None:
        spent = {part: statistics.median(values) for part, values in parts.items()}
        rest = median - sum(spent.values())
        text += (f" (+{median - base:.1f} ms over the written answer; tools {spent['tools']:.1f}, identifiers "
                 f"stripped {spent['strip']:.1f}, grounding {spent['grounding']:.1f}, prompt, client, HTTP and JSON "
                 f"{rest:.1f})")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--per-month", type=int, default=100)
    args = parser.parse_args()
    today = timezone.localdate()
    user = user_with_history(months=args.months, per_month=args.per_month, today=today, seed=1)
    watch = Stopwatch()
    try:
        patterns_refresh(user=user, today=today)
        last = month_add(month_start(today), -1)
        spending = tool_run("spending_breakdown", user=user, today=today, arguments={"period": "last_month"})
        savings = tool_run("savings_summary", user=user, today=today)
        total, top = spending.get("spending.total"), spending.get("top.1.total")
        average = savings.get("average.savings")
        assert total and top and average, "the bench user has no spending last month"
        one_round = (f"In {last:%B %Y} you spent {total.text()}; the most went on {top.label.split(',')[0]}: "
                     f"{top.text()}.")
        two_rounds = f"{one_round} On average you save {average.text()} a month."

        settings.ADVISOR_LLM_URL = ""
        template, _ = measure(args.runs, lambda: advisor_answer(user=user, question=QUESTION, today=today))

        with FakeLlm() as fake:
            fake.configure(settings)
            for name, part in (("tool_run", "tools"), ("pii_strip", "strip"), ("ungrounded_numbers", "grounding")):
                watch.wrap(name, part)

            def ask() -> None:
                answer = advisor_answer(user=user, question=QUESTION, today=today)
                assert answer.method == Method.MODEL, answer.fallback_reason

            def ask_streamed() -> None:
                answer = advisor_answer(user=user, question=QUESTION, today=today, on_event=lambda kind, text: None)
                assert answer.method == Method.MODEL, answer.fallback_reason

            def script_one() -> None:
                fake.script(Reply.tool("spending_breakdown", {"period": "last_month"}), Reply.text(one_round))

            def script_two() -> None:
                fake.script(Reply.tool("spending_breakdown", {"period": "last_month"}), Reply.tool("savings_summary"),
                            Reply.text(two_rounds))

            script_one()
            ask()  # the first question loads the openai library and opens the connection
            one, one_parts = measure(args.runs, ask, script_one, watch)
            streamed, streamed_parts = measure(args.runs, ask_streamed, script_one, watch)
            two, two_parts = measure(args.runs, ask, script_two, watch)
            requests = len(fake.requests)
        base = statistics.median(template)
        rows = Transaction.objects.filter(owner=user).count()
        print(f"advisor, {rows:,} transactions over {args.months} months ({connection.vendor}), {args.runs} questions "
              f"each, fake model answering at once ({requests} requests):")
        print(line("written answer (no model)", template))
        print(line("model, 1 tool round", one, one_parts, base))
        print(line("model, 1 tool round, streamed", streamed, streamed_parts, base))
        print(line("model, 2 tool rounds", two, two_parts, base))
    finally:
        watch.restore()
        user.delete()


if __name__ == "__main__":
    main()
