"""What the advisor's pages show of a message, in words: its text as paragraphs and lists, its figures and links
(only links within Finsight), how it was written, and what each step of a local model's work is called."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.timesince import timesince

from advisor.models import Message, Method, Status

METHOD_LABELS: dict[str, str] = {
    Method.TEMPLATE: "Written from your figures",
    Method.MODEL: "Written by your local model, numbers checked",
}

# What the page says while a local model reads the figures behind its answer (advisor.tools' names).
TOOL_LABELS = {
    "spending_breakdown": "Reading your spending",
    "month_comparison": "Comparing this month with last",
    "budget_status": "Checking your budgets",
    "upcoming_bills": "Looking at your upcoming bills",
    "recurring_bills": "Going through your regular bills and subscriptions",
    "balance_forecast": "Reading your balance forecast",
    "savings_summary": "Adding up what you save",
    "alerts_and_patterns": "Checking unusual charges and your usual spending",
    "goals_plan": "Reading your goal plan",
    "goal_what_if": "Working out a goal's what-if",
    "readiness": "Reading your investment readiness",
    "debts": "Looking at what you owe",
    "afford": "Checking what you can afford",
}
TOOL_DEFAULT = "Reading your figures"
REPLACED = ("Your local model's draft did not match your figures, so this is the answer written from them "
            "instead.")


def kept_for(days: int) -> str:
    """How long conversations are kept, to end a sentence: "for 90 days", "for a year", "not kept"."""
    return {0: "not kept", 365: "for a year"}.get(days, f"for {days} days")


def tool_label(name: str) -> str:
    return TOOL_LABELS.get(name, TOOL_DEFAULT)


@dataclass
class Block:
    """A paragraph (``text``) or a list (``items``)."""

    text: str = ""
    items: list[str] = field(default_factory=list)


def answer_blocks(text: str) -> list[Block]:
    """An answer's text as the page writes it: paragraphs split by blank lines, lines starting "- " as lists."""
    blocks: list[Block] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines: list[str] = []
        listing: Block | None = None
        for raw in chunk.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if line.startswith(("- ", "• ")):
                if lines:
                    blocks.append(Block(text=" ".join(lines)))
                    lines = []
                if listing is None:
                    listing = Block()
                    blocks.append(listing)
                listing.items.append(line[2:].strip())
            elif listing is not None and not lines:
                listing.items[-1] = f"{listing.items[-1]} {line}"  # a list item's wrapped line
            else:
                lines.append(line)
        if lines:
            blocks.append(Block(text=" ".join(lines)))
    return blocks


def within_finsight(url: str) -> bool:
    """Pages link only to Finsight's own pages: a path, never another site."""
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


@dataclass
class Shown:
    """One message as a page shows it."""

    message: Message
    blocks: list[Block]
    facts: list[dict[str, Any]]
    links: list[dict[str, str]]
    method_label: str
    computed_ago: str = ""  # "3 hours ago": when the oldest stored figure it used was worked out

    @property
    def is_question(self) -> bool:
        return self.message.role == Message.Role.USER

    @property
    def answered(self) -> bool:
        return self.message.status == Status.ANSWERED

    @property
    def examples(self) -> list[str]:
        """Questions shown inside an answer that did not answer (not understood, declined): its "for example"."""
        if self.message.role != Message.Role.ADVISOR or self.answered:
            return []
        return [str(question) for question in self.message.suggestions or []]


def ago(moment: dt.datetime, now: dt.datetime) -> str:
    """ "3 hours ago", "just now"."""
    if now - moment < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


def shown(message: Message, now: dt.datetime | None = None) -> Shown:
    facts = [{**fact, "link": fact.get("link") if within_finsight(str(fact.get("link") or "")) else ""}
             for fact in message.facts or [] if isinstance(fact, dict)]
    links = [link for link in message.links or []
             if isinstance(link, dict) and link.get("label") and within_finsight(str(link.get("url") or ""))]
    return Shown(message=message, blocks=answer_blocks(message.text), facts=facts, links=links,
                 method_label=METHOD_LABELS.get(message.method, "") if message.role == Message.Role.ADVISOR else "",
                 computed_ago=ago(message.computed_at, now or timezone.now()) if message.computed_at else "")


def letter_shown(letter: Any) -> dict[str, Any]:
    """A stored monthly letter for its page: its sentences as lists, and its figures with their pages."""
    return {"went_well": [line for line in letter.went_well.splitlines() if line.strip()],
            "changed": [line for line in letter.changed.splitlines() if line.strip()],
            "figures": [{**fact, "link": fact.get("link") if within_finsight(str(fact.get("link") or "")) else ""}
                        for fact in letter.facts or [] if isinstance(fact, dict) and fact.get("kind") != "text"]}
