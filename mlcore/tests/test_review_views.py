"""The review page: highest impact first, one-click accept, type-ahead correct, bulk accept, only your own rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from mlcore.models import FeedbackEvent
from mlcore.selectors import review_queue
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client_owner(client, owner):
    client.force_login(owner)
    return client


def waiting(account, **fields) -> Transaction:
    fields.setdefault("suggested_category", category("food_drink.coffee_shops"))
    fields.setdefault("category_confidence", Decimal("0.42"))
    fields.setdefault("category_explanation", "Word 'cafe' suggests Coffee shops")
    fields.setdefault("needs_review", True)
    return TransactionFactory(account=account, **fields)


def test_queue_is_ordered_by_amount_in_the_preferred_currency_then_newest(owner, account):
    small = waiting(account, amount=Decimal("-5.00"), amount_converted=Decimal("-5.00"))
    # 100 USD recorded, but only 20 in the user's currency: the converted amount decides.
    foreign = waiting(account, amount=Decimal("-100.00"), currency="USD", amount_converted=Decimal("-20.00"))
    refund = waiting(account, amount=Decimal("60.00"), amount_converted=None)  # no conversion: its own amount
    older = waiting(account, amount=Decimal("-40.00"), amount_converted=Decimal("-40.00"), date=date(2026, 9, 1))
    newer = waiting(account, amount=Decimal("-40.00"), amount_converted=Decimal("-40.00"), date=date(2026, 10, 5))
    waiting(account, amount=Decimal("-999.00"), needs_review=False)
    assert list(review_queue(user=owner)) == [refund, newer, older, foreign, small]


def test_page_lists_the_suggestion_confidence_and_explanation(client_owner, account, other_account):
    waiting(account, merchant="Blue Bottle", amount=Decimal("-4.50"))
    waiting(other_account, merchant="Oscar's secret cafe")
    response = client_owner.get(reverse("mlcore:review"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Blue Bottle" in html and "Coffee shops" in html and "42%" in html
    assert "Word &#x27;cafe&#x27; suggests Coffee shops" in html
    assert "Oscar&#x27;s secret cafe" not in html
    assert 'id="review-remaining" class="font-semibold text-slate-900 tabular-nums">1<' in html
    assert f'<option value="{escape(category("food_drink.groceries"))}">' in html  # offered by the type-ahead


def test_empty_state(client_owner, account, other_account):
    waiting(other_account)
    waiting(account, needs_review=False)
    html = client_owner.get(reverse("mlcore:review")).content.decode()
    assert "Nothing to review" in html


def test_pages_of_fifty(client_owner, account):
    for n in range(51):
        waiting(account, amount=Decimal(-(n + 1)))
    first = client_owner.get(reverse("mlcore:review")).content.decode()
    assert first.count("data-review-row") == 50
    second = client_owner.get(reverse("mlcore:review"), {"page": 2}).content.decode()
    assert second.count("data-review-row") == 1


def test_page_runs_a_constant_number_of_queries(client_owner, account, django_assert_max_num_queries):
    for _ in range(5):
        waiting(account, category=category("food_drink.restaurants"), category_source="model",
                suggested_category=None)
    with CaptureQueriesContext(connection) as five:
        assert client_owner.get(reverse("mlcore:review")).status_code == 200
    for _ in range(45):
        waiting(account)
    with django_assert_max_num_queries(len(five)):
        assert client_owner.get(reverse("mlcore:review")).content.decode().count("data-review-row") == 50


def test_accept_locks_the_category_records_feedback_and_updates_the_counts(client_owner, owner, account):
    txn = waiting(account)
    waiting(account)
    response = client_owner.post(reverse("mlcore:review_accept", args=[txn.pk]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-review-row" not in html  # the row goes away
    assert 'id="review-remaining" hx-swap-oob="true" class="font-semibold text-slate-900 tabular-nums">1</span>' in html
    assert 'id="nav-review-badge" hx-swap-oob="true"' in html
    txn.refresh_from_db()
    assert (txn.category, txn.category_source, txn.needs_review) == (category("food_drink.coffee_shops"), "user",
                                                                      False)
    event = FeedbackEvent.objects.get()
    assert (event.user, event.kind, event.transaction) == (owner, "accept", txn)


def test_accept_without_htmx_redirects_back(client_owner, account):
    txn = waiting(account)
    response = client_owner.post(reverse("mlcore:review_accept", args=[txn.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mlcore:review")


def test_accept_without_a_suggestion_says_so(client_owner, account):
    txn = waiting(account, suggested_category=None)
    response = client_owner.post(reverse("mlcore:review_accept", args=[txn.pk]), **HTMX)
    assert response.status_code == 200
    assert "There is no suggestion to accept" in response.content.decode()
    assert not FeedbackEvent.objects.exists()


def test_correct_by_full_name_or_unique_name(client_owner, account):
    first, second = waiting(account), waiting(account)
    groceries = category("food_drink.groceries")
    response = client_owner.post(reverse("mlcore:review_correct", args=[first.pk]), {"category": str(groceries)},
                                 **HTMX)
    assert response.status_code == 200 and "data-review-row" not in response.content.decode()
    client_owner.post(reverse("mlcore:review_correct", args=[second.pk]), {"category": "  groceries "}, **HTMX)
    for txn in (first, second):
        txn.refresh_from_db()
        assert (txn.category, txn.category_source, txn.needs_review) == (groceries, "user", False)
    assert list(FeedbackEvent.objects.values_list("kind", flat=True)) == ["correct", "correct"]


@pytest.mark.parametrize("typed", ["", "   ", "No such category", "x" * 5000])
def test_correct_with_an_unknown_name_keeps_the_row_with_an_error(client_owner, account, typed):
    txn = waiting(account)
    response = client_owner.post(reverse("mlcore:review_correct", args=[txn.pk]), {"category": typed}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-review-row" in html and 'role="alert"' in html
    txn.refresh_from_db()
    assert txn.needs_review and not FeedbackEvent.objects.exists()


def test_correct_cannot_use_another_users_category(client_owner, account, other_user):
    theirs = Category.objects.create(owner=other_user, name="Oscar's hobby")
    txn = waiting(account)
    response = client_owner.post(reverse("mlcore:review_correct", args=[txn.pk]), {"category": "Oscar's hobby"},
                                 **HTMX)
    assert "No category called" in response.content.decode()
    txn.refresh_from_db()
    assert txn.category != theirs and txn.needs_review


def test_bulk_accept_selected_and_whole_page(client_owner, owner, account, other_account):
    a, b, c = waiting(account), waiting(account), waiting(account)
    bare = waiting(account, suggested_category=None)
    theirs = waiting(other_account)
    response = client_owner.post(reverse("mlcore:review_bulk_accept"),
                                 {"scope": "selected", "ids": [a.pk, bare.pk, theirs.pk, "junk", "²", "-3", "9" * 30]})
    assert response.status_code == 302
    assert Transaction.objects.filter(needs_review=False).count() == 1
    response = client_owner.post(reverse("mlcore:review_bulk_accept"),
                                 {"scope": "page", "page_ids": [b.pk, c.pk], "ids": []}, follow=True)
    assert "Accepted 2 suggestions." in response.content.decode()
    assert set(Transaction.objects.filter(needs_review=False).values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert FeedbackEvent.objects.filter(user=owner, kind="accept").count() == 3
    theirs.refresh_from_db()
    assert theirs.needs_review and theirs.category is None


def test_bulk_accept_with_nothing_selected(client_owner, account):
    response = client_owner.post(reverse("mlcore:review_bulk_accept"), {"scope": "selected"}, follow=True)
    assert "Select at least one transaction first." in response.content.decode()


def test_other_users_transactions_are_404_everywhere(client_owner, account, other_account):
    theirs = waiting(other_account)
    for name, data in (("mlcore:review_accept", {}), ("mlcore:review_correct", {"category": "Groceries"})):
        assert client_owner.post(reverse(name, args=[theirs.pk]), data, **HTMX).status_code == 404
    theirs.refresh_from_db()
    assert theirs.needs_review and not FeedbackEvent.objects.exists()


def test_reviewed_unknown_and_huge_ids_are_404(client_owner, account):
    done = waiting(account, needs_review=False)
    assert client_owner.post(reverse("mlcore:review_accept", args=[done.pk])).status_code == 404
    assert client_owner.post(reverse("mlcore:review_accept", args=[999_999])).status_code == 404
    assert client_owner.post(f"/review/{'9' * 18}/accept/").status_code == 404
    assert client_owner.post(f"/review/{'9' * 40}/correct/").status_code == 404


def test_nav_badge_counts_only_your_own(client_owner, account, other_account):
    waiting(account)
    waiting(account)
    waiting(other_account)
    html = client_owner.get(reverse("mlcore:review_count")).content.decode()
    assert ">2</span>" in html and 'id="nav-review-badge"' in html
    nav = client_owner.get(reverse("transactions:list")).content.decode()
    assert 'hx-get="/review/count/"' in nav


def test_pages_need_a_login(client):
    assert client.get(reverse("mlcore:review")).status_code == 302
    assert client.get(reverse("mlcore:review_count")).status_code == 302
