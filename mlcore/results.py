"""What mlcore's models answer, as plain values other apps can name without loading a learning library."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from transactions.models import Category


@dataclass(frozen=True, slots=True)
class BudgetSuggestion:
    category: Category | None  # None: the overall budget
    amount: Decimal  # what to budget, rounded
    currency: str
    method: str  # "model" or "heuristic"
    explanation: str
    predicted: Decimal  # the unrounded prediction (or median), before the savings adjustment
