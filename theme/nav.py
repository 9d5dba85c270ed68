"""The main navigation as data: each entry's label, where it goes, and the pages where it is the current one.

The bar (from xl up) and the menu (below xl) draw the same entries; ``nav_entries`` gives them with their links
reversed once per process and whether each is the page being shown. Adding a page to the navigation is one line
here, not two links and two conditions in the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    views: frozenset[str] = frozenset()  # the view names (namespace:name) where this entry is current
    apps: frozenset[str] = frozenset()  # or every view of these URL namespaces
    signed_in: bool = True  # shown to signed-in people only
    badge: str = ""  # a URL name answering the entry's count (fetched once the page is up)


def _views(*names: str) -> frozenset[str]:
    return frozenset(names)


ENTRIES = (
    Entry("Home", "home", _views("home"), signed_in=False),
    Entry("Transactions", "transactions:list", _views("transactions:list", "transactions:detail", "transactions:edit",
                                                      "transactions:create", "transactions:bulk")),
    Entry("Accounts", "transactions:accounts", _views("transactions:accounts", "transactions:account_edit",
                                                      "transactions:account_delete")),
    Entry("Rules", "transactions:rules", _views("transactions:rules", "transactions:rule_create",
                                                "transactions:rule_edit", "transactions:rule_delete",
                                                "transactions:rule_apply")),
    Entry("Import", "imports:upload", _views("imports:upload", "imports:batch")),
    Entry("Budgets", "budgets:list", _views("budgets:list", "budgets:history", "budgets:edit", "budgets:delete")),
    Entry("Goals", "goals:list", apps=frozenset({"goals"})),
    Entry("Ask", "advisor:coach", apps=frozenset({"advisor"})),
    Entry("Alerts", "alerts:list", _views("alerts:list", "alerts:detail", "alerts:feedback")),
    Entry("Insights", "insights:spending", _views("insights:spending", "insights:savings", "insights:forecast",
                                                  "mlcore:patterns")),
    Entry("Groups", "groups:list", _views("groups:list", "groups:detail", "groups:dashboard", "groups:expense_create",
                                          "groups:expense_edit", "groups:expense_delete", "groups:invite_answer",
                                          "groups:invite_answer_mine")),
    Entry("Bills", "payments:upcoming", _views("payments:bills", "payments:bill_create", "payments:bill_edit",
                                               "payments:bill_delete", "payments:upcoming", "payments:calendar",
                                               "payments:suggestions")),
    Entry("Review", "mlcore:review", _views("mlcore:review"), badge="mlcore:review_count"),
)


@dataclass(frozen=True)
class Shown:
    label: str
    href: str
    current: bool
    badge_url: str


@lru_cache(maxsize=16)
def _links(script_prefix: str, urlconf: str | None) -> tuple[tuple[str, str], ...]:
    """Each entry's link and badge link under this script prefix and URL configuration (both part of the key)."""
    return tuple((reverse(e.url_name, urlconf=urlconf), reverse(e.badge, urlconf=urlconf) if e.badge else "")
                 for e in ENTRIES)


def nav_entries(request: HttpRequest | None) -> list[Shown]:
    """The entries this person sees on this page, each with its link and whether it is the page shown (an error
    page drawn without a request or a user shows the entries of someone signed out)."""
    match = getattr(request, "resolver_match", None)
    view, app = (match.view_name, match.app_name) if match else ("", "")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return [Shown(entry.label, href, view in entry.views or app in entry.apps, badge)
            for entry, (href, badge) in zip(ENTRIES, _links(get_script_prefix(), get_urlconf()), strict=True)
            if signed_in or not entry.signed_in]
