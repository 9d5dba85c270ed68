"""The rules pages as a person uses them: list and order, create with a live preview, edit, pause, apply to
existing, delete; the "always file it like this" offer after a correction; and never anyone else's rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from transactions import rules
from transactions.models import Rule, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client_owner(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def groceries():
    return category("food_drink.groceries")


def rule_for(user, name="Supermarkets", value="rewe", **data) -> Rule:
    return rules.rule_create(user=user, data={"name": name, "match_value": value,
                                              "set_category": category("food_drink.groceries"), **data})


def form_data(**overrides) -> dict:
    data = {"name": "Supermarkets", "match_field": "either", "match_operator": "contains", "match_value": "rewe",
            "amount_min": "", "amount_max": "", "sign": "any", "account": "",
            "set_category": str(category("food_drink.groceries").pk), "add_tags": "food, weekly", "set_merchant": "",
            "is_active": "on"}
    return data | overrides


def test_the_list_shows_rules_in_order_with_what_they_do(client_owner, owner):
    rule_for(owner, "First", "rewe", sign="out")
    rule_for(owner, "Second", "aldi")
    response = client_owner.get("/rules/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("First") < html.index("Second")
    assert "Description or merchant contains ‘rewe’" in html and "Money out" in html
    assert "File under Food &amp; Drink &gt; Groceries" in html
    assert 'href="/rules/"' in html  # the nav link


def test_an_empty_list_invites_a_first_rule(client_owner):
    assert "Create your first rule" in client_owner.get("/rules/").content.decode()


def test_create_a_rule(client_owner, owner, groceries):
    response = client_owner.post("/rules/new/", form_data())
    assert response.status_code == 302
    rule = Rule.objects.get(owner=owner)
    assert (rule.name, rule.match_value, rule.set_category, rule.add_tags) == ("Supermarkets", "rewe", groceries,
                                                                              ["food", "weekly"])


def test_a_bad_regular_expression_is_shown_on_the_form(client_owner, owner):
    response = client_owner.post("/rules/new/", form_data(match_operator="regex", match_value="rewe (markt"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "not a valid regular expression: missing ) at position 11" in html
    assert not Rule.objects.exists()


def test_a_rule_without_a_condition_or_action_is_refused_on_the_form(client_owner):
    response = client_owner.post("/rules/new/", form_data(match_value="", set_category="", add_tags=""))
    html = response.content.decode()
    assert "Add at least one condition" in html and "Add at least one action" in html


def test_the_htmx_preview_lists_the_transactions_that_would_change(client_owner, owner, account):
    TransactionFactory(account=account, description="REWE MARKT 12", amount=Decimal("-23.40"))
    TransactionFactory(account=account, description="ALDI SUED")
    response = client_owner.post("/rules/preview/", form_data(name=""), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-preview-count="1"' in html
    assert "REWE MARKT 12" in html and "ALDI" not in html
    assert "Groceries" in html and "+#food" in html
    assert Transaction.objects.filter(category__isnull=False).count() == 0


def test_the_preview_explains_what_is_missing(client_owner):
    html = client_owner.post("/rules/preview/", form_data(match_operator="regex", match_value="(a+)+"),
                             **HX).content.decode()
    assert "Nothing to preview yet" in html and "repeats a group that itself repeats" in html


def test_the_form_page_has_the_live_preview(client_owner):
    html = client_owner.get("/rules/new/").content.decode()
    assert 'hx-post="/rules/preview/"' in html and 'id="rule-preview"' in html


def test_edit_a_rule(client_owner, owner):
    rule = rule_for(owner)
    assert client_owner.get(f"/rules/{rule.pk}/edit/").status_code == 200
    response = client_owner.post(f"/rules/{rule.pk}/edit/", form_data(name="Rewe only", match_value="rewe markt"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.match_value) == ("Rewe only", "rewe markt")


def test_move_pause_apply_and_delete(client_owner, owner, account, groceries):
    first, second = rule_for(owner, "First", "a"), rule_for(owner, "Second", "rewe")
    client_owner.post(f"/rules/{second.pk}/move/", {"direction": "up"})
    assert list(Rule.objects.values_list("name", flat=True)) == ["Second", "First"]

    client_owner.post(f"/rules/{first.pk}/toggle/", {"active": "no"})
    first.refresh_from_db()
    assert first.is_active is False

    TransactionFactory(account=account, description="REWE 1")
    TransactionFactory(account=account, description="REWE 2")
    confirm = client_owner.get(f"/rules/{second.pk}/apply/").content.decode()
    assert "Change 2 transactions" in confirm
    response = client_owner.post(f"/rules/{second.pk}/apply/", follow=True)
    assert "2 transactions changed" in response.content.decode()
    assert Transaction.objects.filter(category=groceries).count() == 2

    assert "Delete the rule “First”?" in client_owner.get(f"/rules/{first.pk}/delete/").content.decode()
    client_owner.post(f"/rules/{first.pk}/delete/")
    assert not Rule.objects.filter(pk=first.pk).exists()


def test_another_users_rules_are_404_on_every_page(client_owner, other_user):
    theirs = rule_for(other_user, "Theirs")
    for url in (f"/rules/{theirs.pk}/edit/", f"/rules/{theirs.pk}/delete/", f"/rules/{theirs.pk}/apply/"):
        assert client_owner.get(url).status_code == 404, url
    for url in (f"/rules/{theirs.pk}/edit/", f"/rules/{theirs.pk}/delete/", f"/rules/{theirs.pk}/apply/",
                f"/rules/{theirs.pk}/toggle/", f"/rules/{theirs.pk}/move/"):
        assert client_owner.post(url, form_data()).status_code == 404, url
    assert "Theirs" not in client_owner.get("/rules/").content.decode()
    assert Rule.objects.get(pk=theirs.pk).is_active


def test_previews_and_apply_never_touch_another_users_transactions(client_owner, owner, other_account):
    theirs = TransactionFactory(account=other_account, description="REWE")
    html = client_owner.post("/rules/preview/", form_data(), **HX).content.decode()
    assert 'data-preview-count="0"' in html
    rule = rule_for(owner)
    client_owner.post(f"/rules/{rule.pk}/apply/")
    theirs.refresh_from_db()
    assert theirs.category is None


def test_pages_need_a_login(client):
    assert client.get("/rules/").status_code == 302


# --- "always do this" after a correction ----------------------------------------------------------

def edit_row(client, txn, category_pk) -> str:
    data = {"date": txn.date.isoformat(), "account": txn.account_id, "merchant": txn.merchant,
            "description": txn.description, "amount": str(txn.amount), "category": str(category_pk),
            "tags": "", "notes": ""}
    return client.post(f"/transactions/{txn.pk}/edit/", data, **HX).content.decode()


def test_correcting_a_category_offers_a_rule_that_files_the_others(client_owner, owner, account, groceries):
    txn = TransactionFactory(account=account, description="REWE SAGT DANKE 1234", merchant="Rewe")
    others = [TransactionFactory(account=account, description="REWE 99", merchant="Rewe") for _ in range(2)]
    html = edit_row(client_owner, txn, groceries.pk)
    assert "Always file ‘Rewe’ under Groceries?" in html
    assert f'hx-post="/transactions/{txn.pk}/always/"' in html

    done = client_owner.post(f"/transactions/{txn.pk}/always/", **HX).content.decode()
    assert "2 other transactions changed" in done
    assert all(f'<tr id="txn-{t.pk}" hx-swap-oob="true"' in done for t in others)  # shown filed at once
    assert all(Transaction.objects.get(pk=t.pk).category == groceries for t in others)
    assert Rule.objects.get(owner=owner).match_value == "Rewe"

    # With the rule in place, the next correction to the same category does not offer it again.
    assert "Always file" not in edit_row(client_owner, others[0], groceries.pk)


def test_no_offer_when_the_category_did_not_change(client_owner, account, groceries):
    txn = TransactionFactory(account=account, description="REWE", merchant="Rewe", category=groceries,
                             category_source="user", needs_review=False)
    assert "Always file" not in edit_row(client_owner, txn, groceries.pk)


def test_the_offer_for_another_users_transaction_is_404(client_owner, other_account):
    theirs = TransactionFactory(account=other_account, description="REWE", category=category("food_drink.groceries"))
    assert client_owner.post(f"/transactions/{theirs.pk}/always/", **HX).status_code == 404
    assert not Rule.objects.exists()
