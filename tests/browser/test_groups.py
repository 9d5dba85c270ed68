"""Shared expenses in a real chromium: add an expense split by shares (the inputs switch without a reload and
the hint updates live), check the balances, record the suggested payment, and everyone is settled up.

Screenshots land in artifacts/screenshots/groups-*.png for a human to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from groups import selectors, services
from tests.browser.helpers import PASSWORD, assert_no_horizontal_overflow, log_in, shot

pytestmark = pytest.mark.browser


def flat_share():
    olivia = UserFactory(email="olivia@example.com", display_name="Olivia", password=PASSWORD)
    oscar = UserFactory(email="oscar@example.com", display_name="Oscar", password=PASSWORD)
    group = services.group_create(user=olivia, name="Flat share", currency="EUR")
    invite = services.invite_create(group=group, inviter=olivia, email=oscar.email)
    services.invite_accept(invite=invite, user=oscar)
    return group, olivia, oscar


def test_add_an_expense_split_by_shares_and_settle_up(page: Page):
    group, olivia, oscar = flat_share()
    log_in(page, olivia.email, PASSWORD)
    page.goto(f"/groups/{group.pk}/")
    page.get_by_role("link", name="Add an expense").click()

    page.get_by_label("Description").fill("Weekend cabin")
    page.get_by_label("Amount", exact=True).fill("90.00")
    # Only the equal split's checkboxes show until another mode is chosen.
    expect(page.get_by_label("Oscar's shares")).to_be_hidden()
    page.get_by_label("Shares", exact=True).check()
    expect(page.get_by_label("Oscar's shares")).to_be_visible()
    expect(page.get_by_label("Oscar shares")).to_be_hidden()
    page.get_by_label("Olivia's shares").fill("1")
    page.get_by_label("Oscar's shares").fill("2")
    hint = page.locator("[data-split-hint]")
    expect(hint).to_have_text("3 shares in all: Olivia EUR 30.00, Oscar EUR 60.00")
    # Percentages: the hint says what is missing, in the page, without a reload.
    page.get_by_label("Percentages").check()
    page.get_by_label("Olivia's percentage").fill("50")
    page.get_by_label("Oscar's percentage").fill("45")
    expect(hint).to_have_text("Percentages add up to 95% (need 100%)")
    page.get_by_label("Shares", exact=True).check()
    expect(hint).to_contain_text("3 shares in all")
    shot(page, "groups-expense-form")
    page.get_by_role("button", name="Add expense").click()

    expect(page.get_by_text("“Weekend cabin” added (EUR 90.00).")).to_be_visible()
    balances = page.get_by_role("list", name="Balances")
    expect(balances.locator(f"[data-balance='{olivia.pk}']")).to_contain_text("is owed EUR 60.00")
    expect(balances.locator(f"[data-balance='{oscar.pk}']")).to_contain_text("owes EUR 60.00")
    expect(page.locator("[data-transfer]")).to_contain_text("Oscar pays Olivia EUR 60.00")
    shot(page, "groups-detail")

    page.get_by_role("button", name=re.compile(r"^Record this payment")).click()
    expect(page.get_by_text("Recorded: Oscar paid Olivia EUR 60.00.")).to_be_visible()
    expect(page.locator("[data-all-settled]")).to_have_text("Everyone is settled up.")
    expect(balances.get_by_text("settled up")).to_have_count(2)
    assert set(selectors.group_balances(group=group).values()) == {0}
    shot(page, "groups-settled")

    page.goto(f"/groups/{group.pk}/dashboard/")
    expect(page.locator("#group-members-chart")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('group-members-chart'))")
    shot(page, "groups-dashboard")


def test_group_pages_fit_a_phone(mobile_page: Page):
    group, olivia, oscar = flat_share()
    services.expense_create(group=group, user=olivia, description="Groceries for the whole flat", amount="43.70",
                            on=olivia.financial_profile.local_today(), payers=[services.Part(olivia.pk)],
                            shares=[services.Part(olivia.pk), services.Part(oscar.pk)])
    log_in(mobile_page, olivia.email, PASSWORD)
    for path, name in (("/groups/", "groups-list-mobile"), (f"/groups/{group.pk}/", "groups-detail-mobile"),
                       (f"/groups/{group.pk}/expenses/new/", "groups-expense-form-mobile"),
                       (f"/groups/{group.pk}/dashboard/", "groups-dashboard-mobile")):
        mobile_page.goto(path)
        assert_no_horizontal_overflow(mobile_page)
        shot(mobile_page, name)
    mobile_page.goto(f"/groups/{group.pk}/expenses/new/")
    mobile_page.get_by_label("Exact amounts").check()
    mobile_page.get_by_label("Amount", exact=True).fill("10")
    mobile_page.get_by_label("Olivia's part").fill("6.60")
    expect(mobile_page.locator("[data-split-hint]")).to_have_text("Left to assign: EUR 3.40")
    assert_no_horizontal_overflow(mobile_page)


def test_someone_elses_invitation_and_expenses_they_may_not_change(mobile_page: Page):
    group, olivia, oscar = flat_share()
    services.expense_create(group=group, user=olivia, description="Olivia's plumber", amount="80.00",
                            on=olivia.financial_profile.local_today(), payers=[services.Part(olivia.pk)],
                            shares=[services.Part(olivia.pk), services.Part(oscar.pk)])
    invite = services.invite_create(group=group, inviter=olivia, email="jane@example.com")

    log_in(mobile_page, oscar.email, PASSWORD)  # a member who neither added nor paid it
    mobile_page.goto(f"/groups/{group.pk}/")
    plumber = mobile_page.locator("[data-expense]", has_text="Olivia's plumber")
    expect(plumber).to_be_visible()
    expect(plumber.get_by_role("link", name=re.compile("^(Edit|Delete)"))).to_have_count(0)

    mobile_page.context.clear_cookies()
    UserFactory(email="mallory@example.com", display_name="Mallory", password=PASSWORD)
    log_in(mobile_page, "mallory@example.com", PASSWORD)  # holds Jane's link
    mobile_page.goto(f"/groups/invites/{invite.token}/")
    expect(mobile_page.get_by_role("heading", name="This invitation is for someone else")).to_be_visible()
    expect(mobile_page.locator("[data-invite-refused]")).to_contain_text("This invitation was sent to j***@example.com")
    expect(mobile_page.get_by_role("button", name="Accept")).to_have_count(0)
    assert_no_horizontal_overflow(mobile_page)
    shot(mobile_page, "groups-invite-for-someone-else-mobile")
