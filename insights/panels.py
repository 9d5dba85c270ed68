"""Cards that apps above insights add to the dashboard (goals: its goals and readiness cards) without insights
importing them: the app registers a ``DashboardPanel`` in its ``AppConfig.ready()``, and the dashboard renders
each registered panel's template with the context its callable returns (None: the card is left out).

A panel's callable runs on every dashboard request: it reads stored figures in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class DashboardPanel:
    key: str  # unique: registering the same key again replaces the panel
    template: str  # rendered with ``panel`` (the context below) and the dashboard's own context
    context: Callable[[User], dict[str, Any] | None]
    order: int = 100  # lower first, in the dashboard's side column


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, DashboardPanel] = {}


def dashboard_panel_register(panel: DashboardPanel) -> None:
    _PANELS[panel.key] = panel


def dashboard_panels(*, user: User) -> list[ShownPanel]:
    """The registered panels that have something to show this user, in order."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user)
        if context is not None:
            shown.append(ShownPanel(key=panel.key, template=panel.template, context=context))
    return shown
