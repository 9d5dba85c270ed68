"""The dashboard's panel registry: apps above insights add cards without insights importing them."""

from __future__ import annotations

import pytest

from insights import panels
from insights.panels import DashboardPanel, dashboard_panel_register, dashboard_panels


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})


def test_panels_show_in_order_and_one_with_nothing_to_show_is_left_out(registry, owner):
    dashboard_panel_register(DashboardPanel("later", "x.html", lambda user: {"who": user.email}, order=20))
    dashboard_panel_register(DashboardPanel("first", "y.html", lambda user: {"n": 1}, order=10))
    dashboard_panel_register(DashboardPanel("empty", "z.html", lambda user: None, order=5))
    shown = dashboard_panels(user=owner)
    assert [(p.key, p.template, p.context) for p in shown] == [
        ("first", "y.html", {"n": 1}), ("later", "x.html", {"who": "owner@example.com"})]


def test_registering_a_key_again_replaces_the_panel(registry, owner):
    dashboard_panel_register(DashboardPanel("goals", "old.html", lambda user: {}))
    dashboard_panel_register(DashboardPanel("goals", "new.html", lambda user: {}))
    assert [p.template for p in dashboard_panels(user=owner)] == ["new.html"]


def test_goals_registers_its_cards_when_the_app_is_ready():
    assert {"goals", "readiness"} <= set(panels._PANELS)
