"""One risk from a charge's factors, and its level.

The strongest factor sets the risk; each further one closes half of the factor's share of the remaining gap
(a softened noisy-or), so two weak signs that agree make a Medium, but weak signs alone never make a High.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlcore.results import Factor, RiskLevel

HIGH = 0.85
MEDIUM = 0.6
LOW = 0.35  # below: not a finding
CORROBORATION = 0.5


def risk(factors: Sequence[Factor]) -> float:
    scores = sorted((f.score for f in factors), reverse=True)
    if not scores:
        return 0.0
    combined = scores[0]
    for score in scores[1:]:
        combined += (1 - combined) * score * CORROBORATION
    return round(min(combined, 1.0), 3)


def level_for(score: float) -> str | None:
    if score >= HIGH:
        return RiskLevel.HIGH
    if score >= MEDIUM:
        return RiskLevel.MEDIUM
    if score >= LOW:
        return RiskLevel.LOW
    return None
