"""Written (template) answer time of the advisor for the evaluation's questions, on the demo's history.

    .venv/bin/python bench/advisor.py [--runs 5] [--requests 10] [--questions advisor/evaluation/questions.yaml]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/finsight_bench .venv/bin/python bench/advisor.py

Creates a throwaway user exactly as `manage.py demo` makes the demo user (seed_demo, seed_demo_bills,
seed_demo_insights, seed_demo_goals: two years of transactions, bills, budgets, the stored forecast, goals with
their plan and readiness), fills in the question file's placeholders for it, asks every question once to warm
up (the first question pays for imports such as dateparser's), then RUNS times each, with the local model off
(the written answers), and prints the median and 90th percentile over the questions of each question's median:
- the answer: advisor.engine.advisor_answer, guardrails, intent matching, tools and writing;
- baselines in the same run: the intent matcher alone; the tools alone (the facts the question file expects,
  through advisor.tools.tool_run, which is the least reading a right answer needs); and GET / (the dashboard),
  REQUESTS times through the test client, as a page everyone waits for.
The target is a median answer under 100 ms. The user is deleted afterwards.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from core.rls import row_security_operator_process  # noqa: E402

row_security_operator_process()  # an operator's script (core.rls): every row, as the connecting role

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from advisor import intents, tools  # noqa: E402
from advisor.engine import advisor_answer  # noqa: E402
from advisor.management.commands.evaluate_advisor import Filler, NotCheckable, Question, questions_load  # noqa: E402
from transactions.models import Transaction  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def ms(function, runs: int) -> float:
    """The median time of ``function()`` over ``runs`` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return f"median {statistics.median(ordered):.1f} ms, p90 {ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]:.1f} ms"


def demo_user() -> User:
    email = f"bench-advisor-{uuid.uuid4().hex[:10]}@example.com"
    quiet = io.StringIO()
    call_command("seed_demo", email=email, stdout=quiet)
    for command in ("seed_demo_bills", "seed_demo_insights", "seed_demo_goals"):
        call_command(command, email=email, stdout=quiet)
    return User.objects.select_related("financial_profile").get(email=email)


def filled(questions: list[Question], *, user: User, today) -> list[tuple[Question, str, list[tuple[str, dict]]]]:
    """Each question as asked for this user, with the tool calls of its expected facts; unfillable ones left out."""
    filler = Filler(user=user, today=today)
    out = []
    for question in questions:
        try:
            out.append((question, filler.text(question.text),
                        [(e.tool, filler.args(e.args)) for e in question.expect]))
        except NotCheckable:
            continue
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Times each question is asked (its median counts).")
    parser.add_argument("--requests", type=int, default=10, help="Dashboard requests for the baseline.")
    parser.add_argument("--questions", type=Path, default=ROOT / "advisor/evaluation/questions.yaml")
    args = parser.parse_args()
    settings.ADVISOR_LLM_URL = ""  # the written answers, whatever the environment configures

    started = time.perf_counter()
    user = demo_user()
    try:
        today = user.financial_profile.local_today()
        rows = Transaction.objects.filter(owner=user).count()
        asked = filled(questions_load(args.questions), user=user, today=today)
        print(f"set-up: the demo's history for a throwaway user, {rows:,} transactions, {len(asked)} questions, "
              f"{time.perf_counter() - started:.1f} s; database {connection.vendor}")
        cold = time.perf_counter()
        for _, text, _ in asked:
            advisor_answer(user=user, question=text, today=today)
        print(f"first pass over the questions (cold imports and caches): {(time.perf_counter() - cold) * 1000:.0f} ms")

        answer_ms, match_ms, tools_ms, with_tools_ms = [], [], [], []
        by_status: dict[str, list[float]] = defaultdict(list)
        slowest = []
        for question, text, calls in asked:
            status = advisor_answer(user=user, question=text, today=today).status
            took = ms(lambda text=text: advisor_answer(user=user, question=text, today=today), args.runs)
            answer_ms.append(took)
            by_status[str(status)].append(took)
            slowest.append((took, question.number, text))
            match_ms.append(ms(lambda text=text: intents.intent_match(text, user=user, today=today), args.runs))
            if calls:
                with_tools_ms.append(took)
                tools_ms.append(ms(lambda calls=calls: [tools.tool_run(name, user=user, today=today, arguments=a)
                                                        for name, a in calls], args.runs))

        client = Client()
        client.force_login(user)
        assert client.get("/", HTTP_HOST="localhost").status_code == 200
        dashboard = ms(lambda: client.get("/", HTTP_HOST="localhost"), args.requests)

        median = statistics.median(answer_ms)
        print(f"written answer, {len(asked)} questions x {args.runs} runs: {spread(answer_ms)} "
              f"(target: median under 100 ms)")
        for status, values in sorted(by_status.items()):
            print(f"  {status}: {len(values)} questions, {spread(values)}")
        print(f"baseline, same run: intent matching alone {spread(match_ms)}; the expected facts' tools alone "
              f"({len(tools_ms)} questions) {spread(tools_ms)}; GET / (dashboard) median {dashboard:.1f} ms "
              f"over {args.requests} requests")
        print(f"the same {len(tools_ms)} questions' answers: {spread(with_tools_ms)}, "
              f"{statistics.median(with_tools_ms) / statistics.median(tools_ms):.1f}x their tools alone at the median; "
              f"all answers / dashboard: {median / dashboard:.2f}x")
        print("slowest: " + "; ".join(f"#{number} {took:.0f} ms {text!r}"
                                      for took, number, text in sorted(slowest, reverse=True)[:5]))
    finally:
        user.delete()


if __name__ == "__main__":
    main()
