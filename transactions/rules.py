"""A user's rules: "when a transaction looks like this, file it like that".

Rules run top to bottom on each transaction; every matching rule applies its actions (a later rule's
category wins over an earlier one's) until a matching rule says "stop here". A rule never overwrites a
category the user chose themselves. Batches are applied in bulk: the rules are loaded once and the
changed transactions written with one bulk update, whatever the batch size.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

import regex
from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from transactions.merchants import merchant_clean
from transactions.models import (
    Account,
    Category,
    CategorySource,
    Rule,
    RuleField,
    RuleOperator,
    RuleSign,
    Transaction,
)
from transactions.services import tags_resolve

logger = logging.getLogger(__name__)

REGEX_MAX_LENGTH = 200
# Seconds one regular expression may spend on one description before it counts as no match.
REGEX_TIMEOUT = 0.05
PREVIEW_LIMIT = 50
EDITABLE = ["name", "is_active", "stop_processing", "match_field", "match_operator", "match_value", "amount_min",
            "amount_max", "sign", "account", "set_category", "add_tags", "set_merchant"]
# A group that repeats something that itself repeats, then is repeated: "(a+)+", "(\w*)*", "(x{2,})+".
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,?\d*\})\)(?:[+*]|\{\d*,\d*\})")
_SPACES = re.compile(r"\s+")


# --- reads ----------------------------------------------------------------------------------------

def rule_list(*, user: User) -> QuerySet[Rule]:
    return Rule.objects.filter(owner=user).select_related("account", "set_category", "set_category__parent")


def rule_get(*, user: User, pk: int) -> Rule:
    return get_object_or_404(rule_list(user=user), pk=pk)


# --- validation -----------------------------------------------------------------------------------

def regex_check(pattern: str) -> None:
    """Refuse, with a message a person can act on, a pattern that is invalid, too long or may run away."""
    if len(pattern) > REGEX_MAX_LENGTH:
        raise ValidationError({"match_value": f"A regular expression can be at most {REGEX_MAX_LENGTH} characters "
                                              f"long; this one has {len(pattern)}."})
    try:
        regex.compile(pattern, regex.IGNORECASE)
    except regex.error as error:
        raise ValidationError({"match_value": f"This is not a valid regular expression: {error.msg} at position "
                                              f"{error.pos} (“{pattern[:error.pos or 0]}⟨here⟩”)."}) from None
    nested = _NESTED_QUANTIFIER.search(pattern)
    if nested:
        raise ValidationError({"match_value": f"“{nested.group(0)}” repeats a group that itself repeats, which can "
                                              "take forever on some descriptions. Remove the inner or the outer "
                                              "repetition."})


def _rule_check(*, user: User, rule: Rule) -> None:
    errors: dict[str, list[str]] = {}
    rule.name = _SPACES.sub(" ", rule.name or "").strip()
    rule.match_value = (rule.match_value or "").strip()
    rule.set_merchant = _SPACES.sub(" ", rule.set_merchant or "").strip()
    rule.add_tags = sorted({_SPACES.sub(" ", str(t)).strip()[:40] for t in (rule.add_tags or []) if str(t).strip()})
    if not rule.name:
        errors.setdefault("name", []).append("A rule needs a name.")
    if rule.account is not None and rule.account.owner_id != user.pk:
        errors.setdefault("account", []).append("Unknown account.")
    if rule.set_category is not None and rule.set_category.owner_id not in (None, user.pk):
        errors.setdefault("set_category", []).append("Unknown category.")
    if rule.amount_min is not None and rule.amount_min < 0 or rule.amount_max is not None and rule.amount_max < 0:
        errors.setdefault("amount_min", []).append("Amounts are compared without their sign: enter positive "
                                                   "numbers and choose money in or out below.")
    elif rule.amount_min is not None and rule.amount_max is not None and rule.amount_min > rule.amount_max:
        errors.setdefault("amount_max", []).append(f"The largest amount ({rule.amount_max}) is below the smallest "
                                                   f"({rule.amount_min}).")
    if rule.match_value and rule.match_operator == RuleOperator.REGEX:
        try:
            regex_check(rule.match_value)
        except ValidationError as error:
            errors.setdefault("match_value", []).extend(error.message_dict["match_value"])
    has_condition = bool(rule.match_value) or rule.amount_min is not None or rule.amount_max is not None or (
        rule.sign != RuleSign.ANY) or rule.account_id is not None
    if not has_condition:
        errors.setdefault("__all__", []).append("Add at least one condition: text to match, an amount, money in or "
                                                "out, or an account.")
    if not (rule.set_category_id or rule.add_tags or rule.set_merchant):
        errors.setdefault("__all__", []).append("Add at least one action: a category, tags or a merchant name.")
    if errors:
        raise ValidationError(errors)
    rule.full_clean(exclude=["owner", "account", "set_category", "position"], validate_unique=False)


def rule_build(*, user: User, data: dict[str, Any], rule: Rule | None = None) -> Rule:
    """An unsaved, checked rule from ``data`` (over ``rule``'s values when editing); used by preview too."""
    rule = Rule(owner=user) if rule is None else Rule(**{f.attname: getattr(rule, f.attname)
                                                          for f in Rule._meta.concrete_fields})
    for name in EDITABLE:
        if name in data:
            setattr(rule, name, data[name])
    _rule_check(user=user, rule=rule)
    return rule


# --- writes ---------------------------------------------------------------------------------------

@db_transaction.atomic
def rule_create(*, user: User, data: dict[str, Any]) -> Rule:
    rule = rule_build(user=user, data=data)
    last = Rule.objects.filter(owner=user).aggregate(last=Max("position"))["last"]
    rule.position = 0 if last is None else last + 1
    rule.save()
    return rule


@db_transaction.atomic
def rule_update(*, user: User, rule: Rule, data: dict[str, Any]) -> Rule:
    if rule.owner_id != user.pk:
        raise ValidationError("Unknown rule.")
    checked = rule_build(user=user, data=data, rule=rule)
    for name in EDITABLE:
        setattr(rule, name, getattr(checked, name))
    rule.save()
    return rule


@db_transaction.atomic
def rule_delete(*, user: User, rule: Rule) -> None:
    if rule.owner_id != user.pk:
        raise ValidationError("Unknown rule.")
    audit_record(action=AuditAction.RULE_DELETE, actor=user, target=rule)
    rule.delete()


@db_transaction.atomic
def rules_reorder(*, user: User, ids: list[int]) -> list[Rule]:
    """Put the user's rules in this order; rules left out keep their relative order after the listed ones."""
    rules = list(Rule.objects.select_for_update().filter(owner=user).order_by("position", "id"))
    by_pk = {rule.pk: rule for rule in rules}
    unknown = [pk for pk in ids if pk not in by_pk]
    if unknown or len(set(ids)) != len(ids):
        raise ValidationError({"ids": "List each of your rules at most once."})
    ordered = [by_pk[pk] for pk in ids] + [rule for rule in rules if rule.pk not in set(ids)]
    for position, rule in enumerate(ordered):
        rule.position = position
    Rule.objects.bulk_update(ordered, ["position"])
    return ordered


def rule_move(*, user: User, rule: Rule, direction: str) -> None:
    """One step up or down the list."""
    ids = list(Rule.objects.filter(owner=user).order_by("position", "id").values_list("pk", flat=True))
    index = ids.index(rule.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        rules_reorder(user=user, ids=ids)


@db_transaction.atomic
def rule_set_active(*, user: User, rule: Rule, active: bool) -> Rule:
    if rule.owner_id != user.pk:
        raise ValidationError("Unknown rule.")
    rule.is_active = active
    rule.save(update_fields=["is_active", "updated_at"])
    return rule


# --- matching -------------------------------------------------------------------------------------

def _pattern(rule: Rule):
    # Compiled once per rule object: a batch reuses the same rule instances for every transaction.
    cached = getattr(rule, "_compiled", None)
    if cached is None or cached[0] != rule.match_value:
        cached = (rule.match_value, regex.compile(rule.match_value, regex.IGNORECASE))
        rule._compiled = cached
    return cached[1]


def _text_matches(rule: Rule, text: str) -> bool:
    text = text or ""
    if rule.match_operator == RuleOperator.REGEX:
        try:
            return _pattern(rule).search(text, timeout=REGEX_TIMEOUT) is not None
        except TimeoutError:
            logger.warning("rule regex timed out", extra={"rule": rule.pk})
            return False
    # lower(), not casefold(): the same folding the database's case-insensitive lookups use for previews.
    text, value = text.lower(), rule.match_value.lower()
    if rule.match_operator == RuleOperator.EQUALS:
        return " ".join(text.split()) == " ".join(value.split())
    if rule.match_operator == RuleOperator.STARTS_WITH:
        return text.startswith(value)
    return value in text


def rule_matches(rule: Rule, txn_like: Any) -> bool:
    """Whether every condition the rule sets holds for something with description, merchant, amount, account_id."""
    if rule.account_id is not None and getattr(txn_like, "account_id", None) != rule.account_id:
        return False
    amount = Decimal(txn_like.amount)
    if rule.sign == RuleSign.OUT and amount >= 0 or rule.sign == RuleSign.IN and amount <= 0:
        return False
    if rule.amount_min is not None and abs(amount) < rule.amount_min:
        return False
    if rule.amount_max is not None and abs(amount) > rule.amount_max:
        return False
    if rule.match_value:
        fields = {RuleField.DESCRIPTION: ["description"], RuleField.MERCHANT: ["merchant"]}.get(
            rule.match_field, ["description", "merchant"])
        if not any(_text_matches(rule, getattr(txn_like, name, "")) for name in fields):
            return False
    return True


# --- applying -------------------------------------------------------------------------------------

@dataclass
class RuleChange:
    """What rules change on one transaction, with the values before, for previews and reports."""

    txn: Transaction
    rules: list[str] = field(default_factory=list)
    category: Category | None = None
    old_category: Category | None = None
    category_changed: bool = False
    merchant: str | None = None
    old_merchant: str = ""
    tags: list[str] = field(default_factory=list)


def rule_explanation(rule: Rule) -> str:
    return f"Your rule “{rule.name}”"[:200]


def _apply(*, user: User, txns: list[Transaction], rules: list[Rule], persist: bool) -> dict[int, RuleChange]:
    if not rules or not txns:
        return {}
    existing_tags: dict[int, set[str]] = {}
    if any(rule.add_tags for rule in rules):
        through = Transaction.tags.through.objects.filter(transaction_id__in=[t.pk for t in txns])
        for txn_id, name in through.values_list("transaction_id", "tag__name"):
            existing_tags.setdefault(txn_id, set()).add(name)

    changes: dict[int, RuleChange] = {}
    for txn in txns:
        change = RuleChange(txn=txn, old_category=txn.category, old_merchant=txn.merchant)
        category_rule = None
        merchant = txn.merchant
        tags: list[str] = []
        for rule in rules:
            # Later conditions see what earlier rules did (a merchant set above can be matched below).
            if not rule_matches(rule, _Seen(txn, merchant)):
                continue
            hit = False
            if rule.set_category_id and txn.category_source != CategorySource.USER:
                category_rule, hit = rule, True
            if rule.set_merchant and rule.set_merchant != merchant:
                merchant, hit = rule.set_merchant, True
            new_tags = [t for t in rule.add_tags if t not in existing_tags.get(txn.pk, ()) and t not in tags]
            if new_tags:
                tags += new_tags
                hit = True
            if hit:
                change.rules.append(rule.name)
            if rule.stop_processing:
                break
        if category_rule is not None:
            explanation = rule_explanation(category_rule)
            if (txn.category_id != category_rule.set_category_id or txn.category_source != CategorySource.RULE
                    or txn.needs_review or txn.category_explanation != explanation or txn.suggested_category_id):
                change.category, change.category_changed = category_rule.set_category, True
                if persist:
                    txn.category = category_rule.set_category
                    txn.category_source = CategorySource.RULE
                    txn.category_confidence = Decimal(1)
                    txn.category_explanation = explanation
                    txn.suggested_category = None
                    txn.needs_review = False
        if merchant != txn.merchant:
            change.merchant = merchant
            if persist:
                txn.merchant = merchant
        change.tags = tags
        if change.category_changed or change.merchant is not None or tags:
            changes[txn.pk] = change

    if persist and changes:
        _persist(user=user, changes=list(changes.values()))
    return changes


class _Seen:
    """A transaction as a later rule sees it: with the merchant earlier rules set."""

    __slots__ = ("txn", "merchant")

    def __init__(self, txn: Transaction, merchant: str):
        self.txn, self.merchant = txn, merchant

    def __getattr__(self, name: str):
        return getattr(self.txn, name)


def _persist(*, user: User, changes: list[RuleChange]) -> None:
    now = timezone.now()
    changed = [c.txn for c in changes if c.category_changed or c.merchant is not None]
    for txn in changed:
        txn.updated_at = now  # bulk_update skips auto_now
    Transaction.objects.bulk_update(changed, ["category", "category_source", "category_confidence",
                                              "category_explanation", "suggested_category", "needs_review",
                                              "merchant", "updated_at"], batch_size=500)
    tagged = [c for c in changes if c.tags]
    if tagged:
        tags = {tag.name: tag for tag in tags_resolve(user=user, names={n for c in tagged for n in c.tags})}
        Through = Transaction.tags.through
        Through.objects.bulk_create([Through(transaction_id=c.txn.pk, tag_id=tags[name].pk)
                                     for c in tagged for name in c.tags if name in tags], ignore_conflicts=True)


def _owned(user: User, transactions: QuerySet[Transaction] | Iterable[Transaction]) -> list[Transaction]:
    if isinstance(transactions, QuerySet):
        return list(transactions.filter(owner=user).select_related("category", "category__parent"))
    return [txn for txn in transactions if txn.owner_id == user.pk]


def _active_rules(user: User) -> list[Rule]:
    return list(Rule.objects.filter(owner=user, is_active=True).select_related("set_category", "set_category__parent")
                .order_by("position", "id"))


@db_transaction.atomic
def rules_apply(*, user: User, transactions: QuerySet[Transaction] | Iterable[Transaction],
                persist: bool = True) -> dict[int, RuleChange]:
    """Apply the user's active rules, in order, to a batch of their transactions: {transaction id: what changed}."""
    rules = _active_rules(user)
    if not rules:
        return {}
    return _apply(user=user, txns=_owned(user, transactions), rules=rules, persist=persist)


def _candidates(*, user: User, rule: Rule) -> QuerySet[Transaction]:
    """The user's transactions the database can tell might match; ``rule_matches`` decides."""
    rows = Transaction.objects.filter(owner=user)
    if rule.account_id:
        rows = rows.filter(account_id=rule.account_id)
    if rule.sign == RuleSign.OUT:
        rows = rows.filter(amount__lt=0)
    elif rule.sign == RuleSign.IN:
        rows = rows.filter(amount__gt=0)
    if rule.amount_min is not None:
        rows = rows.filter(Q(amount__gte=rule.amount_min) | Q(amount__lte=-rule.amount_min))
    if rule.amount_max is not None:
        rows = rows.filter(amount__gte=-rule.amount_max, amount__lte=rule.amount_max)
    if rule.match_value and rule.match_operator != RuleOperator.REGEX and rule.match_value.isascii():
        # Databases fold case reliably for ASCII only; other text is left to rule_matches.
        lookup = {RuleOperator.EQUALS: "iexact", RuleOperator.STARTS_WITH: "istartswith"}.get(
            rule.match_operator, "icontains")
        if rule.match_operator != RuleOperator.EQUALS or " " not in rule.match_value:
            fields = {RuleField.DESCRIPTION: ["description"], RuleField.MERCHANT: ["merchant"]}.get(
                rule.match_field, ["description", "merchant"])
            text = Q()
            for name in fields:
                text |= Q(**{f"{name}__{lookup}": rule.match_value})
            rows = rows.filter(text)
    return rows.order_by("-date", "-id")


@dataclass
class RulePreview:
    changes: list[RuleChange]
    total: int


def rule_preview(*, user: User, rule_or_data: Rule | dict[str, Any], limit: int = PREVIEW_LIMIT) -> RulePreview:
    """The user's existing transactions this one rule would change, newest first, with what would change."""
    rule = rule_or_data if isinstance(rule_or_data, Rule) else rule_build(user=user, data=rule_or_data)
    txns = list(_candidates(user=user, rule=rule).select_related("account", "category", "category__parent"))
    changes = _apply(user=user, txns=txns, rules=[rule], persist=False)
    ordered = [changes[txn.pk] for txn in txns if txn.pk in changes]
    return RulePreview(changes=ordered[:limit], total=len(ordered))


@db_transaction.atomic
def rule_apply_to_existing(*, user: User, rule: Rule) -> int:
    """Apply one rule to all the user's existing transactions; returns how many changed."""
    if rule.owner_id != user.pk:
        raise ValidationError("Unknown rule.")
    txns = list(_candidates(user=user, rule=rule).select_related("category"))
    return len(_apply(user=user, txns=txns, rules=[rule], persist=True))


def _correction_condition(txn: Transaction) -> tuple[str, str, str, str]:
    """(field, operator, value, label) matching this transaction's merchant."""
    if txn.merchant.strip():
        merchant = _SPACES.sub(" ", txn.merchant).strip()
        return RuleField.MERCHANT, RuleOperator.EQUALS, merchant, merchant
    cleaned = merchant_clean(txn.description)
    description = _SPACES.sub(" ", txn.description).strip()
    if cleaned and cleaned.lower() in description.lower():
        return RuleField.DESCRIPTION, RuleOperator.CONTAINS, cleaned, cleaned
    return RuleField.DESCRIPTION, RuleOperator.EQUALS, description[:200], cleaned or description


def correction_label(txn: Transaction) -> str:
    """The merchant name an "always do this" offer shows."""
    return _correction_condition(txn)[3]


def correction_rule_exists(*, user: User, txn: Transaction) -> bool:
    match_field, operator, value, _ = _correction_condition(txn)
    return Rule.objects.filter(owner=user, match_field=match_field, match_operator=operator, match_value__iexact=value,
                               set_category_id=txn.category_id, is_active=True).exists()


@db_transaction.atomic
def rule_from_correction(*, user: User, txn: Transaction) -> tuple[Rule, int]:
    """"Always do this for MERCHANT": a rule filing the merchant's transactions under this transaction's category,
    applied to the others already there. Returns the rule and how many other transactions it changed.

    An existing rule with the same condition is updated rather than duplicated.
    """
    if txn.owner_id != user.pk:
        raise ValidationError("Unknown transaction.")
    if txn.category is None:
        raise ValidationError("Choose a category for this transaction first.")
    match_field, operator, value, label = _correction_condition(txn)
    rule = Rule.objects.filter(owner=user, match_field=match_field, match_operator=operator,
                               match_value__iexact=value).order_by("position", "id").first()
    name = f"Always file ‘{label}’ under {txn.category.name}"[:100]
    data = {"name": name, "set_category": txn.category, "is_active": True}
    if rule is None:
        rule = rule_create(user=user, data={**data, "match_field": match_field, "match_operator": operator,
                                            "match_value": value})
    else:
        rule = rule_update(user=user, rule=rule, data=data)
    changed = rule_apply_to_existing(user=user, rule=rule)
    return rule, changed


def rule_conditions_text(rule: Rule) -> list[str]:
    """The rule's conditions as short phrases for lists ("Description contains ‘rewe’", "Money out")."""
    parts = []
    if rule.match_value:
        parts.append(f"{rule.get_match_field_display()} {rule.get_match_operator_display()} ‘{rule.match_value}’")
    if rule.amount_min is not None and rule.amount_max is not None:
        parts.append(f"Amount {rule.amount_min}–{rule.amount_max}")
    elif rule.amount_min is not None:
        parts.append(f"Amount at least {rule.amount_min}")
    elif rule.amount_max is not None:
        parts.append(f"Amount at most {rule.amount_max}")
    if rule.sign != RuleSign.ANY:
        parts.append(rule.get_sign_display())
    if rule.account_id:
        parts.append(f"In {rule.account.name}" if isinstance(rule.account, Account) else "In one account")
    return parts


def rule_actions_text(rule: Rule) -> list[str]:
    parts = []
    if rule.set_category_id:
        parts.append(f"File under {rule.set_category}")
    if rule.add_tags:
        parts.append("Tag " + ", ".join(f"#{t}" for t in rule.add_tags))
    if rule.set_merchant:
        parts.append(f"Merchant ‘{rule.set_merchant}’")
    return parts
