"""Exact rounding cases and the messages for splits that cannot be right."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from groups import services
from groups.models import Membership, SplitMode
from groups.services import Part
from groups.splits import prorate, split, to_cents


def test_100_split_three_ways_gives_the_extra_cent_to_the_first_member():
    assert split(10000, SplitMode.EQUAL, [None, None, None]) == [3334, 3333, 3333]


def test_shares_one_to_two_of_100():
    assert split(10000, SplitMode.SHARES, ["1", "2"]) == [3333, 6667]


def test_percentages_of_a_third_each():
    assert split(10000, SplitMode.PERCENT, ["33.33", "33.33", "33.34"]) == [3333, 3333, 3334]
    # 10.00 at 33.33/33.33/33.34 is 3.333/3.333/3.334: the leftover cent goes to the largest remainder.
    assert split(1000, SplitMode.PERCENT, ["33.33", "33.33", "33.34"]) == [333, 333, 334]


def test_equal_remainders_go_in_the_given_order():
    assert split(200, SplitMode.EQUAL, [None] * 3) == [67, 67, 66]
    assert split(1, SplitMode.SHARES, ["1", "1"]) == [1, 0]


def test_exact_amounts_that_match_the_total():
    assert split(10000, SplitMode.EXACT, ["25.50", "74.50"]) == [2550, 7450]


def test_exact_amounts_that_do_not_add_up_name_both_sums():
    with pytest.raises(ValidationError) as error:
        split(10000, SplitMode.EXACT, ["30", "60"])
    assert error.value.messages == ["The parts add up to 90.00, not the total of 100.00."]


def test_percentages_that_do_not_add_up_to_100_are_refused():
    with pytest.raises(ValidationError) as error:
        split(10000, SplitMode.PERCENT, ["50", "40"])
    assert error.value.messages == ["The percentages add up to 90%, not 100%."]


def test_a_negative_share_is_refused():
    with pytest.raises(ValidationError) as error:
        split(10000, SplitMode.SHARES, ["2", "-1"])
    assert error.value.messages == ["A part cannot be negative (-1)."]


def test_all_zero_shares_are_refused():
    with pytest.raises(ValidationError) as error:
        split(10000, SplitMode.SHARES, ["0", "0"])
    assert error.value.messages == ["At least one member needs a share above zero."]


@pytest.mark.parametrize("weights, message", [
    ([], "Choose at least one member to share the expense."),
    (["abc"], "'abc' is not a number."),
    (["Infinity"], "'Infinity' is not a number."),
])
def test_weights_that_are_not_numbers_or_nobody(weights, message):
    with pytest.raises(ValidationError) as error:
        split(10000, SplitMode.SHARES, weights)
    assert error.value.messages == [message]


def test_nothing_to_split_and_unknown_modes_are_refused():
    with pytest.raises(ValidationError, match="more than zero"):
        split(0, SplitMode.EQUAL, [None])
    with pytest.raises(ValidationError, match="Unknown split mode"):
        split(100, "halves", ["1"])


def test_to_cents_rounds_half_up_and_refuses_what_is_not_an_amount():
    assert to_cents("10.005") == 1001
    assert to_cents(Decimal("0.004")) == 0
    with pytest.raises(ValidationError):
        to_cents("ten")
    with pytest.raises(ValidationError):
        to_cents("NaN")


def test_prorate_scales_amounts_to_the_converted_total():
    assert prorate(9137, [Decimal("40"), Decimal("60")]) == [3655, 5482]
    assert sum(prorate(9137, [Decimal("1")] * 7)) == 9137


# --- the same checks through an expense, where members come in ------------------------------------------

@pytest.fixture
def trio(owner):
    group = services.group_create(user=owner, name="Flat", currency="EUR")
    others = [UserFactory(display_name=name) for name in ("Bea", "Cai")]
    for user in others:
        Membership.objects.create(group=group, user=user)
    return group, [owner, *others]


def _add(group, user, **kwargs):
    defaults = {"description": "Groceries", "amount": Decimal("100.00"), "on": dt.date(2026, 3, 2),
                "payers": [Part(user.pk)], "shares": [Part(user.pk)]}
    return services.expense_create(group=group, user=user, **(defaults | kwargs))


@pytest.mark.django_db
def test_an_expense_split_three_ways_owes_33_34_to_the_lowest_user_id(trio):
    group, people = trio
    expense = _add(group, people[0], shares=[Part(p.pk) for p in reversed(people)])

    owed = {share.user_id: share.owed for share in expense.shares.all()}
    first = min(p.pk for p in people)
    assert owed[first] == Decimal("33.34")
    assert sorted(owed.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


@pytest.mark.django_db
def test_a_non_member_cannot_share_an_expense(trio):
    group, people = trio
    stranger = UserFactory()

    with pytest.raises(ValidationError) as error:
        _add(group, people[0], shares=[Part(people[0].pk), Part(stranger.pk)])
    assert error.value.message_dict == {"shares": ["Only members of the group can take part in an expense."]}


@pytest.mark.django_db
def test_a_non_member_cannot_pay_for_an_expense(trio):
    group, people = trio

    with pytest.raises(ValidationError) as error:
        _add(group, people[0], payers=[Part(UserFactory().pk)])
    assert error.value.message_dict == {"payers": ["Only members of the group can take part in an expense."]}


@pytest.mark.django_db
def test_a_member_listed_twice_is_refused(trio):
    group, people = trio

    with pytest.raises(ValidationError) as error:
        _add(group, people[0], shares=[Part(people[1].pk), Part(people[1].pk)])
    assert error.value.message_dict == {"shares": ["Each member can appear only once."]}


@pytest.mark.django_db
def test_an_expense_whose_exact_parts_do_not_add_up_says_both_sums(trio):
    group, people = trio

    with pytest.raises(ValidationError) as error:
        _add(group, people[0], split_mode=SplitMode.EXACT,
             shares=[Part(people[0].pk, "50"), Part(people[1].pk, "45.50")])
    assert error.value.message_dict == {"shares": ["The parts add up to 95.50, not the total of 100.00."]}


@pytest.mark.django_db
def test_payers_who_paid_more_or_less_than_the_amount_are_refused(trio):
    group, people = trio

    with pytest.raises(ValidationError) as error:
        _add(group, people[0], payers=[Part(people[0].pk, "60"), Part(people[1].pk, "30")])
    assert error.value.message_dict == {"payers": ["The payers paid 90.00 in all, not 100.00."]}
