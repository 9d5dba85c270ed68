"""What the advisor answers: the text, the facts it used, how it was written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.models import Method, Status
from advisor.tools import Fact

# Events a caller may follow while an answer is written (the page streams them): ("tool", name),
# ("delta", text) while a model writes, ("replaced", reason) when its draft is replaced by the written answer.
OnEvent = Callable[[str, str], None]


@dataclass
class Answer:
    text: str  # plain paragraphs separated by blank lines; "- " starts a list item
    facts: list[Fact] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    method: str = Method.TEMPLATE
    status: str = Status.ANSWERED
    intent: str = ""
    disclaimer: str = ""
    suggestions: list[str] = field(default_factory=list)
    fallback_reason: str = ""  # why a model's answer was not used
    computed_at: dt.datetime | None = None  # the oldest stored, worker-computed figure the answer used
    duration_ms: int = 0

    def facts_json(self) -> list[dict[str, Any]]:
        return [fact.to_json() for fact in self.facts]

    def links_json(self) -> list[dict[str, str]]:
        return [{"label": label, "url": url} for label, url in self.links]
