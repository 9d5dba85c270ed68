"""The reader's rules for what people type on a phone: spaced and Swiss thousands, transfers between their own
accounts, a merchant named without "at", and the taxonomy's categories in English and German words; each as the
person sees it in the draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from entries.parsing import EXPENSE, INCOME, TRANSFER, sentence_parse
from entries.services import draft_from_text, merchant_recognizer
from transactions.tests.factories import AccountFactory, TransactionFactory

TODAY = dt.date(2026, 12, 2)
ACCOUNTS = [(1, "Visa", "credit_card"), (2, "Girokonto", "checking"), (3, "Wallet", "cash"), (4, "Tagesgeld", "savings")]


def parse(text, **kwargs):
    return sentence_parse(text, today=TODAY, accounts=ACCOUNTS, currency="EUR", **kwargs)


# ---- thousands ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("1 234,56 € rent", "1234.56", "EUR"),
    ("1'234.50 CHF miete", "1234.50", "CHF"),
    ("1’250 chf miete", "1250.00", "CHF"),
    ("2 500 euros for the car", "2500.00", "EUR"),
    ("€ 1 299 laptop", "1299.00", "EUR"),
    ("laptop 1 299 euro", "1299.00", "EUR"),
])
def test_thousands_grouped_by_a_space_or_an_apostrophe(text, amount, currency):
    draft = parse(text)
    assert (draft.amount, draft.currency) == (Decimal(amount), currency)


def test_a_count_is_followed_by_what_was_counted_and_thousands_by_three_digits():
    assert parse("kino 2 tickets 24 euro").amount == Decimal("24.00")
    assert parse("gehalt 2 950 eingegangen").amount == Decimal("2950.00")
    assert parse("2 coffees 7.40").amount == Decimal("7.40")


# ---- transfers ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "category"), [
    ("moved 200 to savings", "transfers.savings_transfer"),
    ("transferred 500 to my savings account", "transfers.savings_transfer"),
    ("überweisung 300 an Sparkonto", "transfers.savings_transfer"),
    ("500 aufs tagesgeld überwiesen", "transfers.savings_transfer"),
    ("moved 100 to Girokonto", "transfers.between_accounts"),
    ("100 abgehoben", "transfers.cash_withdrawal"),
    ("paid off my credit card 450", "transfers.credit_card_payment"),
])
def test_money_moved_between_ones_own_accounts_is_a_transfer_without_a_merchant(text, category):
    draft = parse(text)
    assert (draft.kind, draft.category_key, draft.merchant) == (TRANSFER, category, "")
    assert draft.signed_amount < 0  # it leaves the account it is recorded on
    assert draft.confidence["kind"] >= 0.8


def test_the_account_a_transfer_went_to_is_not_the_account_it_left():
    assert parse("put 150 into savings").account_id is None  # the person's usual account, filled by the services
    assert parse("moved 200 from Girokonto to Tagesgeld").account_id == 2
    assert parse("withdrew 100 cash from girokonto").account_id == 2


@pytest.mark.parametrize("text", ["sent 50 to Anna", "überweisung 800 an vermieter", "Took 50 from savings for the concert"])
def test_money_sent_to_someone_else_or_spent_from_savings_is_not_a_transfer(text):
    assert parse(text).kind == EXPENSE


# ---- a merchant named without "at" --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "merchant", "category"), [
    ("uber 23 yesterday", "Uber", "transportation.rideshare"),
    ("Netflix 15.99", "Netflix", "entertainment.streaming_services"),
    ("paid Spotify 9.99", "Spotify", "entertainment.streaming_services"),
    ("Paid 14.99 for Disney+", "Disney+", "entertainment.streaming_services"),
    ("Uber Eats 27.30 tonight", "Uber Eats", "food_drink.restaurants"),
])
def test_a_brand_that_is_a_category_word_is_the_merchant_and_still_says_the_category(text, merchant, category):
    draft = parse(text)
    assert (draft.merchant, draft.category_key) == (merchant, category)


@pytest.mark.parametrize(("text", "merchant"), [
    ("12 EUR Lidl", "Lidl"),
    ("9,99 € Amazon Prime", "Amazon Prime"),
    ("gym 29.99 McFit", "McFit"),
    ("BVG 86", "BVG"),
])
def test_a_capitalised_name_no_other_field_explains_is_the_merchant(text, merchant):
    assert parse(text).merchant == merchant


def test_the_persons_own_merchants_are_recognised_anywhere():
    draft = parse("burger king 9.80", merchants=["Burger King", "Rewe"])
    assert draft.merchant == "Burger King" and draft.confidence["merchant"] >= 0.8


def test_a_persons_merchant_that_is_a_common_word_or_a_companion_is_not_recognised_so():
    merchants = ["Coffee", "Ben", "Bar"]
    assert parse("coffee 3.20", merchants=merchants).merchant == ""
    assert parse("dinner with ben 40", merchants=merchants).merchant == ""


def test_a_name_in_lower_case_is_the_merchant_when_the_callers_knowledge_recognises_it():
    known = {"esso", "hbo max", "obi"}.__contains__
    assert parse("tanken 61,30 esso", merchant_known=known).merchant == "Esso"
    assert parse("hbo max 9.99", merchant_known=known).merchant == "Hbo Max"
    assert parse("obi 56,80 farbe und pinsel", merchant_known=known).merchant == "Obi"
    assert parse("tanken 61,30 esso").merchant == ""  # without that knowledge, an unknown lower-case word is not


@pytest.mark.parametrize("text", [
    "Train to Hamburg 49 euros",  # a place the money took you to
    "Birthday gift for Mom, 40 euros",  # a person it was for
    "Movie tickets 24 euros on Saturday",  # this writer capitalises names; "tickets" is not one
    "Sold my old bike for 120",  # money in names its payer with "from"
    "Vet bill 85",
    "Spent 45 on Christmas presents",  # an occasion
])
def test_places_people_things_and_payers_are_not_taken_for_a_merchant(text):
    assert parse(text, merchant_known=lambda name: True).merchant == ""


# ---- category words across the taxonomy ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "category"), [
    ("krankenversicherung 210", "health_wellness.health_insurance"),
    ("kontoführungsgebühr 4,95", "fees_charges.bank_fees"),
    ("steuernachzahlung 430", "taxes"),
    ("nagelstudio 35", "personal_care.hair_beauty"),
    ("sixt mietwagen 145", "travel.car_rental"),
    ("farbe und pinsel baumarkt 56", "housing.home_improvement"),
    ("hypothek 900", "housing.mortgage"),
    ("zeitungsabo 12,90", "subscriptions"),
    ("urlaub 800", "travel.vacation"),
    ("toilet paper and soap 6.40", "health_wellness.pharmacy"),
    ("parkgebühr 3", "transportation.parking"),
    ("overdraft interest 7.20", "fees_charges.interest_charged"),
    ("dispozinsen 12,40", "fees_charges.interest_charged"),
    ("reifenwechsel 60", "transportation.car_maintenance"),  # a compound by its first part
    ("bookstore 23", "education.books_courses"),
    ("wochenendeinkauf 41", "food_drink.groceries"),  # ... or its last
])
def test_every_category_of_the_tree_has_words_in_english_and_german(text, category):
    assert parse(text).category_key == category


def test_a_word_only_starting_like_a_category_word_is_not_one():
    assert parse("training 30").category_key == ""  # not a train
    assert parse("business lunch 30").category_key == "food_drink.restaurants"  # not a bus


def test_a_compound_category_word_is_not_taken_for_a_merchant():
    assert parse("atu reifenwechsel 60", merchant_known={"atu"}.__contains__).merchant == "Atu"


def test_interest_received_is_income_and_interest_paid_is_a_charge():
    assert parse("got 3.12 interest").category_key == "income.interest"
    assert parse("got 3.12 interest").kind == INCOME


# ---- the services: the categorizer's merchant knowledge and the person's own merchants ---------------------

@pytest.mark.django_db
def test_the_categorizer_recognises_a_business_and_not_a_common_word(global_model):
    known = merchant_recognizer(user=None, today=TODAY)
    assert known("esso") and known("vodafone")
    assert not known("ibuprofen")


@pytest.mark.django_db
def test_a_draft_knows_the_merchants_the_person_paid_before(owner, account, global_model):
    TransactionFactory(owner=owner, account=account, merchant="Kiosk Müller", amount=Decimal("-3.00"))
    draft = draft_from_text(user=owner, text="kiosk müller 4,20", today=TODAY)
    assert draft.merchant == "Kiosk Müller"


@pytest.mark.django_db
def test_a_transfer_draft_is_money_out_of_the_usual_account_filed_as_a_transfer(owner, account, global_model):
    AccountFactory(owner=owner, name="Tagesgeld", kind="savings", currency="EUR")
    draft = draft_from_text(user=owner, text="moved 200 to savings", today=TODAY)
    assert (draft.kind, draft.amount, draft.merchant) == (TRANSFER, Decimal("-200.00"), "")
    assert draft.account == account and draft.category.key == "transfers.savings_transfer"


def test_a_currency_word_inside_a_name_is_not_a_currency():
    draft = parse("Starbucks 5.60", merchant_known={"starbucks"}.__contains__)
    assert (draft.amount, draft.currency, draft.merchant) == (Decimal("5.60"), "EUR", "Starbucks")


@pytest.mark.parametrize("text", ["sandwich and juice 7.80", "kaffee und kuchen 8,40"])
def test_one_more_thing_bought_is_not_a_merchant(text):
    assert parse(text, merchant_known=lambda name: True).merchant == ""


@pytest.mark.parametrize(("text", "merchant"), [
    ("dinner 20 Pizza Hut", "Pizza Hut"),
    ("12 EUR Burger King", "Burger King"),
    ("Lunch 12 Chipotle", "Chipotle"),  # the first word is capitalised by the keyboard
])
def test_a_capitalised_name_takes_the_capitalised_category_words_next_to_it(text, merchant):
    assert parse(text).merchant == merchant


@pytest.mark.parametrize("text", ["Pizza Lieferung 24,50", "Reinigung 12", "Fitness Mitgliedschaft 30"])
def test_a_german_noun_capitalised_is_not_a_name(text):
    assert parse(text).merchant == ""


# ---- a payee after "to", and names with small words inside -------------------------------------------------

def test_after_to_a_business_the_categorizer_knows_is_the_payee_a_city_is_not():
    known = {"vodafone"}.__contains__
    assert parse("Paid the internet bill 39.99 to Vodafone", merchant_known=known).merchant == "Vodafone"
    assert parse("Paid 49 euros for a train to Hamburg", merchant_known=known).merchant == ""
    assert parse("Paid 45 to the plumber", merchant_known=known).merchant == ""


def test_a_capitalised_name_keeps_its_small_words():
    assert parse("Donated 25 euros to Save the Children").merchant == "Save the Children"
    assert parse("Lunch 12 Marks and Spencer").merchant == "Marks and Spencer"
    # A known word inside a capitalised name brings the whole name.
    assert parse("Donated 25 euros to Save the Children", merchant_known={"children"}.__contains__).merchant == (
        "Save the Children")


def test_liability_insurance_in_german():
    assert parse("haftpflicht 5,50").category_key == "housing.insurance"
