"""The say page: the sentence box with the microphone (or without, when the operator says so), the draft for
one-tap confirmation, and the saved transaction (with the group expense when the split was kept)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from groups import services as groups
from groups.models import GroupExpense, Membership
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory

SAY = reverse("entries:say")
CONFIRM = reverse("entries:confirm")


@pytest.fixture
def flat(owner):
    group = groups.group_create(user=owner, name="Flat", currency="EUR")
    anna = UserFactory(display_name="Anna")
    Membership.objects.create(group=group, user=anna)
    return group, anna


def test_the_page_has_the_sentence_box_the_microphone_and_its_privacy_note(signed_in):
    response = signed_in.get(SAY)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="text"' in page and "data-mic" in page and "entries/voice.js" in page
    assert "Google" in page and "A typed sentence is read on this server only" in page
    assert "microphone=(self)" in response["Permissions-Policy"]


def test_the_operator_can_switch_the_microphone_off(signed_in, settings):
    settings.VOICE_INPUT_ENABLED = False
    response = signed_in.get(SAY)
    page = response.content.decode()
    assert 'name="text"' in page
    assert "data-mic" not in page and "voice.js" not in page
    assert "microphone=()" in response["Permissions-Policy"]


def test_other_pages_still_refuse_the_microphone(signed_in):
    assert "microphone=()" in signed_in.get(reverse("transactions:list"))["Permissions-Policy"]


def test_the_add_transaction_page_links_here(signed_in):
    assert SAY in signed_in.get(reverse("transactions:create")).content.decode()


def test_a_sentence_becomes_a_transaction_after_one_tap(signed_in, owner, account, global_model):
    response = signed_in.post(SAY, {"text": "Spent 12.50 on lunch at Chipotle yesterday"})
    page = response.content.decode()
    assert response.status_code == 200 and "data-draft" in page
    assert not Transaction.objects.exists()  # nothing saved before the confirmation
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = signed_in.post(CONFIRM, data)
    assert response.status_code == 302 and response["Location"] == reverse("transactions:list")
    txn = Transaction.objects.get()
    assert (txn.owner, txn.account, txn.amount, txn.merchant) == (owner, account, Decimal("-12.50"), "Chipotle")
    assert txn.date == owner.financial_profile.local_today() - dt.timedelta(days=1)
    assert txn.category.key == "food_drink.restaurants"
    assert not GroupExpense.objects.exists()


def test_a_kept_split_adds_the_group_expense_linked_to_the_transaction(signed_in, owner, flat, global_model):
    group, anna = flat
    response = signed_in.post(SAY, {"text": "Dinner 84.30 at Luigi's, split with Anna"})
    form = response.context["form"]
    assert form["split"].value() is True and form["group"].value() == group.pk
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    assert signed_in.post(CONFIRM, data).status_code == 302
    expense = GroupExpense.objects.get()
    txn = Transaction.objects.get()
    assert expense.group == group and expense.total_cents == 8430
    assert expense.payers.get().transaction == txn
    assert sorted(s.owed_cents for s in expense.shares.all()) == [4215, 4215]


def test_an_unticked_split_saves_only_the_transaction(signed_in, flat, global_model):
    response = signed_in.post(SAY, {"text": "Dinner 84.30 at Luigi's, split with Anna"})
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    del data["split"]
    assert signed_in.post(CONFIRM, data).status_code == 302
    assert Transaction.objects.count() == 1 and not GroupExpense.objects.exists()


def test_a_sentence_without_an_amount_says_so(signed_in):
    response = signed_in.post(SAY, {"text": "lunch at Chipotle"})
    assert response.status_code == 400
    assert "No amount found" in response.content.decode()
    assert response.context["form"] is None


def test_another_users_account_cannot_be_confirmed_into(signed_in, other_user, account):
    theirs = AccountFactory(owner=other_user)
    response = signed_in.post(CONFIRM, {"account": theirs.pk, "date": "2026-12-01", "amount": "-5",
                                        "description": "x"})
    assert response.status_code == 400
    assert not Transaction.objects.exists()


def test_signing_in_is_required(client):
    assert client.get(SAY).status_code == 302
