"""The main navigation on real pages: who sees which entries, which one is current, in the bar and the menu."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CURRENT = re.compile(r'<a href="([^"]+)"[^>]*aria-current="page"[^>]*>([^<]+)<')


def current_entries(html: str) -> list[tuple[str, str]]:
    """(link, label) of every entry marked current, in the bar and then the menu."""
    return CURRENT.findall(html)


@pytest.mark.parametrize(("page", "entry"), [
    ("/", ("/", "Home")),
    ("/transactions/", ("/transactions/", "Transactions")),
    ("/rules/", ("/rules/", "Rules")),
    ("/insights/savings/", ("/insights/spending/", "Insights")),
    ("/patterns/", ("/insights/spending/", "Insights")),
    ("/goals/", ("/goals/", "Goals")),
])
def test_the_page_shown_is_the_current_entry_in_the_bar_and_the_menu(client, page, entry):
    client.force_login(UserFactory())
    html = client.get(page).content.decode()
    assert [found for found in current_entries(html) if found[1] in {"Home", "Transactions", "Rules", "Insights",
                                                                         "Goals"}] == [entry, entry]


def test_someone_signed_in_sees_every_entry_and_the_review_count_is_fetched_later(client):
    client.force_login(UserFactory())
    html = client.get(reverse("transactions:accounts")).content.decode()
    for label, url_name in (("Transactions", "transactions:list"), ("Import", "imports:upload"),
                            ("Bills", "payments:upcoming"), ("Ask", "advisor:coach"), ("Review", "mlcore:review")):
        assert html.count(f'<a href="{reverse(url_name)}"') >= 2, label  # the bar and the menu
    assert f'hx-get="{reverse("mlcore:review_count")}"' in html


def test_someone_signed_out_sees_home_and_sign_in_only(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert html.count(f'<a href="{reverse("home")}" class="rounded-md') == 1  # the bar's entry
    assert reverse("transactions:list") not in html and reverse("mlcore:review") not in html
    assert current_entries(html) == []
