"""Rule services: conditions, order and "stop here", the user's own category kept, regular expressions refused
clearly, previews that list exactly what changes, apply to existing, "always do this", bulk."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions import rules, services
from transactions.models import Category, Rule, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def groceries():
    return category("food_drink.groceries")


@pytest.fixture
def coffee():
    return category("food_drink.coffee_shops")


def make_rule(owner, **data) -> Rule:
    data.setdefault("name", "Test rule")
    if not any(k in data for k in ("set_category", "add_tags", "set_merchant")):
        data["set_category"] = category("food_drink.groceries")
    return rules.rule_create(user=owner, data=data)


def like(description="", merchant="", amount="-10.00", account_id=1):
    return SimpleNamespace(description=description, merchant=merchant, amount=Decimal(amount), account_id=account_id)


def unsaved(**fields) -> Rule:
    return Rule(**{"name": "r", "match_field": "either", "match_operator": "contains", "sign": "any", **fields})


# --- conditions -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("operator", "value", "text", "expected"), [
    ("contains", "rewe", "KARTENZAHLUNG REWE SAGT DANKE", True),
    ("contains", "REWE", "kartenzahlung rewe markt", True),
    ("contains", "edeka", "REWE MARKT", False),
    ("equals", "netflix.com", "NETFLIX.COM", True),
    ("equals", "netflix", "NETFLIX.COM", False),
    ("starts_with", "sq *", "SQ *BLUE BOTTLE", True),
    ("starts_with", "blue", "SQ *BLUE BOTTLE", False),
    ("regex", r"^uber\s+\*?trip", "UBER *TRIP HELP.UBER.COM", True),
    ("regex", r"^uber\s+eats", "UBER *TRIP", False),
])
def test_each_text_operator_ignores_case(operator, value, text, expected):
    rule = unsaved(match_field="description", match_operator=operator, match_value=value)
    assert rules.rule_matches(rule, like(description=text)) is expected


def test_the_text_can_be_looked_for_in_the_merchant_the_description_or_either():
    txn = like(description="CARD 1234", merchant="Rewe")
    assert not rules.rule_matches(unsaved(match_field="description", match_value="rewe"), txn)
    assert rules.rule_matches(unsaved(match_field="merchant", match_value="rewe"), txn)
    assert rules.rule_matches(unsaved(match_field="either", match_value="rewe"), txn)


def test_amount_range_is_compared_without_the_sign():
    rule = unsaved(amount_min=Decimal("10"), amount_max=Decimal("50"))
    assert rules.rule_matches(rule, like(amount="-10.00"))
    assert rules.rule_matches(rule, like(amount="50.00"))
    assert not rules.rule_matches(rule, like(amount="-9.99"))
    assert not rules.rule_matches(rule, like(amount="-50.01"))


def test_sign_and_account_conditions():
    assert rules.rule_matches(unsaved(sign="out"), like(amount="-1"))
    assert not rules.rule_matches(unsaved(sign="out"), like(amount="1"))
    assert rules.rule_matches(unsaved(sign="in"), like(amount="1"))
    assert not rules.rule_matches(unsaved(sign="in"), like(amount="-1"))
    assert rules.rule_matches(unsaved(account_id=7), like(account_id=7))
    assert not rules.rule_matches(unsaved(account_id=7), like(account_id=8))


# --- applying ---------------------------------------------------------------------------------------

def test_a_matching_rule_files_the_transaction_and_says_why(owner, account, groceries):
    txn = TransactionFactory(account=account, description="REWE 123 MUENCHEN", needs_review=True,
                             category_source="model", category_confidence=Decimal("0.4"),
                             suggested_category=category("shopping.clothing"))
    make_rule(owner, name="Supermarkets", match_value="rewe", set_category=groceries, add_tags=["food"],
              set_merchant="Rewe")
    changes = rules.rules_apply(user=owner, transactions=Transaction.objects.all())
    txn.refresh_from_db()
    assert set(changes) == {txn.pk}
    assert (txn.category, txn.category_source, txn.category_confidence) == (groceries, "rule", Decimal("1.000"))
    assert txn.category_explanation == "Your rule “Supermarkets”"
    assert txn.suggested_category is None and txn.needs_review is False
    assert txn.merchant == "Rewe"
    assert [t.name for t in txn.tags.all()] == ["food"]


def test_rules_run_in_order_a_later_category_wins_and_stop_here_ends(owner, account, groceries, coffee):
    txn = TransactionFactory(account=account, description="REWE TO GO COFFEE")
    make_rule(owner, name="Rewe", match_value="rewe", set_category=groceries)
    make_rule(owner, name="Coffee", match_value="coffee", set_category=coffee)
    rules.rules_apply(user=owner, transactions=Transaction.objects.all())
    txn.refresh_from_db()
    assert txn.category == coffee

    first = Rule.objects.get(name="Rewe")
    rules.rule_update(user=owner, rule=first, data={"stop_processing": True})
    rules.rules_apply(user=owner, transactions=Transaction.objects.all())
    txn.refresh_from_db()
    assert txn.category == groceries

    rules.rules_reorder(user=owner, ids=[Rule.objects.get(name="Coffee").pk, first.pk])
    rules.rules_apply(user=owner, transactions=Transaction.objects.all())
    txn.refresh_from_db()
    assert txn.category == groceries  # coffee first, then Rewe's category wins and stops


def test_a_later_rule_sees_the_merchant_an_earlier_rule_set(owner, account, groceries):
    txn = TransactionFactory(account=account, description="KARTENZAHLUNG 0042 XYZ")
    make_rule(owner, name="Name it", match_value="0042 xyz", set_merchant="Corner Shop")
    make_rule(owner, name="File it", match_field="merchant", match_operator="equals", match_value="corner shop",
              set_category=groceries)
    rules.rules_apply(user=owner, transactions=Transaction.objects.all())
    txn.refresh_from_db()
    assert (txn.merchant, txn.category) == ("Corner Shop", groceries)


def test_paused_rules_do_nothing(owner, account, groceries):
    txn = TransactionFactory(account=account, description="REWE")
    rule = make_rule(owner, match_value="rewe", set_category=groceries)
    rules.rule_set_active(user=owner, rule=rule, active=False)
    assert rules.rules_apply(user=owner, transactions=Transaction.objects.all()) == {}
    txn.refresh_from_db()
    assert txn.category is None


def test_a_rule_never_overwrites_the_users_own_category(owner, account, groceries, coffee):
    txn = services.transaction_create(user=owner, account=account, on=TransactionFactory.date, amount=Decimal("-3"),
                                      description="REWE COFFEE", category=coffee)
    make_rule(owner, match_value="rewe", set_category=groceries, add_tags=["food"])
    rules.rules_apply(user=owner, transactions=Transaction.objects.all())
    txn.refresh_from_db()
    assert (txn.category, txn.category_source) == (coffee, "user")
    assert [t.name for t in txn.tags.all()] == ["food"]  # tags and merchant still apply
    assert rules.rule_apply_to_existing(user=owner, rule=Rule.objects.get()) == 0


def test_rules_never_touch_another_users_transactions(owner, account, other_account, groceries):
    theirs = TransactionFactory(account=other_account, description="REWE")
    make_rule(owner, match_value="rewe", set_category=groceries)
    assert rules.rules_apply(user=owner, transactions=Transaction.objects.all()) == {}
    assert rules.rules_apply(user=owner, transactions=[theirs]) == {}
    rules.rule_apply_to_existing(user=owner, rule=Rule.objects.get())
    theirs.refresh_from_db()
    assert theirs.category is None


def test_other_users_rules_are_not_applied(owner, other_user, other_account, groceries):
    theirs = TransactionFactory(account=other_account, description="REWE")
    make_rule(owner, match_value="rewe", set_category=groceries)
    assert rules.rules_apply(user=other_user, transactions=Transaction.objects.all()) == {}
    theirs.refresh_from_db()
    assert theirs.category is None


def test_applying_a_batch_takes_the_same_number_of_queries_for_5_or_50_transactions(owner, account, groceries):
    make_rule(owner, name="A", match_value="shop", set_category=groceries, add_tags=["a", "b"])
    make_rule(owner, name="B", match_operator="regex", match_value=r"shop \d+", set_merchant="Shop")
    services.tags_resolve(user=owner, names=["a", "b"])  # creating missing tags the first time is two more queries

    def queries_for(count: int) -> int:
        Transaction.objects.all().delete()
        for _ in range(count):
            TransactionFactory(account=account)
        with CaptureQueriesContext(connection) as captured:
            changes = rules.rules_apply(user=owner, transactions=Transaction.objects.filter(owner=owner))
        assert len(changes) == count
        return len(captured)

    assert queries_for(5) == queries_for(50)
    assert Transaction.objects.filter(category=groceries, merchant="Shop").count() == 50


def test_persist_false_changes_nothing(owner, account, groceries):
    txn = TransactionFactory(account=account, description="REWE")
    make_rule(owner, match_value="rewe", set_category=groceries)
    changes = rules.rules_apply(user=owner, transactions=Transaction.objects.all(), persist=False)
    assert changes[txn.pk].category == groceries
    txn.refresh_from_db()
    assert txn.category is None


# --- validation -------------------------------------------------------------------------------------

def test_a_rule_needs_a_condition_and_an_action(owner):
    with pytest.raises(ValidationError) as refused:
        rules.rule_create(user=owner, data={"name": "Empty"})
    assert "at least one condition" in str(refused.value)
    assert "at least one action" in str(refused.value)


def test_an_invalid_regular_expression_is_refused_with_what_and_where(owner):
    with pytest.raises(ValidationError) as refused:
        make_rule(owner, match_operator="regex", match_value="uber (eats")
    message = " ".join(refused.value.message_dict["match_value"])
    assert "not a valid regular expression" in message
    assert "missing )" in message and "position 10" in message


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w*)*x", r"(x{2,})+", r"^(\d+)*$"])
def test_catastrophic_patterns_are_refused(owner, pattern):
    with pytest.raises(ValidationError) as refused:
        make_rule(owner, match_operator="regex", match_value=pattern)
    assert "repeats a group that itself repeats" in " ".join(refused.value.message_dict["match_value"])


def test_a_regular_expression_has_a_length_limit(owner):
    with pytest.raises(ValidationError) as refused:
        make_rule(owner, match_operator="regex", match_value="a" * 201)
    assert "at most 200 characters" in " ".join(refused.value.message_dict["match_value"])


def test_a_slow_regular_expression_counts_as_no_match(monkeypatch):
    monkeypatch.setattr(rules, "REGEX_TIMEOUT", 0.000001)
    rule = unsaved(match_operator="regex", match_value=r"(?:a|aa)*c")  # not nested in the simple check's sense
    assert rules.rule_matches(rule, like(description="a" * 5000)) is False


def test_another_users_account_or_category_is_refused(owner, other_user, other_account):
    theirs = Category.objects.create(owner=other_user, name="Secret")
    with pytest.raises(ValidationError) as refused:
        make_rule(owner, match_value="x", account=other_account, set_category=theirs)
    assert set(refused.value.message_dict) >= {"account", "set_category"}


def test_amount_range_must_be_in_order(owner):
    with pytest.raises(ValidationError) as refused:
        make_rule(owner, amount_min=Decimal("50"), amount_max=Decimal("10"))
    assert "below the smallest" in str(refused.value)


def test_new_rules_go_last_and_reorder_refuses_unknown_ids(owner, other_user):
    first, second = make_rule(owner, name="1", match_value="a"), make_rule(owner, name="2", match_value="b")
    assert (first.position, second.position) == (0, 1)
    theirs = make_rule(other_user, name="x", match_value="c")
    with pytest.raises(ValidationError):
        rules.rules_reorder(user=owner, ids=[theirs.pk])
    rules.rule_move(user=owner, rule=second, direction="up")
    assert list(Rule.objects.filter(owner=owner).values_list("name", flat=True)) == ["2", "1"]


# --- preview, apply to existing, always do this -----------------------------------------------------

def test_preview_lists_exactly_what_would_change(owner, account, groceries, coffee):
    other_account = AccountFactory(owner=owner)
    will = TransactionFactory(account=account, description="REWE MARKT", amount=Decimal("-20"))
    TransactionFactory(account=account, description="REWE MARKT", amount=Decimal("-200"))  # too big
    TransactionFactory(account=other_account, description="REWE MARKT", amount=Decimal("-20"))  # other account
    TransactionFactory(account=account, description="REWE REFUND", amount=Decimal("20"))  # money in
    TransactionFactory(account=account, description="ALDI", amount=Decimal("-20"))
    services.transaction_create(user=owner, account=account, on=TransactionFactory.date, amount=Decimal("-20"),
                                description="REWE MARKT", category=coffee)  # the user's own choice
    TransactionFactory(account=account, description="REWE MARKT", amount=Decimal("-20"), category=groceries,
                       category_source="rule", needs_review=False,
                       category_explanation="Your rule “Groceries”")  # already so
    data = {"name": "Groceries", "match_value": "rewe", "amount_max": Decimal("100"), "sign": "out",
            "account": account, "set_category": groceries}
    preview = rules.rule_preview(user=owner, rule_or_data=data)
    assert [c.txn.pk for c in preview.changes] == [will.pk]
    assert preview.total == 1
    assert preview.changes[0].category == groceries and preview.changes[0].old_category is None
    assert Transaction.objects.filter(category=groceries).count() == 1  # nothing written


def test_preview_of_an_invalid_draft_is_refused(owner):
    with pytest.raises(ValidationError):
        rules.rule_preview(user=owner, rule_or_data={"name": "x", "match_operator": "regex", "match_value": "("})


def test_apply_to_existing_returns_the_count(owner, account, groceries):
    for _ in range(3):
        TransactionFactory(account=account, description="REWE")
    TransactionFactory(account=account, description="ALDI")
    rule = make_rule(owner, match_value="rewe", set_category=groceries)
    assert rules.rule_apply_to_existing(user=owner, rule=rule) == 3
    assert rules.rule_apply_to_existing(user=owner, rule=rule) == 0


def test_non_ascii_text_matches_whatever_its_case(owner, account, groceries):
    txn = TransactionFactory(account=account, description="BÄCKEREI MÜLLER")
    rule = make_rule(owner, match_value="bäckerei", set_category=groceries)
    assert [c.txn.pk for c in rules.rule_preview(user=owner, rule_or_data=rule).changes] == [txn.pk]


def test_rule_from_correction_files_the_merchants_other_transactions(owner, account, groceries):
    corrected = services.transaction_create(user=owner, account=account, on=TransactionFactory.date,
                                            amount=Decimal("-5"), description="REWE 1234", merchant="Rewe",
                                            category=groceries)
    others = [TransactionFactory(account=account, description=f"REWE {n}", merchant="REWE") for n in range(2)]
    mine = services.transaction_create(user=owner, account=account, on=TransactionFactory.date, amount=Decimal("-5"),
                                       description="REWE X", merchant="Rewe", category=category("shopping.clothing"))
    TransactionFactory(account=account, description="Rewe", merchant="Aldi")
    rule, changed = rules.rule_from_correction(user=owner, txn=corrected)
    assert changed == 2
    assert (rule.match_field, rule.match_operator, rule.match_value) == ("merchant", "equals", "Rewe")
    assert rule.name == "Always file ‘Rewe’ under Groceries"
    assert all(Transaction.objects.get(pk=t.pk).category == groceries for t in others)
    mine.refresh_from_db()
    assert mine.category == category("shopping.clothing")
    # Asking again updates the same rule instead of adding another.
    rules.rule_from_correction(user=owner, txn=corrected)
    assert Rule.objects.filter(owner=owner).count() == 1


def test_rule_from_correction_without_a_merchant_uses_the_cleaned_description(owner, account, groceries):
    corrected = services.transaction_create(user=owner, account=account, on=TransactionFactory.date,
                                            amount=Decimal("-5"), description="EDEKA CENTER 77", category=groceries)
    other = TransactionFactory(account=account, description="EDEKA CENTER 12")
    rule, changed = rules.rule_from_correction(user=owner, txn=corrected)
    assert (rule.match_field, rule.match_operator) == ("description", "contains")
    assert changed == 1
    other.refresh_from_db()
    assert other.category == groceries


def test_rule_from_correction_needs_a_category_and_your_transaction(owner, other_user, account):
    txn = TransactionFactory(account=account, description="REWE")
    with pytest.raises(ValidationError):
        rules.rule_from_correction(user=owner, txn=txn)
    with pytest.raises(ValidationError):
        rules.rule_from_correction(user=other_user, txn=txn)
