"""The transactions page as a person uses it: rows, filters, sorting, pages, inline htmx editing, bulk actions
and splits; a constant number of queries; and never anyone else's data."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions import services
from transactions.models import Category, Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory, category

pytestmark = pytest.mark.django_db

LIST = "/transactions/"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client_owner(client, owner):
    client.force_login(owner)
    return client


def rows(response) -> list[str]:
    """The descriptions/merchants of the rows on the page, in order."""
    html = response.content.decode()
    return re.findall(r'<tr id="txn-\d+"[^>]*data-txn-row>.*?title="([^"]*)"', html, flags=re.S)


def add(owner, account, *, on=date(2026, 3, 1), amount="-10.00", description="SHOP", **kwargs) -> Transaction:
    return services.transaction_create(user=owner, account=account, on=on, amount=Decimal(amount),
                                       description=description, **kwargs)


# --- the list -------------------------------------------------------------------------------------

def test_rows_show_date_merchant_account_category_amount_and_tags(client_owner, owner, account, other_account):
    add(owner, account, amount="-42.10", description="REWE SAGT DANKE 1234", merchant="REWE",
        category=category("food_drink.groceries"), tags=["weekly"], on=date(2026, 3, 2))
    add(owner, account, amount="2500.00", description="SALARY ACME", on=date(2026, 3, 1))
    TransactionFactory(account=other_account, description="OSCARS SECRET PURCHASE")

    response = client_owner.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == ["REWE", "SALARY ACME"]
    assert "REWE SAGT DANKE 1234" in html  # the bank's raw text, under the merchant
    assert "2 Mar 2026" in html and "Main checking" in html
    assert "Food &amp; Drink" in html and "Groceries" in html and "Set by you" in html
    assert re.search(r'text-rose-600">EUR -42.10<', html)
    assert re.search(r'text-emerald-600">EUR 2,500.00<', html)
    assert "#weekly" in html
    assert "Needs review" in html  # the salary has no category yet
    assert "OSCARS SECRET PURCHASE" not in html
    assert "2 transactions" in html


def test_a_foreign_currency_row_shows_the_amount_in_the_preferred_currency(client_owner, owner, account):
    add(owner, account, amount="-100.00", description="HOTEL ZURICH", currency="CHF", on=date(2024, 3, 9))
    html = client_owner.get(LIST).content.decode()
    txn = Transaction.objects.get()
    assert "CHF -100.00" in html
    assert f"≈ EUR {txn.amount_converted:,.2f}" in html


def test_model_category_shows_its_source_and_confidence(client_owner, owner, account):
    txn = add(owner, account, description="NETFLIX.COM")
    Transaction.objects.filter(pk=txn.pk).update(category=category("entertainment.streaming_services"),
                                                 category_source="model", category_confidence=Decimal("0.830"))
    html = client_owner.get(LIST).content.decode()
    assert "Streaming Services" in html
    assert "By model · 83%" in html
    assert "Needs review" in html



def test_a_merchant_name_with_markup_shows_as_text_in_the_list_and_its_inline_row(client_owner, owner, account):
    txn = add(owner, account, description='<img src=x onerror="alert(1)"> CAFE & CO')
    html = client_owner.get(LIST).content.decode()
    answer = client_owner.get(f"/transactions/{txn.pk}/row/", **HX).content.decode()
    for page in (html, answer):
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; CAFE &amp; CO" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("date_from=2026-03-02&date_to=2026-03-03", ["COFFEE", "RENT"]),
    ("q=coffee", ["COFFEE"]),
    ("q=beans", []),  # notes are encrypted at rest: only descriptions and merchants are searched
    ("amount_min=-100&amount_max=-1", ["GROCER", "COFFEE"]),
    ("needs_review=true", ["SALARY"]),
    ("uncategorized=true", ["SALARY"]),
    ("source=csv", ["GROCER"]),
    ("tag=TAG", ["RENT"]),
    ("category=FOOD", ["GROCER", "COFFEE"]),  # the top category includes its sub-categories
    ("category=COFFEE_SHOPS", ["COFFEE"]),
    ("account=SAVINGS", ["SALARY"]),
])
def test_filters_narrow_the_rows(client_owner, owner, account, query, expected):
    savings = AccountFactory(owner=owner, name="Savings")
    add(owner, account, on=date(2026, 3, 4), description="GROCER", amount="-55.00",
        category=category("food_drink.groceries"), source="csv")
    add(owner, account, on=date(2026, 3, 3), description="COFFEE", amount="-4.20", notes="beans",
        category=category("food_drink.coffee_shops"))
    rent = add(owner, account, on=date(2026, 3, 2), description="RENT", amount="-900.00",
               category=category("housing.rent"), tags=["home"])
    add(owner, savings, on=date(2026, 3, 1), description="SALARY", amount="2500.00")
    query = (query.replace("TAG", str(rent.tags.get().pk)).replace("SAVINGS", str(savings.pk))
             .replace("COFFEE_SHOPS", str(category("food_drink.coffee_shops").pk))
             .replace("FOOD", str(category("food_drink").pk)))
    response = client_owner.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert rows(response) == expected
    assert "your filters" in response.content.decode()


def test_filter_by_import_batch_says_which_import(client_owner, owner, account):
    from transactions.models import ImportBatch

    batch = ImportBatch.objects.create(owner=owner, account=account, filename="march.csv", status="done")
    txn = add(owner, account, description="IMPORTED")
    Transaction.objects.filter(pk=txn.pk).update(import_batch=batch)
    add(owner, account, description="TYPED IN")
    response = client_owner.get(f"{LIST}?import_batch={batch.pk}")
    assert rows(response) == ["IMPORTED"]
    assert "march.csv" in response.content.decode()


@pytest.mark.parametrize(("ordering", "expected"), [
    ("", ["C", "B", "A"]),  # newest first by default
    ("date", ["A", "B", "C"]),
    ("amount", ["B", "A", "C"]),  # biggest outflow first
    ("-amount", ["C", "A", "B"]),
    ("merchant", ["A", "B", "C"]),
    ("-merchant", ["C", "B", "A"]),
])
def test_sorting_by_column(client_owner, owner, account, ordering, expected):
    add(owner, account, on=date(2026, 1, 1), merchant="A", amount="-5.00")
    add(owner, account, on=date(2026, 1, 2), merchant="B", amount="-50.00")
    add(owner, account, on=date(2026, 1, 3), merchant="C", amount="10.00")
    response = client_owner.get(f"{LIST}?ordering={ordering}" if ordering else LIST)
    assert rows(response) == expected


def test_column_headers_toggle_the_direction_and_keep_the_filters(client_owner, owner, account):
    add(owner, account)
    html = client_owner.get(f"{LIST}?q=shop&ordering=amount&page=1").content.decode()
    assert 'href="?q=shop&amp;ordering=-amount"' in html  # amount is sorted ascending: the header reverses it
    assert 'href="?q=shop&amp;ordering=-date"' in html
    assert 'aria-sort="ascending"' in html


def test_pages_of_fifty_keep_the_filters(client_owner, owner, account):
    for day in range(1, 61):
        TransactionFactory(account=account, date=date(2026, 1, 1) + (date(2026, 1, 2) - date(2026, 1, 1)) * day,
                           description=f"CARD {day:02d}")
    TransactionFactory(account=account, description="SOMETHING ELSE", date=date(2027, 1, 1))
    first = client_owner.get(f"{LIST}?q=card")
    assert len(rows(first)) == 50
    html = first.content.decode()
    assert "1–50 of 60" in html
    assert 'href="?q=card&amp;page=2"' in html
    second = client_owner.get(f"{LIST}?q=card&page=2")
    assert len(rows(second)) == 10
    assert rows(second)[-1] == "CARD 01"


@pytest.mark.parametrize("query", [
    "date_from=notadate", "date_to=2026-02-31", "page=999", "page=abc", "category=abc", "account=abc",
    "amount_min=lots", "ordering=password", "tag=-1", "source=bitcoin", "needs_review=maybe", "import_batch=x",
    "category=999999", "account=99999999999999999999", "import_batch=99999999999999999999", "tag=1e400",
    "amount_min=1e400", "amount_max=-99999999999999999999.99", "import_batch=1.5", "date_from=99999-01-01",
])
def test_bad_query_values_never_give_an_error_page(client_owner, owner, account, query):
    add(owner, account, description="STILL HERE")
    response = client_owner.get(f"{LIST}?{query}")
    assert response.status_code == 200
    if query.startswith(("amount_max=", "import_batch=")):
        return  # a valid filter that nothing matches
    assert rows(response) == ["STILL HERE"]
    if not query.startswith(("page=", "needs_review=")):  # an unreadable yes/no is simply "either"
        assert "Some filters were ignored" in response.content.decode()


def test_someone_elses_account_or_category_as_a_filter_is_ignored(client_owner, owner, account, other_user,
                                                                  other_account):
    theirs = services.category_create(user=other_user, name="Oscar only")
    TransactionFactory(account=other_account, description="OSCARS ROW")
    add(owner, account, description="MINE")
    for query in (f"account={other_account.pk}", f"category={theirs.pk}"):
        response = client_owner.get(f"{LIST}?{query}")
        assert rows(response) == ["MINE"]
        assert "Some filters were ignored" in response.content.decode()
        assert "Oscar only" not in response.content.decode()


def _fill(owner, account, n: int) -> None:
    groceries, coffee = category("food_drink.groceries"), category("food_drink.coffee_shops")
    for i in range(n):
        txn = add(owner, account, description=f"ROW {i}", amount="-20.00", category=groceries, tags=[f"t{i % 3}"],
                  currency="CHF" if i % 2 else None, on=date(2025, 1, 1 + i % 28))
        if i % 5 == 0:
            services.transaction_split_set(user=owner, txn=txn, parts=[(groceries, "-15.00"), (coffee, "-5.00")])


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?category=CAT&q=row&ordering=-amount&tag=TAG"])
def test_the_page_runs_the_same_number_of_queries_for_5_or_60_rows(client_owner, owner, account,
                                                                   django_assert_max_num_queries, query):
    food = category("food_drink")
    _fill(owner, account, 5)
    query = query.replace("CAT", str(food.pk)).replace("TAG", str(owner.tags.get(name="t1").pk))
    few = _count(client_owner, LIST + query)
    _fill(owner, account, 55)
    with django_assert_max_num_queries(few):
        response = client_owner.get(LIST + query)
    assert len(rows(response)) == (50 if not query else 20)


# --- inline create, edit and delete ---------------------------------------------------------------

def test_add_opens_an_inline_form_row(client_owner, account):
    response = client_owner.get("/transactions/new/", **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<tr id="txn-new"')
    assert 'hx-post="/transactions/new/"' in html
    assert "<html" not in html


def test_inline_create_returns_the_new_row(client_owner, owner, account):
    response = client_owner.post("/transactions/new/", {
        "date": "2026-03-05", "account": account.pk, "merchant": "Bakery", "description": "", "amount": "-3.80",
        "currency": "", "category": category("food_drink.groceries").pk, "tags": "breakfast, weekend",
        "notes": "croissants",
    }, **HX)
    html = response.content.decode()
    txn = Transaction.objects.get(owner=owner)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="txn-{txn.pk}"')
    assert "Bakery" in html and "EUR -3.80" in html and "#breakfast" in html and "#weekend" in html
    assert (txn.description, txn.category_source, txn.source) == ("Bakery", "user", "manual")


def test_inline_create_shows_errors_in_the_row_and_saves_nothing(client_owner, owner, account, other_account):
    response = client_owner.post("/transactions/new/", {
        "date": "2026-02-30", "account": other_account.pk, "merchant": "", "description": "", "amount": "0",
        "category": "abc",
    }, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<tr id="txn-new"')
    assert "Please correct the highlighted fields." in html
    assert "Enter a valid date." in html
    assert "Select a valid choice" in html  # someone else's account is not offered
    assert "Enter a merchant or a description." in html
    assert "Enter an amount other than zero." in html
    assert "Choose one of the categories in the list." in html
    assert not Transaction.objects.exists()


def test_inline_create_in_a_foreign_currency(client_owner, owner, account):
    client_owner.post("/transactions/new/", {"date": "2024-03-08", "account": account.pk, "description": "TAXI",
                                             "amount": "-30", "currency": "USD"}, **HX)
    txn = Transaction.objects.get(owner=owner)
    assert (txn.currency, txn.converted_currency) == ("USD", "EUR")
    assert txn.amount_converted is not None


def test_edit_swaps_the_row_for_a_form_and_save_returns_the_row(client_owner, owner, account):
    txn = add(owner, account, description="AMZN MKTP DE", amount="-25.00", tags=["gift"])
    form = client_owner.get(f"/transactions/{txn.pk}/edit/", **HX).content.decode()
    assert form.lstrip().startswith(f'<tr id="txn-{txn.pk}"')
    assert 'value="AMZN MKTP DE"' in form and 'value="gift"' in form
    assert f'hx-get="/transactions/{txn.pk}/row/"' in form  # Cancel puts the row back

    response = client_owner.post(f"/transactions/{txn.pk}/edit/", {
        "date": "2026-03-01", "account": account.pk, "merchant": "Amazon", "description": "AMZN MKTP DE",
        "amount": "-25.00", "category": category("shopping.online_shopping").pk, "tags": "gift, birthday",
        "notes": "",
    }, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="txn-{txn.pk}"') and "data-txn-row" in html
    assert "Amazon" in html and "Online Shopping" in html and "#birthday" in html
    txn.refresh_from_db()
    assert (txn.merchant, txn.category.key, txn.category_source, txn.needs_review) == (
        "Amazon", "shopping.online_shopping", "user", False)
    assert sorted(txn.tags.values_list("name", flat=True)) == ["birthday", "gift"]


def test_saving_an_untouched_row_keeps_the_models_category_unlocked(client_owner, owner, account):
    txn = add(owner, account, description="SPOTIFY")
    Transaction.objects.filter(pk=txn.pk).update(category=category("entertainment.streaming_services"),
                                                 category_source="model", category_confidence=Decimal("0.9"),
                                                 needs_review=False)
    client_owner.post(f"/transactions/{txn.pk}/edit/", {
        "date": "2026-03-01", "account": account.pk, "merchant": "", "description": "SPOTIFY", "amount": "-10.00",
        "category": category("entertainment.streaming_services").pk, "tags": "", "notes": "family plan",
    }, **HX)
    txn.refresh_from_db()
    assert (txn.notes, txn.category_source) == ("family plan", "model")


def test_edit_errors_stay_in_the_row(client_owner, owner, account):
    txn = add(owner, account, description="SHOP", amount="-10.00")
    response = client_owner.post(f"/transactions/{txn.pk}/edit/", {
        "date": "2026-03-01", "account": account.pk, "description": "SHOP", "amount": "ten",
    }, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="txn-{txn.pk}"')
    assert "Enter a number." in html
    txn.refresh_from_db()
    assert txn.amount == Decimal("-10.00")


def test_cancel_returns_the_unchanged_row(client_owner, owner, account):
    txn = add(owner, account, description="UNCHANGED")
    html = client_owner.get(f"/transactions/{txn.pk}/row/", **HX).content.decode()
    assert html.lstrip().startswith(f'<tr id="txn-{txn.pk}"') and "UNCHANGED" in html


def test_edit_without_htmx_is_a_page_of_its_own(client_owner, owner, account):
    txn = add(owner, account, description="PAGE EDIT")
    html = client_owner.get(f"/transactions/{txn.pk}/edit/").content.decode()
    assert "<html" in html and "Edit transaction" in html and "hx-post" not in html.split("<main")[1]
    response = client_owner.post(f"/transactions/{txn.pk}/edit/", {
        "date": "2026-03-01", "account": account.pk, "description": "PAGE EDITED", "amount": "-10.00"})
    assert response.status_code == 302
    assert Transaction.objects.get().description == "PAGE EDITED"


def test_inline_delete_asks_first_and_removes_the_row(client_owner, owner, account):
    txn = add(owner, account, description="DELETE ME", amount="-12.50")
    html = client_owner.get(LIST).content.decode()
    assert f'hx-post="/transactions/{txn.pk}/delete/"' in html
    assert "hx-confirm=\"Delete “DELETE ME” (EUR -12.50 on 1 Mar 2026)? This cannot be undone.\"" in html
    response = client_owner.post(f"/transactions/{txn.pk}/delete/", **HX)
    assert response.status_code == 200 and response.content == b""
    assert not Transaction.objects.exists()


# --- bulk -----------------------------------------------------------------------------------------

def test_bulk_delete_asks_for_confirmation_before_deleting(client_owner, owner, account):
    keep = add(owner, account, description="KEEP")
    doomed = [add(owner, account, description=f"DOOMED {i}") for i in range(3)]
    data = {"ids": [t.pk for t in doomed], "action": "delete", "next": "/transactions/?q=doomed"}
    response = client_owner.post("/transactions/bulk/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete 3 transactions?" in html and "DOOMED 0" in html and "cannot be undone" in html
    assert Transaction.objects.count() == 4

    response = client_owner.post("/transactions/bulk/", {**data, "confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/transactions/?q=doomed"
    assert "Deleted 3 transactions." in response.content.decode()
    assert list(Transaction.objects.all()) == [keep]


def test_bulk_recategorize_after_confirmation(client_owner, owner, account):
    txns = [add(owner, account, description=f"LIDL {i}") for i in range(2)]
    other = add(owner, account, description="OTHER")
    groceries = category("food_drink.groceries")
    data = {"ids": [t.pk for t in txns], "action": "recategorize", "category": groceries.pk}
    html = client_owner.post("/transactions/bulk/", data).content.decode()
    assert "Re-categorize 2 transactions?" in html and "Food &amp; Drink &gt; Groceries" in html
    assert not Transaction.objects.filter(category=groceries).exists()

    response = client_owner.post("/transactions/bulk/", {**data, "confirmed": "yes"}, follow=True)
    assert "Filed 2 transactions under Food &amp; Drink &gt; Groceries." in response.content.decode()
    assert set(Transaction.objects.filter(category=groceries, category_source="user").values_list("pk", flat=True)) \
        == {t.pk for t in txns}
    other.refresh_from_db()
    assert other.category is None


def test_bulk_needs_a_selection_and_a_category(client_owner, owner, account):
    txn = add(owner, account)
    response = client_owner.post("/transactions/bulk/", {"action": "delete"}, follow=True)
    assert "Select at least one transaction first." in response.content.decode()
    response = client_owner.post("/transactions/bulk/", {"ids": [txn.pk], "action": "recategorize"}, follow=True)
    assert "Choose the category" in response.content.decode()
    response = client_owner.post("/transactions/bulk/", {"ids": [txn.pk], "action": "explode"}, follow=True)
    assert "Choose what to do" in response.content.decode()
    assert Transaction.objects.filter(pk=txn.pk, category=None).exists()


def test_bulk_refuses_the_external_redirect(client_owner, owner, account):
    txn = add(owner, account)
    response = client_owner.post("/transactions/bulk/", {"ids": [txn.pk], "action": "delete", "confirmed": "yes",
                                                         "next": "https://evil.example/"})
    assert response["Location"] == "/transactions/"


# --- splits ---------------------------------------------------------------------------------------

def _split_post(parts, total_forms=4):
    data = {"part-TOTAL_FORMS": str(total_forms), "part-INITIAL_FORMS": "0", "part-MIN_NUM_FORMS": "0",
            "part-MAX_NUM_FORMS": "20"}
    for i in range(total_forms):
        category_pk, amount, notes = parts[i] if i < len(parts) else ("", "", "")
        data |= {f"part-{i}-category": category_pk, f"part-{i}-amount": amount, f"part-{i}-notes": notes}
    return data


def test_split_editor_saves_parts_that_add_up(client_owner, owner, account):
    txn = add(owner, account, description="SUPERMARKET", amount="-50.00")
    page = client_owner.get(f"/transactions/{txn.pk}/").content.decode()
    assert "Split across categories" in page and "must add up to" in page and "EUR -50.00" in page
    groceries, home = category("food_drink.groceries"), category("shopping.home_goods")
    response = client_owner.post(f"/transactions/{txn.pk}/", _split_post([
        (groceries.pk, "-30.00", "food"), (home.pk, "-20.00", "lamp")]), follow=True)
    assert "Split saved: 2 parts." in response.content.decode()
    assert [(s.category, s.amount) for s in txn.splits.all()] == [(groceries, Decimal("-30.00")),
                                                                  (home, Decimal("-20.00"))]
    html = client_owner.get(LIST).content.decode()
    assert "Split" in html and "Home Goods" in html and "-20.00" in html


@pytest.mark.parametrize(("parts", "message"), [
    ([("G", "-30.00", ""), ("H", "-10.00", "")], "The parts add up to -40.00, not to the transaction&#x27;s -50.00."),
    ([("G", "-60.00", ""), ("H", "10.00", "")], "Part 2: each part must be non-zero with the same sign"),
    ([("G", "-50.00", "")], "A split needs at least two parts."),
    ([("G", "", ""), ("H", "-10", "")], "Each part needs both a category and an amount."),
    ([], "Enter at least two parts"),
])
def test_split_errors_are_explained_and_nothing_is_saved(client_owner, owner, account, parts, message):
    txn = add(owner, account, description="SUPERMARKET", amount="-50.00")
    g, h = category("food_drink.groceries").pk, category("shopping.home_goods").pk
    parts = [(g if c == "G" else h, a, n) for c, a, n in parts]
    response = client_owner.post(f"/transactions/{txn.pk}/", _split_post(parts))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not txn.splits.exists()


def test_remove_a_split(client_owner, owner, account):
    txn = add(owner, account, amount="-50.00")
    services.transaction_split_set(user=owner, txn=txn, parts=[(category("food_drink.groceries"), "-25"),
                                                               (category("food_drink.bars"), "-25")])
    response = client_owner.post(f"/transactions/{txn.pk}/", {"action": "unsplit"}, follow=True)
    assert "The split was removed." in response.content.decode()
    assert not txn.splits.exists()


# --- isolation ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("get", "/transactions/{pk}/"), ("post", "/transactions/{pk}/"), ("get", "/transactions/{pk}/row/"),
    ("get", "/transactions/{pk}/edit/"), ("post", "/transactions/{pk}/edit/"), ("post", "/transactions/{pk}/delete/"),
])
def test_someone_elses_transaction_is_a_404(client_owner, other_account, method, path):
    theirs = TransactionFactory(account=other_account, description="OSCARS")
    response = getattr(client_owner, method)(path.format(pk=theirs.pk), {"description": "HACKED", "amount": "1",
                                                                         "date": "2026-01-01",
                                                                         "action": "unsplit"}, **HX)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.description == "OSCARS"


@pytest.mark.parametrize("action", ["delete", "recategorize"])
def test_bulk_with_someone_elses_ids_is_a_404_and_changes_nothing(client_owner, owner, account, other_account,
                                                                  action):
    mine = add(owner, account)
    theirs = TransactionFactory(account=other_account)
    response = client_owner.post("/transactions/bulk/", {
        "ids": [mine.pk, theirs.pk], "action": action, "category": category("taxes").pk, "confirmed": "yes"})
    assert response.status_code == 404
    assert Transaction.objects.filter(category=None).count() == 2


def test_a_category_of_someone_else_cannot_be_assigned(client_owner, owner, account, other_user):
    theirs = services.category_create(user=other_user, name="Private")
    txn = add(owner, account)
    response = client_owner.post(f"/transactions/{txn.pk}/edit/", {
        "date": "2026-03-01", "account": account.pk, "description": "SHOP", "amount": "-10.00",
        "category": theirs.pk}, **HX)
    assert "Choose one of the categories in the list." in response.content.decode()
    response = client_owner.post("/transactions/bulk/", {"ids": [txn.pk], "action": "recategorize",
                                                         "category": theirs.pk, "confirmed": "yes"}, follow=True)
    assert "Choose the category" in response.content.decode()
    txn.refresh_from_db()
    assert txn.category is None
    assert not Category.objects.filter(pk=theirs.pk, transactions__isnull=False).exists()


def test_pickers_offer_my_categories_but_not_hidden_or_other_peoples(client_owner, owner, account, other_user):
    services.category_create(user=owner, name="Pet care")
    services.category_create(user=other_user, name="Oscars hobby")
    services.category_set_hidden(user=owner, category=category("travel.flights"), hidden=True)
    html = client_owner.get("/transactions/new/", **HX).content.decode()
    assert "Pet care" in html and "Oscars hobby" not in html and ">Flights<" not in html



def test_list_filter_keeps_the_chosen_category_and_the_bulk_picker_leaves_hidden_ones_out(client_owner, owner, account):
    services.category_set_hidden(user=owner, category=category("travel.flights"), hidden=True)
    flights, groceries = category("travel.flights"), category("food_drink.groceries")
    add(owner, account, description="AIRLINE", category=flights)
    html = client_owner.get(LIST, {"category": groceries.pk}).content.decode()
    filter_select = html.split('id="filter-category"')[1].split("</select>")[0]
    bulk_select = html.split('id="bulk_category"')[1].split("</select>")[0]

    assert f'<option value="{groceries.pk}" selected>Groceries</option>' in filter_select
    assert filter_select.count(" selected") == 1
    assert f'<option value="{flights.pk}">Flights</option>' in filter_select  # old rows may be filed there
    assert f'<option value="{category("food_drink").pk}">All of Food &amp; Drink</option>' in filter_select
    assert ">Flights<" not in bulk_select and f'<option value="{groceries.pk}">Groceries</option>' in bulk_select


HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", [f"/transactions/{HUGE}/", f"/transactions/{HUGE}/edit/", f"/transactions/{HUGE}/row/",
                                  f"/money/accounts/{HUGE}/edit/", f"/categories/{HUGE}/merge/",
                                  f"/transactions/import/{HUGE}/", f"/transactions/import/{HUGE}/status/"])
def test_ids_too_big_for_the_database_are_a_404(client_owner, path):
    assert client_owner.get(path).status_code == 404


def test_bulk_and_forms_with_ids_too_big_for_the_database(client_owner, account):
    assert client_owner.post("/transactions/bulk/", {"ids": [HUGE], "action": "delete"}).status_code == 404
    response = client_owner.post("/transactions/new/", {"account": HUGE, "amount": "1", "description": "X",
                                                        "date": "2026-01-01"}, **HX)
    assert "Select a valid choice" in response.content.decode()
    response = client_owner.post("/categories/", {"name": "X", "parent": HUGE, "kind": "expense"})
    assert "Choose one of the categories in the list." in response.content.decode()


@pytest.mark.parametrize("path", [LIST, "/transactions/new/", "/transactions/1/", "/transactions/1/edit/",
                                  "/transactions/summary/"])
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_home_summary_shows_my_accounts_and_recent_transactions(client_owner, owner, account, other_account):
    add(owner, account, description="LATEST COFFEE", amount="-3.50")
    TransactionFactory(account=other_account, description="OSCARS")
    html = client_owner.get("/transactions/summary/", **HX).content.decode()
    assert "Main checking" in html and "EUR 996.50" in html and "LATEST COFFEE" in html
    assert "OSCARS" not in html and "Oscar" not in html
    home = client_owner.get("/").content.decode()
    assert 'hx-get="/transactions/summary/"' in home
