"""The sentence reader on its own: amounts, currencies, kinds, dates, merchants, accounts, splits; and the
repository's sentence set scored as `evaluate_sentences` scores it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from entries.evaluation import evaluation_summary, sentences_evaluate, sentences_read
from entries.parsing import EXPENSE, INCOME, REFUND, sentence_parse

TODAY = dt.date(2026, 12, 2)  # a Wednesday
ACCOUNTS = [(1, "Visa", "credit_card"), (2, "Girokonto", "checking"), (3, "Wallet", "cash")]
GROUPS = [(7, "Flat", ["Anna Schmidt", "Ben Meyer"]), (8, "Ski trip", ["Carla Diaz", "Anna Schmidt", "Dev"])]
SENTENCES = Path(__file__).resolve().parent.parent / "data" / "sentences.yaml"


def parse(text, **kwargs):
    return sentence_parse(text, today=TODAY, accounts=ACCOUNTS, currency="EUR", groups=GROUPS, **kwargs)


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("12.50 lunch", "12.50", "EUR"),
    ("12,50 € bei Rewe", "12.50", "EUR"),
    ("twelve fifty for lunch", "12.50", "EUR"),
    ("zwölf fünfzig bei Aldi", "12.50", "EUR"),
    ("5 bucks for parking", "5.00", "USD"),
    ("£8.50 coffee", "8.50", "GBP"),
    ("CHF 18 at Migros", "18.00", "CHF"),
    ("€1,250.50 flight", "1250.50", "EUR"),
    ("2.500,00 € laptop", "2500.00", "EUR"),
    ("a hundred and twenty dollars at Best Buy", "120.00", "USD"),
    ("fünfundzwanzig Euro Tanken", "25.00", "EUR"),
    ("Handyrechnung 19,99 am 15.", "19.99", "EUR"),
])
def test_amounts_and_currencies_in_digits_and_words(text, amount, currency):
    draft = parse(text)
    assert (draft.amount, draft.currency) == (Decimal(amount), currency)
    assert draft.confidence["amount"] >= 0.7


def test_a_date_or_count_is_not_taken_for_the_amount():
    draft = parse("Dinner 52 on the 3rd, 3 days after payday")
    assert draft.amount == Decimal("52.00")
    assert draft.date == dt.date(2026, 11, 3)


@pytest.mark.parametrize(("text", "kind", "signed"), [
    ("Spent 10 on lunch", EXPENSE, "-10.00"),
    ("Got 2500 salary", INCOME, "2500.00"),
    ("Gehalt 2.800 € bekommen", INCOME, "2800.00"),
    ("Got a refund of 30 euros from Amazon", REFUND, "30.00"),
    ("Rückerstattung 20 € von Amazon", REFUND, "20.00"),
])
def test_the_kind_says_which_way_the_money_went(text, kind, signed):
    draft = parse(text)
    assert draft.kind == kind
    assert draft.signed_amount == Decimal(signed)


@pytest.mark.parametrize(("text", "day"), [
    ("Lunch 12", TODAY),
    ("Lunch 12 yesterday", dt.date(2026, 12, 1)),
    ("Mittagessen 12 gestern", dt.date(2026, 12, 1)),
    ("Lunch 12 vorgestern", dt.date(2026, 11, 30)),
    ("Lunch 12 last Friday", dt.date(2026, 11, 27)),
    ("Lunch 12 on Wednesday", TODAY),
    ("Lunch 12 last Wednesday", dt.date(2026, 11, 25)),
    ("Kino 22 Euro am Samstag", dt.date(2026, 11, 28)),
    ("Lunch 12 on the 3rd", dt.date(2026, 11, 3)),
    ("Lunch 12 on the 1st", dt.date(2026, 12, 1)),
    ("Miete 950 am 1.", dt.date(2026, 12, 1)),
    ("Lunch 12 3 days ago", dt.date(2026, 11, 29)),
    ("Lunch 12 vor 2 Tagen", dt.date(2026, 11, 30)),
    ("Lunch 12 on 14 October", dt.date(2026, 10, 14)),
    ("Lunch 12 on December 20", dt.date(2025, 12, 20)),  # a day still to come this year was last year's
    ("Zahnarzt 120 Euro am 24.11.", dt.date(2026, 11, 24)),
])
def test_dates_count_back_from_today(text, day):
    assert parse(text).date == day


@pytest.mark.parametrize(("text", "merchant"), [
    ("12.50 lunch at Chipotle yesterday", "Chipotle"),
    ("12,50 € bei Rewe gestern", "Rewe"),
    ("Dinner 64 at Hans im Glück", "Hans im Glück"),
    ("14 for lunch at five guys", "Five Guys"),
    ("Got 50 from Anna", "Anna"),
    ("18.50 at the pharmacy", ""),
    ("Flight to Lisbon 189", ""),
    ("Spent 12 on lunch", ""),
])
def test_merchant_is_the_name_after_at_bei_from(text, merchant):
    assert parse(text).merchant == merchant


@pytest.mark.parametrize(("text", "account"), [
    ("Lunch 12 with my credit card", 1),
    ("Tanken 45 mit der Kreditkarte", 1),
    ("Lunch 12 using the Visa", 1),
    ("Coffee 3 paid in cash", 3),
    ("Apotheke 9,95 bar bezahlt", 3),
    ("Groceries 27 from Girokonto", 2),
    ("Groceries 27", None),
])
def test_account_by_name_or_kind(text, account):
    assert parse(text).account_id == account


def test_an_account_kind_the_person_has_twice_is_offered_unsure():
    draft = sentence_parse("Lunch 12 with my credit card", today=TODAY, currency="EUR",
                           accounts=[(1, "Visa", "credit_card"), (5, "Amex", "credit_card")])
    assert draft.account_id == 1
    assert draft.confidence["account"] < 0.6


@pytest.mark.parametrize(("text", "group", "names"), [
    ("Dinner 84 split with Anna and Ben", 7, ["anna", "ben"]),
    ("Cabin 120, split with Carla and Dev", 8, ["carla", "dev"]),
    ("Lunch 20 split with Anna", 7, ["anna"]),  # in both groups: the smaller one
    ("Sushi 32 mit Anna und Ben geteilt", 7, ["anna", "ben"]),
    ("Pizza 36 split with Zoe", None, ["zoe"]),
])
def test_split_with_offers_the_group_holding_everyone_named(text, group, names):
    draft = parse(text)
    assert (draft.group_id, draft.split_with) == (group, names)


def test_category_words_and_note():
    draft = parse("Spent 12.50 on lunch at Chipotle, note: team lunch")
    assert (draft.category_key, draft.category_words) == ("food_drink.restaurants", "lunch")
    assert draft.note == "team lunch"


def test_the_longest_words_for_a_category_win_where_they_start_together():
    draft = parse("Paid 42 at Aldi yesterday for food shopping")
    assert (draft.category_key, draft.category_words) == ("food_drink.groceries", "food shopping")


def test_a_sentence_without_a_number_has_no_amount():
    draft = parse("lunch at Chipotle yesterday")
    assert draft.amount is None
    assert draft.confidence["amount"] == 0


def test_what_was_not_said_has_low_confidence():
    draft = parse("12 at Rewe")
    assert draft.confidence["date"] < 0.6  # today, as nothing was said
    assert draft.confidence["account"] == 0
    assert draft.confidence["kind"] < 0.9


@pytest.mark.django_db
def test_the_sentence_set_reads_right_in_nine_of_ten(global_model):  # noqa: F811 - the fixture of conftest
    from entries.management.commands.evaluate_sentences import _category_key
    from entries.services import merchant_recognizer

    data = sentences_read(SENTENCES)
    assert len(data["sentences"]) >= 150
    known = merchant_recognizer(user=None, today=data["today"])
    summary = evaluation_summary(sentences_evaluate(data, categorize=_category_key, merchant_known=known))
    assert summary["all_fields_right"] >= 0.9, summary
    assert min(summary["per_field"].values()) >= 0.9, summary


@pytest.mark.parametrize(("text", "kind", "amount"), [
    ("spent 12 euros 50 at the bakery", EXPENSE, "12.50"),
    ("Anna paid me back 15", INCOME, "15.00"),
    ("Ben hat mir 20 Euro zurückgezahlt", INCOME, "20.00"),
])
def test_euros_and_cents_said_apart_and_money_paid_back(text, kind, amount):
    draft = parse(text)
    assert (draft.kind, draft.amount) == (kind, Decimal(amount))


def test_a_word_of_the_merchants_name_is_not_a_category_hint():
    draft = parse("paid 8.50 at Subway")
    assert draft.merchant == "Subway"
    assert draft.category_key == ""  # the categorizer, which knows Subway, decides


@pytest.mark.parametrize(("text", "amount", "merchant"), [
    ("two coffees 7.40", "7.40", ""),
    ("Bought 3 beers for 15", "15.00", ""),
    ("coffee 3 at 9am at Starbucks", "3.00", "Starbucks"),
    ("Lunch 12 at noon", "12.00", ""),
])
def test_counts_and_times_are_not_the_price(text, amount, merchant):
    draft = parse(text)
    assert (draft.amount, draft.merchant) == (Decimal(amount), merchant)


def test_the_evaluation_compares_merchants_without_case_punctuation_or_a_leading_the():
    from entries.evaluation import _merchant

    assert _merchant("McDonald's") == _merchant("mcdonalds") == "mcdonalds"
    assert _merchant("The Coffee Bean") == "coffee bean"
