"""Ask the advisor a file of questions as one person and measure its answers against the tools' own figures.

    python manage.py evaluate_advisor --questions advisor/evaluation/questions.yaml [--email demo@finsight.local]
        [--today YYYY-MM-DD] [--json] [--verbose]

The question file (YAML or JSON) is a list; each item:

    - question: "Where did my money go last month?"     # asked as written (placeholders below are filled in)
      expect_status: answered       # answered (default) | refused | unknown
      expect:                       # facts a right answer must contain, every one of them
        - tool: spending_breakdown  # a tool of advisor.tools.TOOLS
          args: {period: last_month}  # its arguments (optional)
          fact: top.1.total         # a Fact key of that tool's result

Nothing in the file is a figure: the checker works each expected fact out itself, calling
``advisor.tools.tool_run(tool, user=..., today=..., arguments=args)`` for the person and day of the run, so the
same file measures the advisor on anyone's data. An expected fact is correct when the answer lists a fact of the
same kind, currency and value (a change may be listed as its size, the written answers' ``<key>.abs``) AND the
value is written in the answer's text (a text fact, such as a category's name, need only be written): amounts match whatever the thousands separators and wherever the currency
stands ("EUR 1,150.00", "1,150.00 EUR", "€1150.00"); percentages by value ("44.0%" = "44 %"); a date as
"3 Jan 2027", "3 January 2027", "2027-01-03" or, for a projection, its month ("January 2027"); a count as the
number; a text fact as the words. A question is correct when its status is the one expected and, for an answered
one, every expected fact is correct.

Placeholders in a question and in arguments, filled from the person's data through the same tools:
``{top_category}`` and ``{top_merchant}`` (most spent in the last three months), ``{goal}`` (the first goal),
``{dated_goal}`` (the first goal with a date), ``{emergency_goal}`` (the first emergency fund). A ``date``
argument may be relative to the day of the run: ``today``, ``tomorrow``, ``+10 days``, ``+2 weeks``,
``+3 months``, ``next friday`` (the next one after today), ``this saturday`` (today included), ``15 march`` (the next 15 March, today included),
``march`` (its first day, or today in March), ``next month`` (its first day), ``end of month``, ``end of next month``, or ``YYYY-MM-DD``.
A question whose placeholder or expected fact the tools cannot give on this data (no goals, no forecast yet) is
"not checkable": it is listed and left out of the shares.

Printed: the share of the questions expecting an answer that were answered with every expected fact correct,
the share refused and the share unknown (of all questions, and of those expected so), the median and 90th
percentile answer time, and with --verbose each question's result and, when it failed, why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from advisor import tools
from advisor.answer import Answer
from advisor.engine import advisor_answer
from advisor.models import Status
from advisor.tools import Fact
from core.months import month_add, month_end, month_start
from goals import selectors as goals

STATUSES = (Status.ANSWERED, Status.REFUSED, Status.UNKNOWN)
PLACEHOLDERS = ("top_category", "top_merchant", "goal", "dated_goal", "emergency_goal")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")


class NotCheckable(Exception):
    """The person's data cannot give what the question needs (a goal, a forecast): the question is left out."""


@dataclass(frozen=True)
class Expected:
    tool: str
    fact: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    number: int  # 1-based position in the file
    text: str
    status: str = Status.ANSWERED
    expect: tuple[Expected, ...] = ()


@dataclass
class Result:
    question: Question
    asked: str = ""
    status: str = ""  # the answer's
    correct: bool = False
    checkable: bool = True
    problems: list[str] = field(default_factory=list)
    ms: float = 0.0
    intent: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"number": self.question.number, "question": self.asked or self.question.text,
                "expected_status": self.question.status, "status": self.status, "intent": self.intent,
                "correct": self.correct, "checkable": self.checkable, "problems": self.problems,
                "ms": round(self.ms, 1)}


# ---- the file ------------------------------------------------------------------------------------------------

def questions_load(path: Path) -> list[Question]:
    """The questions of a YAML or JSON file, checked: tools, arguments, keys and statuses (a mistake names its
    question)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error}") from error
    try:
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError) as error:
        raise CommandError(f"{path} is not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {error}") from error
    if not isinstance(data, list) or not data:
        raise CommandError(f"{path} must hold a list of questions.")
    return [_question(number, item) for number, item in enumerate(data, 1)]


def _question(number: int, item: Any) -> Question:
    where = f"Question {number}"
    if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
        raise CommandError(f"{where}: each item needs a 'question' (text).")
    unknown = set(item) - {"question", "expect", "expect_status", "note"}
    if unknown:
        raise CommandError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    status = item.get("expect_status", Status.ANSWERED)
    if status not in STATUSES:
        raise CommandError(f"{where}: expect_status must be one of {', '.join(STATUSES)}, not {status!r}.")
    expected = []
    for entry in item.get("expect") or []:
        if not isinstance(entry, dict) or set(entry) - {"tool", "args", "fact"} or not entry.get("fact"):
            raise CommandError(f"{where}: each expected fact is {{tool, args, fact}}; got {entry!r}.")
        tool = tools.TOOLS.get(entry.get("tool", ""))
        if tool is None:
            raise CommandError(f"{where}: no tool {entry.get('tool')!r}; the tools are {', '.join(tools.TOOLS)}.")
        args = entry.get("args") or {}
        wrong = set(args) - set(tool.parameters.get("properties", {}))
        if not isinstance(args, dict) or wrong:
            raise CommandError(f"{where}: {tool.name} takes no argument {', '.join(sorted(wrong))}.")
        expected.append(Expected(tool=tool.name, fact=str(entry["fact"]), args=dict(args)))
    if status != Status.ANSWERED and expected:
        raise CommandError(f"{where}: a question expected to be {status} expects no facts.")
    return Question(number=number, text=" ".join(item["question"].split()), status=status, expect=tuple(expected))


# ---- filling a question in for one person and day --------------------------------------------------------------

class Filler:
    """Placeholders and relative dates for one person on one day (each placeholder looked up once)."""

    def __init__(self, *, user: User, today: dt.date) -> None:
        self.user, self.today = user, today
        self.values: dict[str, str | None] = {}

    def _lookup(self, name: str) -> str | None:
        if name in ("top_category", "top_merchant"):
            by = "merchant" if name == "top_merchant" else "category"
            result = tools.spending_breakdown(user=self.user, today=self.today, period="last_3_months", by=by)
            top = result.get("top.1.total")
            return top.label.rsplit(", ", 1)[0] if top else None
        rows = list(goals.goal_list(user=self.user))
        if name == "dated_goal":
            rows = [g for g in rows if g.target_date]
        elif name == "emergency_goal":
            rows = [g for g in rows if g.kind == "emergency"]
        return rows[0].name if rows else None

    def text(self, value: str) -> str:
        def fill(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in self.values:
                self.values[name] = self._lookup(name)
            if self.values[name] is None:
                raise NotCheckable(f"no {name.replace('_', ' ')} in this data")
            return str(self.values[name])

        return re.sub(r"\{(" + "|".join(PLACEHOLDERS) + r")\}", fill, value)

    def args(self, args: dict[str, Any]) -> dict[str, Any]:
        filled = {key: self.text(value) if isinstance(value, str) else value for key, value in args.items()}
        if isinstance(filled.get("date"), str):
            filled["date"] = date_resolve(filled["date"], today=self.today).isoformat()
        if isinstance(filled.get("amount"), int | float):
            filled["amount"] = str(filled["amount"])
        if isinstance(filled.get("extra"), int | float):
            filled["extra"] = str(filled["extra"])
        return filled


def date_resolve(expression: str, *, today: dt.date) -> dt.date:
    """A date written relative to ``today`` (see the module's help), never before today."""
    text = " ".join(expression.lower().split())
    if text == "today":
        return today
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    if text == "end of month":
        return month_end(today)
    if text == "end of next month":
        return month_end(month_add(today, 1))
    if text == "next month":
        return month_add(month_start(today), 1)
    found = re.fullmatch(r"\+(\d+) (day|week|month|year)s?", text)
    if found:
        later: dt.date = today + relativedelta(**{f"{found.group(2)}s": int(found.group(1))})
        return later
    found = re.fullmatch(r"(next|this) (\w+)", text)
    if found and found.group(2) in WEEKDAYS:
        ahead = (WEEKDAYS.index(found.group(2)) - today.weekday()) % 7
        return today + dt.timedelta(days=7 if ahead == 0 and found.group(1) == "next" else ahead)
    found = re.fullmatch(r"(?:(\d{1,2}) )?(\w+)", text)
    if found and found.group(2) in MONTHS:
        month = MONTHS.index(found.group(2)) + 1
        day = dt.date(today.year, month, int(found.group(1) or 1))
        if found.group(1) is None and month_start(day) == month_start(today):
            return today
        return day if day >= today else day.replace(year=today.year + 1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Cannot read the date {expression!r}: see the command's help for the forms.") from None


# ---- checking an answer ------------------------------------------------------------------------------------------

_CURRENCY = r"(?:[A-Z]{3}|€|\$|£)"
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_NUMBER = r"\d{1,3}(?:[,.\u00a0\u202f' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(rf"(?P<s1>[-−])?(?P<c1>{_CURRENCY})\s?(?P<s2>[-−])?(?P<n1>{_NUMBER})"
                    rf"|(?P<s3>[-−])?(?P<n2>{_NUMBER})\s?(?P<c2>{_CURRENCY})(?![A-Za-z])")
_PERCENT = re.compile(rf"(?P<s>[-−])?(?P<n>{_NUMBER})\s?(?:%|percent\b|per cent\b)")
_COUNT = re.compile(r"(?<![\d.,])\d+(?![\d]|[.,]\d)")


def _number(text: str) -> Decimal | None:
    """ "1,150.00", "1.150,00", "1 150", "12.5" → Decimal."""
    text = re.sub(r"[\u00a0\u202f' ]", "", text)
    last = max(text.rfind(","), text.rfind("."))
    if last != -1 and len(text) - last - 1 in (1, 2):
        text = re.sub(r"[.,]", "", text[:last]) + "." + text[last + 1:]
    else:
        text = re.sub(r"[.,]", "", text)
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def amounts_written(text: str) -> set[tuple[str, Decimal]]:
    """Every (currency, amount) the text writes, its sign included."""
    found = set()
    for match in _MONEY.finditer(text):
        currency = match.group("c1") or match.group("c2")
        value = _number(match.group("n1") or match.group("n2"))
        if value is None:
            continue
        if match.group("s1") or match.group("s2") or match.group("s3"):
            value = -value
        found.add((_SYMBOLS.get(currency, currency), value))
    return found


def percents_written(text: str) -> set[Decimal]:
    found = set()
    for match in _PERCENT.finditer(text):
        value = _number(match.group("n"))
        if value is not None:
            found.add(-value if match.group("s") else value)
    return found


def written(fact: Fact, text: str) -> bool:
    """Whether the answer's text writes the fact's value (see the module's help for what counts)."""
    value = fact.value
    if fact.kind == "money":
        return (fact.currency, Decimal(str(value))) in amounts_written(text)
    if fact.kind == "percent":
        return Decimal(str(value)) in percents_written(text)
    if fact.kind == "date" and isinstance(value, dt.date):
        forms = {f"{value.day} {value:%b %Y}", f"{value.day} {value:%B %Y}", value.isoformat(),
                 f"{value:%B} {value.day}, {value.year}", f"{value:%b} {value.day}, {value.year}", f"{value:%B %Y}"}
        return any(form.casefold() in text.casefold() for form in forms)
    if fact.kind == "count":
        return str(value) in _COUNT.findall(text)
    return str(value).casefold() in text.casefold()


def _same(listed: Fact, wanted: Fact) -> bool:
    if listed.kind != wanted.kind or listed.currency != wanted.currency:
        return False
    if isinstance(wanted.value, Decimal | int) and isinstance(listed.value, Decimal | int):
        return Decimal(listed.value) == Decimal(wanted.value)
    return listed.value == wanted.value


def fact_check(wanted: Fact, answer: Answer) -> str:
    """"" when the answer lists and writes the fact; otherwise what is wrong, in words. A text fact (a category's
    name, a verdict) need only be written: answers list the figures they used, not the words."""
    if wanted.kind == "text":
        return "" if written(wanted, answer.text) else f"{wanted.key} = {wanted.text()!r} is not written in the answer"
    listed = [f for f in answer.facts if _same(f, wanted)]
    if not listed and isinstance(wanted.value, Decimal | int):
        size = Fact(wanted.key, wanted.label, abs(Decimal(wanted.value)), wanted.kind, wanted.currency)
        listed = [f for f in answer.facts if f.key.endswith(".abs") and _same(f, size)]
        if listed:
            wanted = size
    if not listed:
        near = [f.text() for f in answer.facts if f.key == wanted.key or f.key == f"{wanted.key}.abs"]
        return (f"{wanted.key} = {wanted.text()} ({wanted.label}) is not among the answer's facts"
                + (f" (it lists {', '.join(near)} under that key)" if near else ""))
    if not written(wanted, answer.text):
        return f"{wanted.key} = {wanted.text()} is among the answer's facts but not written in its text"
    return ""


def question_run(question: Question, *, user: User, today: dt.date) -> Result:
    result = Result(question=question)
    filler = Filler(user=user, today=today)
    try:
        result.asked = filler.text(question.text)
        wanted = []
        for expected in question.expect:
            args = filler.args(expected.args)
            try:
                ran = tools.tool_run(expected.tool, user=user, today=today, arguments=args)
            except ValueError as error:
                raise CommandError(f"Question {question.number}: {error}") from error
            fact = ran.get(expected.fact)
            if fact is None:
                raise NotCheckable(f"{expected.tool}({args}) gives no {expected.fact} here"
                                   + (f": {ran.note}" if ran.note else ""))
            wanted.append(fact)
    except NotCheckable as reason:
        result.checkable = False
        result.problems.append(str(reason))
        return result
    started = time.perf_counter()
    answer = advisor_answer(user=user, question=result.asked, today=today)
    result.ms = (time.perf_counter() - started) * 1000
    result.status, result.intent = str(answer.status), answer.intent
    if result.status != question.status:
        result.problems.append(f"expected {question.status}, got {result.status} (intent {answer.intent or '-'})")
    else:
        result.problems += [problem for fact in wanted if (problem := fact_check(fact, answer))]
    result.correct = not result.problems
    return result


# ---- the figures ---------------------------------------------------------------------------------------------

def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "share": round(count / of, 4) if of else None}


def figures(results: list[Result]) -> dict[str, Any]:
    checked = [r for r in results if r.checkable]
    times = sorted(r.ms for r in checked)
    by_expected = {status: [r for r in checked if r.question.status == status] for status in STATUSES}
    return {
        "questions": len(results),
        "checked": len(checked),
        "not_checkable": [r.question.number for r in results if not r.checkable],
        "correct": _share(sum(r.correct for r in checked), len(checked)),
        "answered_correct": _share(sum(r.correct for r in by_expected[Status.ANSWERED]),
                                   len(by_expected[Status.ANSWERED])),
        "refused": {**_share(sum(r.status == Status.REFUSED for r in checked), len(checked)),
                    "expected": _share(sum(r.status == Status.REFUSED for r in by_expected[Status.REFUSED]),
                                       len(by_expected[Status.REFUSED])),
                    "wrongly": sum(r.status == Status.REFUSED for r in checked if r.question.status != Status.REFUSED)},
        "unknown": {**_share(sum(r.status == Status.UNKNOWN for r in checked), len(checked)),
                    "expected": _share(sum(r.status == Status.UNKNOWN for r in by_expected[Status.UNKNOWN]),
                                       len(by_expected[Status.UNKNOWN])),
                    "wrongly": sum(r.status == Status.UNKNOWN for r in checked if r.question.status != Status.UNKNOWN)},
        "median_ms": round(statistics.median(times), 1) if times else None,
        "p90_ms": round(times[min(len(times) - 1, int(len(times) * 0.9))], 1) if times else None,
        "failed": [r.question.number for r in checked if not r.correct],
    }


def _percent(share: dict[str, Any]) -> str:
    return f"{share['count']} of {share['of']}" + (f" ({share['share'] * 100:.1f}%)" if share["of"] else "")


class Command(BaseCommand):
    help = __doc__

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--questions", required=True, type=Path, help="A YAML or JSON question file.")
        parser.add_argument("--email", default="demo@finsight.local", help="Whose data to ask about.")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="The day to ask on (YYYY-MM-DD); the person's today by default.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--verbose", action="store_true", help="Also each question's result and why it failed.")

    def handle(self, *args: Any, **options: Any) -> None:
        questions = questions_load(options["questions"])
        user = User.objects.select_related("financial_profile").filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No user with the email {options['email']}.")
        today = options["today"] or user.financial_profile.local_today()
        results = [question_run(question, user=user, today=today) for question in questions]
        report = {"file": str(options["questions"]), "email": user.email, "today": today.isoformat(),
                  **figures(results)}
        if options["verbose"]:
            report["results"] = [r.to_json() for r in results]
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self._print(report, results, verbose=options["verbose"])

    def _print(self, report: dict[str, Any], results: list[Result], *, verbose: bool) -> None:
        out = self.stdout.write
        out(f"{report['questions']} questions asked as {report['email']} on {report['today']}; "
            f"{report['checked']} checkable on this data"
            + (f" (not: {', '.join(map(str, report['not_checkable']))})" if report["not_checkable"] else ""))
        out(f"Answered with every expected fact correct: {_percent(report['answered_correct'])} of those expecting "
            f"an answer")
        for status in (Status.REFUSED, Status.UNKNOWN):
            row = report[status]
            out(f"{status.label}: {_percent(row)} of all; {_percent(row['expected'])} of those expected {status}; "
                f"{row['wrongly']} that should not have been")
        out(f"All correct (status, and facts when answered): {_percent(report['correct'])}")
        out(f"Answer time: median {report['median_ms']} ms, p90 {report['p90_ms']} ms")
        if verbose:
            for result in results:
                mark = "ok " if result.correct else ("-- " if not result.checkable else "NO ")
                how = (f"{result.status} {result.intent}, {result.ms:.0f} ms" if result.checkable else "not asked")
                out(f"{mark}{result.question.number:>3} [{how}] {result.asked or result.question.text}")
                for problem in result.problems:
                    out(f"        {problem}")
