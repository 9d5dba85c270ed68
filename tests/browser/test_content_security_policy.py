"""The Content-Security-Policy holds on every page, and the pages still work under it.

A signed-in user with the demo household's data visits the main pages and every page reachable from them;
the browser must report no policy violation (a `securitypolicyviolation` event, or a console error about the
Content-Security-Policy or the Permissions-Policy) and no script error. Then, under the same policy: the
charts draw, the inline edit of a transaction saves, a new row's Cancel removes it, and the phone's menu opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from groups.models import Group
from tests.browser.helpers import MOBILE, log_in
from tests.browser.test_page_sweep import demo_household, reachable_pages  # noqa: F401 - the fixture
from accounts.tests.factories import PASSWORD as STAFF_PASSWORD
from transactions.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD
from transactions.models import Transaction

pytestmark = pytest.mark.browser

MAIN_PAGES = [
    "/", "/transactions/", "/money/accounts/", "/transactions/import/", "/budgets/", "/budgets/history/",
    "/insights/spending/", "/insights/savings/", "/insights/forecast/", "/groups/", "/bills/", "/bills/upcoming/",
    "/bills/calendar/", "/bills/suggestions/", "/review/", "/notifications/", "/notifications/preferences/",
    "/accounts/profile/", "/accounts/profile/financial/", "/categories/", "/rules/", "/rules/new/",
    "/transactions/new/", "/bills/new/", "/accounts/password/change/", "/docs/api/",
]
LISTEN = """
window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__policyViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " (" + (event.sourceFile || "") + ":" + event.lineNumber + ") " + (event.sample || ""));
});
"""
POLICY_CONSOLE = re.compile(r"Content Security Policy|Content-Security-Policy|Permissions[- ]Policy", re.I)


@dataclass
class Watch:
    """What the browser says about the page it is on."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.add_init_script(LISTEN)
        page.on("console", lambda message: POLICY_CONSOLE.search(message.text)
                and self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def problems(self, page: Page) -> list[str]:
        found = page.evaluate("window.__policyViolations || []") + self.console + self.errors
        self.console.clear()
        self.errors.clear()
        return found


def visit(page: Page, watch: Watch, path: str) -> list[str]:
    response = page.goto(path)
    page.wait_for_load_state("networkidle")  # htmx's own requests (badges, summaries) have swapped in
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert response is not None
    found = [] if response.ok else [f"answered {response.status}"]
    policy = response.headers.get("content-security-policy", "")
    if "script-src 'self'" not in policy or "unsafe-inline" in policy:
        found.append(f"no strict Content-Security-Policy: {policy!r}")
    return found + watch.problems(page)


def test_no_page_breaks_the_policy_and_the_pages_still_work(page: Page, demo_household):  # noqa: F811
    watch = Watch()
    watch.attach(page)
    log_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    group = Group.objects.filter(memberships__user=demo_household).first()
    txn = Transaction.objects.filter(owner=demo_household).latest("date", "pk")
    extra = [f"/groups/{group.pk}/", f"/groups/{group.pk}/dashboard/", f"/transactions/{txn.pk}/edit/"]
    paths = list(dict.fromkeys(MAIN_PAGES + extra + reachable_pages(page)))
    assert len(paths) >= 30, paths

    problems = {path: found for path in paths if (found := visit(page, watch, path))}
    assert not problems, "policy violations or script errors:\n" + "\n".join(
        f"{path}:\n  " + "\n  ".join(found) for path, found in problems.items())

    # The charts draw under the policy (Chart.js sizes its canvas through the DOM, which the policy allows).
    for path in ("/", "/insights/spending/", "/insights/savings/", "/insights/forecast/", "/budgets/history/",
                 f"/groups/{group.pk}/dashboard/"):
        page.goto(path)
        canvas = page.locator("canvas").first
        expect(canvas).to_be_visible()
        page.wait_for_function("c => window.Chart && Chart.getChart(c) !== undefined", arg=canvas.element_handle())
        assert canvas.bounding_box()["height"] > 100, path

    # Inline edit on the transactions page: the row becomes a form, Save brings it back changed.
    page.goto("/transactions/")
    first = page.locator("tr[data-txn-row]").first
    first.get_by_role("button", name=re.compile(r"^Edit ")).click()
    form = page.get_by_role("form", name="Edit transaction")
    expect(form).to_be_visible()
    form.get_by_label("Merchant").fill("Corner bakery under policy")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    expect(page.locator("tr[data-txn-row]", has_text="Corner bakery under policy")).to_be_visible()
    # A new row's form goes away with Cancel (no inline handler any more).
    page.get_by_role("button", name="Add transaction").click()
    new_form = page.locator("#txn-new")
    expect(new_form).to_be_visible()
    new_form.get_by_role("button", name="Cancel").click()
    expect(new_form).to_have_count(0)
    assert not watch.problems(page)


def test_the_phone_menu_opens_under_the_policy(mobile_page: Page, demo_household):  # noqa: F811
    page = mobile_page
    watch = Watch()
    watch.attach(page)
    log_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    assert page.viewport_size == MOBILE
    menu = page.locator("#mobile-menu")
    expect(menu).to_be_hidden()
    page.get_by_role("navigation", name="Main").locator("summary", has_text="Menu").click()
    expect(menu.get_by_role("link", name="Transactions")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert not watch.problems(page)


def test_the_admin_keeps_to_the_policy(page: Page, staff_user, owner):
    watch = Watch()
    watch.attach(page)
    page.goto("/admin/login/")
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    paths = ["/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{owner.pk}/change/", "/staff/jobs/"]
    problems = {path: found for path in paths if (found := visit(page, watch, path))}
    assert not problems, problems
