"""Score the sentence reader on a file of sentences with the fields each should give.

The file (YAML) holds the world the sentences are read in and the sentences:

    today: 2026-12-02            # relative dates count from here
    currency: EUR                # the person's currency
    accounts: [{id: 1, name: Visa, kind: credit_card}, ...]
    groups: [{id: 7, name: Flat, members: [Anna Schmidt, Ben Meyer]}, ...]
    sentences:
      - {text: "Spent 12.50 on lunch at Chipotle yesterday", amount: 12.50, date: -1, merchant: Chipotle,
         category: food_drink.restaurants}

A field left out of a sentence is expected empty (no merchant, no account, no group, no note), or the default:
currency the file's, kind expense (else income, refund or transfer), date today. ``date`` is a day offset from ``today`` or YYYY-MM-DD; ``account``
an account's name. Merchants compare without case. The category is the one entries.services decides: the words'
hint checked with the global categorizer, else the categorizer (so this measures both).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from entries.parsing import EXPENSE, Draft, MerchantKnown, sentence_parse

FIELDS = ("amount", "currency", "kind", "date", "merchant", "category", "account", "group", "note")


@dataclass
class Result:
    text: str
    wrong: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (expected, got)


def _date(value: Any, today: dt.date) -> dt.date:
    if value is None:
        return today
    if isinstance(value, int):
        return today + dt.timedelta(days=value)
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _merchant(value: Any) -> str:
    """A merchant matches ignoring case, punctuation and a leading "the" ("McDonald's" is "mcdonalds")."""
    return " ".join(re.sub(r"[^\w\s]", "", str(value or "").lower()).split()).removeprefix("the ")


def sentences_read(path: Path | str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def sentences_evaluate(data: dict[str, Any], *, categorize: Callable[[Draft, str], str],
                       merchant_known: MerchantKnown | None = None) -> list[Result]:
    """Read every sentence; ``categorize(draft, account_kind)`` gives the category key decided for a draft and
    ``merchant_known`` recognises a merchant named without "at" (both as entries.services does)."""
    today = _date(data["today"], dt.date(2000, 1, 1))
    accounts = [(a["id"], a["name"], a["kind"]) for a in data.get("accounts", [])]
    names = {a["id"]: a["name"] for a in data.get("accounts", [])}
    kinds = {a["id"]: a["kind"] for a in data.get("accounts", [])}
    groups = [(g["id"], g["name"], g["members"]) for g in data.get("groups", [])]
    group_names = {g["id"]: g["name"] for g in data.get("groups", [])}
    results = []
    for item in data["sentences"]:
        draft = sentence_parse(item["text"], today=today, accounts=accounts, currency=data["currency"], groups=groups,
                               merchant_known=merchant_known)
        got = {
            "amount": draft.amount, "currency": draft.currency, "kind": draft.kind, "date": draft.date,
            "merchant": _merchant(draft.merchant), "category": categorize(draft, kinds.get(draft.account_id or 0, "")),
            "account": names.get(draft.account_id or 0), "group": group_names.get(draft.group_id or 0),
            "note": draft.note.strip().lower(),
        }
        expected = {
            "amount": Decimal(str(item["amount"])).quantize(Decimal("0.01")) if item.get("amount") is not None
            else None,
            "currency": item.get("currency", data["currency"]), "kind": item.get("kind", EXPENSE),
            "date": _date(item.get("date"), today), "merchant": _merchant(item.get("merchant")),
            "category": item.get("category") or "", "account": item.get("account"), "group": item.get("group"),
            "note": str(item.get("note") or "").strip().lower(),
        }
        result = Result(text=item["text"])
        for name in FIELDS:
            if got[name] != expected[name]:
                result.wrong[name] = (expected[name], got[name])
        results.append(result)
    return results


def evaluation_summary(results: list[Result]) -> dict[str, Any]:
    total = len(results)
    return {
        "sentences": total,
        "all_fields_right": round(sum(not r.wrong for r in results) / total, 4) if total else 0.0,
        "per_field": {name: round(sum(name not in r.wrong for r in results) / total, 4) if total else 0.0
                      for name in FIELDS},
    }
