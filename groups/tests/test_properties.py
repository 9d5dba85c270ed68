"""Properties over random splits, balances and groups: parts always sum to the total, balances to zero, and the
settle-up plan is short, complete and stable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory
from groups import services
from groups.models import Membership, SplitMode
from groups.selectors import Transfer, group_balances, settle_up_plan
from groups.services import Part
from groups.splits import split

PURE = settings(max_examples=100, deadline=None)


def partition(total: int, parts: int, *, minimum: int = 0) -> st.SearchStrategy[list[int]]:
    """``parts`` integers, each at least ``minimum``, summing to ``total`` (which must allow it)."""
    spare = total - minimum * parts
    return (st.lists(st.integers(0, spare), min_size=parts - 1, max_size=parts - 1)
            .map(lambda cuts: sorted(cuts))
            .map(lambda cuts: [b - a + minimum for a, b in zip([0, *cuts], [*cuts, spare], strict=True)]))


@st.composite
def split_cases(draw) -> tuple[int, str, list]:
    """A total in cents, a mode and weights that are valid for it."""
    total = draw(st.integers(1, 10**9))
    mode = draw(st.sampled_from(SplitMode.values))
    count = draw(st.integers(1, 25))
    if mode == SplitMode.EQUAL:
        weights = [None] * count
    elif mode == SplitMode.SHARES:
        weights = draw(st.lists(st.decimals(0, 1000, places=4), min_size=count, max_size=count)
                       .filter(lambda values: any(values)))
    elif mode == SplitMode.PERCENT:
        weights = [Decimal(bp) / 100 for bp in draw(partition(10000, count))]
    else:
        weights = [str(Decimal(cents) / 100) for cents in draw(partition(total, count))]
    return total, mode, weights


@PURE
@given(split_cases())
def test_split_parts_sum_to_the_total_in_every_mode(case):
    total, mode, weights = case

    parts = split(total, mode, weights)

    assert sum(parts) == total
    assert len(parts) == len(weights)
    assert all(part >= 0 for part in parts)
    assert split(total, mode, weights) == parts  # the same split always gives the same parts


@PURE
@given(split_cases())
def test_no_part_is_more_than_a_cent_from_its_exact_share(case):
    total, mode, weights = case
    values = [Decimal(1)] * len(weights) if mode == SplitMode.EQUAL else [Decimal(str(w)) for w in weights]

    parts = split(total, mode, weights)

    for part, value in zip(parts, values, strict=True):
        assert abs(part - Decimal(total) * value / sum(values)) < 1


# Balances that sum to zero, as a group's always do: ids 1..n, the last one evens out the others.
balances_strategy = st.lists(st.integers(-10**7, 10**7), min_size=1, max_size=40).map(
    lambda values: {i + 1: v for i, v in enumerate(values)} | {len(values) + 1: -sum(values)})


def record(balances: dict[int, int], transfer: Transfer) -> dict[int, int]:
    """Balances after the payer pays the payee (the group then owes the payer more and the payee less)."""
    after = dict(balances)
    after[transfer.payer_id] += transfer.cents
    after[transfer.payee_id] -= transfer.cents
    return after


@PURE
@given(balances_strategy)
def test_recording_every_suggested_transfer_zeroes_every_balance(balances):
    after = balances
    for transfer in settle_up_plan(balances):
        after = record(after, transfer)

    assert set(after.values()) <= {0}


@PURE
@given(balances_strategy)
def test_the_plan_has_at_most_one_transfer_fewer_than_people(balances):
    plan = settle_up_plan(balances)

    assert len(plan) <= max(len(balances) - 1, 0)
    assert all(t.cents > 0 and t.payer_id != t.payee_id for t in plan)
    # Only people who owe pay, and only people who are owed receive.
    assert all(balances[t.payer_id] < 0 < balances[t.payee_id] for t in plan)


@PURE
@given(balances_strategy, st.data())
def test_recording_one_suggested_transfer_leaves_the_rest_of_the_plan_unchanged(balances, data):
    plan = settle_up_plan(balances)
    if not plan:
        return
    index = data.draw(st.integers(0, len(plan) - 1), label="transfer recorded")

    assert settle_up_plan(record(balances, plan[index])) == plan[:index] + plan[index + 1:]


# --- real groups in the database ---------------------------------------------------------------------------

@st.composite
def expense_specs(draw, people: int) -> dict:
    """An expense among ``people`` members (by index): amount, payers and a valid split in a random mode."""
    cents = draw(st.integers(1, 500_000))
    payer_count = min(draw(st.integers(1, people)), cents)
    payers = draw(st.lists(st.integers(0, people - 1), min_size=payer_count, max_size=payer_count, unique=True))
    paid = draw(partition(cents, payer_count, minimum=1))
    mode = draw(st.sampled_from(SplitMode.values))
    sharers = draw(st.lists(st.integers(0, people - 1), min_size=1, max_size=people, unique=True))
    if mode == SplitMode.EQUAL:
        values = [None] * len(sharers)
    elif mode == SplitMode.SHARES:
        values = draw(st.lists(st.integers(0, 5), min_size=len(sharers), max_size=len(sharers)))
        values[0] = values[0] or 1
    elif mode == SplitMode.PERCENT:
        values = [Decimal(bp) / 100 for bp in draw(partition(10000, len(sharers)))]
    else:
        values = [Decimal(c) / 100 for c in draw(partition(cents, len(sharers)))]
    return {"amount": Decimal(cents) / 100, "mode": mode,
            "payers": [(i, Decimal(c) / 100) for i, c in zip(payers, paid, strict=True)],
            "shares": list(zip(sharers, values, strict=True))}


@st.composite
def group_specs(draw) -> dict:
    people = draw(st.integers(2, 6))
    expenses = draw(st.lists(expense_specs(people), min_size=1, max_size=6))
    settlements = draw(st.lists(st.tuples(st.integers(0, people - 1), st.integers(0, people - 1),
                                          st.integers(1, 100_000)).filter(lambda s: s[0] != s[1]), max_size=3))
    return {"people": people, "expenses": expenses, "settlements": settlements}


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=group_specs())
def test_balances_of_a_random_group_sum_to_zero_and_the_plan_settles_them(spec):
    # The database is not rolled back between examples, so each example builds its own group and people.
    people = [UserFactory() for _ in range(spec["people"])]
    group = services.group_create(user=people[0], name="Trip", currency="EUR")
    Membership.objects.bulk_create([Membership(group=group, user=user) for user in people[1:]])
    for number, expense in enumerate(spec["expenses"]):
        services.expense_create(
            group=group, user=people[0], description=f"Expense {number}", amount=expense["amount"],
            on=dt.date(2026, 3, 1), split_mode=expense["mode"],
            payers=[Part(people[i].pk, value) for i, value in expense["payers"]],
            shares=[Part(people[i].pk, value) for i, value in expense["shares"]])
    for payer, payee, cents in spec["settlements"]:
        services.settlement_create(group=group, user=people[0], payer_id=people[payer].pk,
                                   payee_id=people[payee].pk, amount=Decimal(cents) / 100)

    balances = group_balances(group=group)
    assert sum(balances.values()) == 0

    plan = settle_up_plan(balances)
    assert len(plan) <= len(people) - 1
    for transfer in plan:
        services.settlement_create(group=group, user=people[0], payer_id=transfer.payer_id,
                                   payee_id=transfer.payee_id, amount=Decimal(transfer.cents) / 100)
    assert set(group_balances(group=group).values()) <= {0}
