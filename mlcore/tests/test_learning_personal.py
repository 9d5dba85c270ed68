"""The person's categorizer as they notice it: one correction counts at once, references and dates do not
split a merchant, money in and money out are told apart, and an import decides each merchant once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mlcore import learning, personal
from mlcore.feedback import category_correct
from mlcore.models import UserCategorizerModel
from transactions import services
from transactions.ingest import ImportRow
from transactions.models import Transaction
from transactions.tests.factories import TransactionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("global_model")]


def spend(account, description, amount="-20.00", **extra):
    return TransactionFactory(account=account, description=description, amount=Decimal(amount), **extra)


def decide(user, description, amount="-20.00"):
    return learning.categorize_rows(user=user, rows=[(description, "", Decimal(amount), "checking")])[0]


def test_one_correction_files_the_next_charge_at_that_merchant_despite_a_new_reference(owner, account):
    biltong = services.category_create(user=owner, name="Biltong")
    first = spend(account, "POS PURCHASE (EFFEC ) DJS BILTONG (PTY) LTD NORKE CARD NO. 4711 REF 88812")
    category_correct(user=owner, txn=first, category=biltong)
    decision = decide(owner, "POS PURCHASE (EFFEC ) DJS BILTONG (PTY) LTD NORKE CARD NO. 0815 REF 12345")
    assert decision.category == biltong
    assert decision.confidence >= learning.review_threshold()
    assert decision.explanation.startswith("You filed 1 earlier")


def test_dates_and_times_do_not_make_a_merchant_new():
    assert personal.text_key("POS Purchase Mr D Food  * 14 Oct") == personal.text_key("POS Purchase Mr D Food * 21 Nov")
    assert personal.text_key("Magtape Debit Discinsure4002840983-") == "magtape debit discinsure"
    assert personal.text_key("CARD 12:45 ALDI SUED 03.11.2026") == personal.text_key("CARD 09:10 ALDI SUED 04.12.2026")


def test_a_correction_after_the_model_was_trained_counts_before_it_is_retrained(owner, account):
    home = services.category_create(user=owner, name="Home things")
    fun = services.category_create(user=owner, name="Fun")
    for name in ("HARDWARE CITY", "PAINT DEPOT", "GARDEN WORLD"):
        services.transaction_update(user=owner, txn=spend(account, name), data={"category": home})
    for name in ("CINEMA NOUVEAU", "BOWLING ALLEY", "ARCADE PALACE"):
        services.transaction_update(user=owner, txn=spend(account, name), data={"category": fun})
    assert learning.user_model_train(user=owner) is not None
    txn = spend(account, "ZIPLINE ADVENTURES 20391")
    category_correct(user=owner, txn=txn, category=fun)
    decision = decide(owner, "ZIPLINE ADVENTURES 88123")
    assert (decision.category, decision.source) == (fun, "history")


def test_a_category_filed_only_for_money_in_is_not_proposed_for_a_charge(owner, account):
    salary = services.category_create(user=owner, name="Pay from Acme")
    for day in (1, 2):
        income = spend(account, "ACME CORP TRANSFER", amount="2500.00", date=date(2026, 10, day))
        services.transaction_update(user=owner, txn=income, data={"category": salary})
    assert decide(owner, "ACME CORP TRANSFER", amount="2600.00").category == salary
    assert decide(owner, "ACME CORP TRANSFER", amount="-45.00").category != salary


def test_a_merchant_the_person_moved_to_another_category_follows_their_newest_choices(owner, account):
    old = services.category_create(user=owner, name="Savings")
    new = services.category_create(user=owner, name="Investments")
    for day, category in ((1, old), (2, new), (3, new), (4, new)):
        txn = spend(account, f"BYC DEBIT {day}000", date=date(2026, 10, day))
        services.transaction_update(user=owner, txn=txn, data={"category": category})
    assert decide(owner, "BYC DEBIT 9999").category == new


def test_an_import_decides_every_row_and_writes_a_confidence(owner, account):
    fuel = services.category_create(user=owner, name="Fuel")
    services.transaction_update(user=owner, txn=spend(account, "Fuel Purchase Engen Big Bird * 25 Aug"),
                                data={"category": fuel})
    rows = [ImportRow(date=date(2026, 11, d), amount=Decimal("-300.00"),
                      description=f"Fuel Purchase Engen Big Bird * {d:02d} Nov") for d in range(1, 21)]
    rows.append(ImportRow(date=date(2026, 11, 21), amount=Decimal("-12.00"), description="WALGREENS #1234 CHICAGO"))
    learning.import_rows_categorize(user=owner, account_kind="checking", rows=rows)
    assert all(row.decided for row in rows)
    assert {row.category for row in rows[:20]} == {fuel}
    assert all(Decimal("0") <= row.category_confidence <= Decimal("1") for row in rows)
    assert rows[-1].category != fuel and rows[-1].category_explanation


def test_the_review_queue_keeps_what_the_person_has_not_confirmed(owner, account):
    txn = spend(account, "SOMETHING NEVER SEEN 123")
    learning.transactions_categorize(user=owner, transactions=Transaction.objects.filter(pk=txn.pk))
    txn.refresh_from_db()
    assert txn.category_source != "user"
    assert txn.category_explanation


def test_a_model_of_an_older_format_is_retrained(owner, account):
    home = services.category_create(user=owner, name="Home things")
    fun = services.category_create(user=owner, name="Fun")
    for name, category in (("HARDWARE CITY", home), ("PAINT DEPOT", home), ("GARDEN WORLD", home),
                           ("CINEMA NOUVEAU", fun), ("BOWLING ALLEY", fun)):
        services.transaction_update(user=owner, txn=spend(account, name), data={"category": category})
    learning.user_model_train(user=owner)
    assert not learning.user_model_is_stale(user=owner)
    UserCategorizerModel.objects.filter(user=owner).update(format_version=2)
    assert learning.user_model_is_stale(user=owner)


def test_the_persons_own_filing_of_a_payment_app_outweighs_the_global_models_guess_for_a_new_merchant():
    out = personal.row_facts
    rows = [(out(f"ZAPPER {name} 12 Oct", "", -80.0), 0) for name in ("PRONTO ITAL", "BAMBOO SHAC", "SYKES SLUSH",
                                                                          "MAMMA GS UC")]
    rows += [(out(f"POS PURCHASE {name}", "", -300.0), 1) for name in ("PICK PAY SPRINGS", "SPAR CRAIGHALL",
                                                                        "WOOLWORTHS ONLINE", "CHECKERS HYPER")]
    shopping = [("shopping.general", 0.6), ("groceries", 0.3)]
    categorizer = personal.PersonalCategorizer.train([f for f, _ in rows], [shopping] * len(rows),
                                                     [label for _, label in rows])
    verdict = categorizer.decide([out("ZAPPER SEATTLE COF 3 Nov", "", -45.0)], [shopping])[0]
    assert (verdict.category, verdict.source) == (0, "user_model")


GUESSES = ("food_drink.restaurants", "transportation.car_maintenance", "housing.home_improvement")


def _filings(guessed_right_until: int):
    """A person's personal categorizer after 75 purchases, oldest first, each at a new merchant: a cafe, a garage
    and a hardware store per place name, though every fourth place's shops carry another category's word (a
    farm stall called "... Garage"). The global model guessed their category for the first
    ``guessed_right_until`` places and wrongly after (newer, local merchants it never saw)."""
    words = ("CAFE", "GARAGE", "HARDWARE")
    names = ("alder birch cedar dogwood elm fir ginkgo hazel ivy juniper kauri larch maple nutmeg oak pine quince "
             "rowan spruce teak umbra vine willow yew zelkova").split()
    facts, tops, labels = [], [], []
    for i, name in enumerate(names):
        for label in (0, 1, 2):
            word = words[label] if i % 4 else words[(label + 1) % 3]
            facts.append(personal.row_facts(f"POS PURCHASE {name.upper()} {word}", "", -50.0))
            guessed = label if i < guessed_right_until else (label + 1 + i) % 3
            tops.append([(GUESSES[guessed], 0.9), ("shopping.general", 0.05)])
            labels.append(label)
    return personal.PersonalCategorizer.train(facts, tops, labels)



def test_when_the_global_model_misjudges_the_persons_newest_merchants_their_own_words_decide_a_new_one():
    categorizer = _filings(guessed_right_until=20)
    for label, word in enumerate(("CAFE", "GARAGE", "HARDWARE")):
        for guess in GUESSES:  # whatever the global model says now
            verdict = categorizer.decide([personal.row_facts(f"POS PURCHASE ZOLA {word}", "", -55.0)],
                                         [[(guess, 0.9), ("shopping.general", 0.05)]])[0]
            assert (verdict.category, verdict.source) == (label, "user_model"), (word, guess)
    assert categorizer.model.global_share < 1


def test_a_global_model_that_keeps_guessing_the_persons_categories_keeps_its_full_say():
    assert _filings(guessed_right_until=25).model.global_share == 1
