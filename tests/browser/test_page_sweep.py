"""Every page a signed-in user can reach, on a phone (390 px) and a desktop (1440 px), for two households: the
demo's (data everywhere) and one whose amounts run to eight figures.

The pages are found the way a user finds them: the links of the home page, then the links of each page reached,
same origin, GET only; one page per URL shape (one transaction, one group, one bill...). On each page the document
must not be wider than the window, no table wider than its container, nothing scrolling sideways unless it says
so, no amount clipped, no text out of its card and no text squeezed to a word a line (layout_problems.js).

Screenshots land in artifacts/screenshots/sweep/<household>-<width>-<page>.png for a human to look at.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from playwright.sync_api import Page

from accounts.tests.factories import UserFactory
from advisor.services import question_ask
from budgets import services as budgets
from goals import refresh as goals_refresh
from goals import services as goals
from goals.services import GoalFields
from groups import services as groups
from imports import services as imports
from notifications.models import NotificationKind
from notifications.services import notification_create
from payments import services as bills
from tests.browser.helpers import PASSWORD, SCREENSHOTS, WINDOWS, log_in
from transactions import rules
from transactions import services as ledger
from transactions.management.commands.seed_demo import DEMO_EMAIL, DEMO_PASSWORD
from transactions.models import Account, Transaction
from transactions.tests.factories import category

pytestmark = pytest.mark.browser

SWEEP = SCREENSHOTS / "sweep"
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_problems.js").read_text()
# Not pages (or not this user's): sign-out, the admin, the API and its docs, files, the staff's job list.
NOT_PAGES = re.compile(r"^/(accounts/logout|admin|api|docs|static|media|healthz|staff)(/|$)")
LIMIT = 80

def shape(path: str) -> str:
    """The URL with its ids and dates as placeholders: one page per shape is visited."""
    path = re.sub(r"/\d{4}-\d{2}-\d{2}(?=/)", "/<date>", path)
    return re.sub(r"/\d+(?=/)", "/<id>", path)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # An anchor that posts through htmx is an action, not a page.
        if tag == "a" and attrs.get("href") and not any(k in attrs for k in ("hx-post", "hx-delete", "download")):
            self.hrefs.append(attrs["href"])


def reachable_pages(page: Page, start: str = "/", also: tuple[str, ...] = ()) -> list[str]:
    """Paths of the HTML pages reachable by GET from ``start``, one per shape, in the order a reader meets them."""
    origin = urlsplit(page.url).netloc
    queue, seen, pages = [start, *also], set(), []
    while queue and len(pages) < LIMIT:
        path = queue.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = page.request.get(path)
        final = urlsplit(response.url).path
        if not response.ok or "text/html" not in response.headers.get("content-type", ""):
            continue
        if final != path:  # a redirect (the sign-in page, a notification's "open") lands on a page of its own
            if shape(final) in seen:
                continue
            seen.add(shape(final))
        pages.append(final)
        links = _Links()
        links.feed(response.text())
        for href in links.hrefs:
            url = urlsplit(urljoin(response.url, href))
            if url.scheme in ("http", "https") and url.netloc == origin and not NOT_PAGES.match(url.path):
                if shape(url.path) not in seen:
                    queue.append(url.path)
    return pages


@dataclass
class Sweep:
    household: str
    problems: dict[str, list[str]] = field(default_factory=dict)

    def report(self) -> str:
        return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in self.problems.items())


def sweep(page: Page, household: str, also: tuple[str, ...] = ()) -> Sweep:
    SWEEP.mkdir(parents=True, exist_ok=True)
    result = Sweep(household)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    pages = reachable_pages(page, also=also)
    assert len(pages) >= 20, f"only {len(pages)} pages found from the home page: {pages}"
    for width, window in WINDOWS.items():
        page.set_viewport_size(window)
        for path in pages:
            errors.clear()
            response = page.goto(path)
            page.wait_for_load_state("networkidle")
            # Figures folded away under "Show the figures as a table" are part of the page too (menus are not).
            page.evaluate("document.querySelectorAll('main details:not([data-menu])').forEach(d => d.open = true)")
            found = [] if response.ok else [f"answered {response.status}"]
            found += page.evaluate(LAYOUT_PROBLEMS)
            found += [f"script error: {error}" for error in errors]
            slug = shape(path).strip("/").replace("/", "-").replace("<", "").replace(">", "") or "home"
            page.screenshot(path=str(SWEEP / f"{household}-{width}-{slug}.png"), full_page=True)
            if found:
                result.problems[f"{width} px {path}"] = found
    return result


def outcome(result: Sweep) -> None:
    assert not result.problems, f"{result.household}: layout problems on {len(result.problems)} page(s):\n" \
                                f"{result.report()}"


def flat_share(owner, *, amount: Decimal, description: str):
    """A group of the owner and a flatmate with one expense each way."""
    flatmate = UserFactory(email=f"flatmate-{owner.pk}@example.com", display_name="Flatmate", password=PASSWORD)
    group = groups.group_create(user=owner, name="Flat share", currency="EUR")
    groups.invite_accept(invite=groups.invite_create(group=group, inviter=owner, email=flatmate.email), user=flatmate)
    today = owner.financial_profile.local_today()
    both = [groups.Part(owner.pk), groups.Part(flatmate.pk)]
    groups.expense_create(group=group, user=owner, description=description, amount=amount, on=today,
                          payers=[groups.Part(owner.pk)], shares=both)
    groups.expense_create(group=group, user=flatmate, description="Cleaning supplies and a new kettle",
                          amount=Decimal("23.80"), on=today - dt.timedelta(days=3),
                          payers=[groups.Part(flatmate.pk)], shares=both)
    return group


def saving_goals(user, *, amount: Decimal) -> None:
    """An emergency fund counting a savings account, a dated goal and an undated one, and the stored plan."""
    today = user.financial_profile.local_today()
    savings = Account.objects.filter(owner=user, kind="savings", currency=user.financial_profile.preferred_currency)
    linked = ((savings.first().pk, 50),) if savings.exists() else ()
    goals.goal_create(user=user, fields=GoalFields(name="Emergency fund", kind="emergency", emergency_months=4,
                                                   accounts=linked))
    goals.goal_create(user=user, fields=GoalFields(
        name="New kitchen with an island, a wine fridge and a proper extractor hood", kind="short_term",
        target_amount=amount, target_date=today.replace(day=1) + dt.timedelta(days=400), priority=1))
    goals.goal_create(user=user, fields=GoalFields(name="Sabbatical", kind="long_term", target_amount=amount * 3))
    goals_refresh.goals_refresh(user=user, reason="goal added")


def advisor_conversation(user) -> None:
    """Two questions to the advisor, answered from the household's own figures and kept as a conversation."""
    asked = question_ask(user=user, question="Where did my money go last month?")
    question_ask(user=user, question="Am I ready to invest?", conversation_id=asked.conversation.pk)


def review_suggestions(user, category_key: str, explanation: str) -> None:
    """Two of the rows waiting for review get a suggestion, with its confidence and the reason for it."""
    waiting = Transaction.objects.filter(owner=user, needs_review=True).order_by("-date")[:2]
    Transaction.objects.filter(pk__in=[t.pk for t in waiting]).update(
        suggested_category=category(category_key), category_confidence=0.62, category_explanation=explanation)


def bank_export(account: Account, user, rows: list[tuple[dt.date, str, str]]) -> None:
    lines = ["Date;Text;Amount"] + [f"{day:%d.%m.%Y};{text};{amount}" for day, text, amount in rows]
    upload = SimpleUploadedFile("kontoauszug-2026.csv", "\n".join(lines).encode())
    imports.import_start(user=user, account=account, upload=upload, run_async=False)


@pytest.fixture
def demo_household():
    call_command("seed_demo", months=14, stdout=io.StringIO())
    call_command("seed_demo_bills", stdout=io.StringIO())
    call_command("seed_demo_insights", stdout=io.StringIO())
    from accounts.models import User

    user = User.objects.get(email=DEMO_EMAIL)
    flat_share(user, amount=Decimal("86.40"), description="Groceries for the flat")
    rules.rule_create(user=user, data={"name": "Rent is housing", "match_value": "MIETE",
                                       "set_category": category("housing.rent")})
    checking = Account.objects.filter(owner=user).order_by("pk").first()
    today = user.financial_profile.local_today()
    bank_export(checking, user, [(today, "CARD PAYMENT BAKERY ZEIT FUER BROT BERLIN", "-6,40")])
    saving_goals(user, amount=Decimal("6500.00"))
    advisor_conversation(user)
    review_suggestions(user, "shopping.online_shopping",
                       "You filed 14 earlier payments to PayPal Europe under Online Shopping")
    return user


@pytest.fixture
def large_household():
    """Eight-figure amounts everywhere a figure shows: balances, transactions, budgets, bills, a group, a notice."""
    user = UserFactory(email="magnate@example.com", display_name="Magnus Olderhaus-Vandersteen", password=PASSWORD)
    today = user.financial_profile.local_today()
    big = Decimal("12345678.90")
    accounts = [ledger.account_create(user=user, name=name, kind=kind, currency="EUR", opening_balance=opening,
                                      opening_date=today - dt.timedelta(days=200))
                for name, kind, opening in (("Private banking current account", "checking", big),
                                            ("Long-term savings and investments", "savings", big * 4),
                                            ("Platinum corporate credit card", "credit_card", -big / 10))]
    checking = accounts[0]
    for months in range(6):
        day = today - dt.timedelta(days=30 * months + 1)
        ledger.transaction_create(user=user, account=checking, on=day, amount=big,
                                  description="DIVIDEND PAYMENT OLDERHAUS HOLDING INTERNATIONAL GMBH AND CO KG",
                                  merchant="Olderhaus Holding International", category=category("income.salary"))
        ledger.transaction_create(user=user, account=checking, on=day, amount=-Decimal("9876543.21"),
                                  description="TRANSFER PROPERTY PURCHASE NOTARIAT DR SCHMIDT-WEISSENFELS",
                                  merchant="Notariat Dr. Schmidt-Weißenfels", category=category("housing.rent"))
        ledger.transaction_create(user=user, account=accounts[2], on=day - dt.timedelta(days=2),
                                  amount=-Decimal("1234567.89"), description="YACHT CHARTER MEDITERRANEAN",
                                  merchant="Mediterranean Yacht Charter", category=category("travel.vacation"))
    unsure = ledger.transaction_create(user=user, account=checking, on=today, amount=-Decimal("7654321.00"),
                                       description="SEPA UEBERWEISUNG KUNSTHANDEL GALERIE AM SEE 2026-0042")
    Transaction.objects.filter(pk=unsure.pk).update(needs_review=True)
    month = today.replace(day=1)
    budgets.budget_set(user=user, category=None, month=month, amount=big * 2)
    budgets.budget_set(user=user, category=category("housing"), month=month, amount=big)
    due = today + dt.timedelta(days=2)
    bills.recurring_payment_create(user=user, name="Estate management fee", payee="Vandersteen Estates",
                                   amount=Decimal("1234567.89"), amount_max=big, currency="EUR", day_of_month=due.day,
                                   start_date=due, account=checking, today=today)
    notification_create(user=user, kind=NotificationKind.BILL_DUE,
                        title="Estate management fee: EUR 1,234,567.89 to EUR 12,345,678.90 due in 2 days",
                        body="Estate management fee to Vandersteen Estates is due soon.", link="/bills/upcoming/")
    flat_share(user, amount=big, description="Penthouse renovation")
    bank_export(checking, user, [(today, "WIRE TRANSFER ART AUCTION LOT 17", "-12345678,90")])
    saving_goals(user, amount=big)
    advisor_conversation(user)
    review_suggestions(user, "shopping.home_goods", "Like 3 earlier transfers to galleries you filed under Home Goods")
    return user


def test_every_page_of_the_demo_household_fits_a_phone_and_a_desktop(page: Page, demo_household):
    log_in(page, DEMO_EMAIL, DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    txn = Transaction.objects.filter(owner=demo_household).latest("date", "pk")
    # The inline edit form also has a page of its own (htmx swaps it into the list; no link points at it).
    result = sweep(page, "demo", also=(f"/transactions/{txn.pk}/edit/",))
    outcome(result)


def test_eight_figure_amounts_stay_inside_their_cards(page: Page, large_household):
    log_in(page, large_household.email, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    result = sweep(page, "large")
    outcome(result)
