"""The goals and readiness cards of the dashboard (insights renders them through its panel registry; goals
registers them in GoalsConfig.ready()). Each reads one stored row: the plan or the readiness report."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from goals import pages, selectors
from goals.models import Goal
from insights.panels import DashboardPanel

GOALS_SHOWN = 3


def goals_panel(user: User) -> dict[str, Any]:
    stored = selectors.plan_get(user=user)
    if stored is None:
        return {"stored": None, "has_goals": Goal.objects.filter(user=user).exists()}
    plan = stored.plan
    open_goals = [row for row in plan["goals"] if row["progress"] < 1] or list(plan["goals"])
    shown = [{"goal_id": row["goal_id"], "name": row["name"], "saved": Decimal(row["saved"]),
              "target": Decimal(row["target"]), "percent": math.floor(min(row["progress"], 1.0) * 100),
              "monthly": Decimal(row["monthly"]),
              "track": "" if not row["target_date"] or row["progress"] >= 1 else ("on" if row["on_track"] else "off")}
             for row in open_goals[:GOALS_SHOWN]]
    return {"stored": stored, "has_goals": bool(plan["goals"]), "goals": shown, "currency": plan["currency"],
            "more": max(len(plan["goals"]) - len(shown), 0), "safe": Decimal(plan["surplus"]["safe"]),
            "allocated": Decimal(plan["allocated"]),
            # Each goal's share is rounded down to the cent: a few cents left over are not "free to save".
            "free": Decimal(plan["unallocated"]) >= 1, "computed_ago": pages.ago(stored.computed_at, timezone.now())}


def readiness_panel(user: User) -> dict[str, Any]:
    report = selectors.readiness_get(user=user)
    if report is None:
        return {"report": None}
    failed = next((gate for gate in report.result["gates"] if not gate["passed"]), None)
    return {"report": report, "score": report.score, "ready": report.ready, "failed": failed,
            "computed_ago": pages.ago(report.computed_at, timezone.now())}


PANELS = (
    DashboardPanel(key="goals", template="goals/_dashboard_goals.html", context=goals_panel, order=10),
    DashboardPanel(key="readiness", template="goals/_dashboard_readiness.html", context=readiness_panel, order=20),
)
