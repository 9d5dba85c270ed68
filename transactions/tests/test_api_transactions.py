"""/api/v1/transactions/: CRUD through the services, the shared filters, ordering, pagination, splits and bulk
actions, a constant number of queries, and nobody else's rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transactions import services
from transactions.models import Transaction
from transactions.tests.factories import AccountFactory, TransactionFactory, category

pytestmark = pytest.mark.django_db

URL = "/api/v1/transactions/"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_create_goes_through_the_service_with_source_api(owner_api, owner, account):
    response = owner_api.post(URL, {
        "account": account.pk, "date": "2026-03-02", "amount": "-42.10", "description": "REWE SAGT DANKE 1234",
        "merchant": "REWE", "category": category("food_drink.groceries").pk, "notes": "weekly shop",
        "tags": ["household", "weekly"],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"], "account": account.pk, "date": "2026-03-02", "amount": "-42.10", "currency": "EUR",
        "amount_converted": "-42.10", "converted_currency": "EUR", "fx_rate": "1.0000000000", "fx_date": None,
        "description": "REWE SAGT DANKE 1234", "merchant": "REWE", "category": category("food_drink.groceries").pk,
        "category_name": "Food & Drink > Groceries", "category_source": "user", "category_confidence": "1.000",
        "needs_review": False, "notes": "weekly shop", "tags": ["household", "weekly"], "source": "api",
        "import_batch": None, "splits": [], "created_at": body["created_at"],
    }


def test_create_in_a_foreign_currency_stores_the_converted_amount(owner_api, account):
    response = owner_api.post(URL, {"account": account.pk, "date": "2024-03-09", "amount": "-100.00",
                                    "description": "HOTEL ZURICH", "currency": "chf"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["currency"], body["converted_currency"], body["fx_date"]) == ("CHF", "EUR", "2024-03-08")
    assert Decimal("-110") < Decimal(body["amount_converted"]) < Decimal("-100")
    assert body["needs_review"] is True and body["category"] is None


def test_create_refuses_bad_input_without_a_500(owner_api, owner, other_account):
    mine = AccountFactory(owner=owner)
    cases = [
        ({"account": other_account.pk, "date": "2026-01-01", "amount": "1", "description": "X"}, "account"),
        ({"account": mine.pk, "date": "2026-13-01", "amount": "1", "description": "X"}, "date"),
        ({"account": mine.pk, "date": "2026-01-01", "amount": "1,5", "description": "X"}, "amount"),
        ({"account": mine.pk, "date": "2026-01-01", "amount": "NaN", "description": "X"}, "amount"),
        ({"account": mine.pk, "date": "2026-01-01", "amount": "1", "description": "X", "currency": "ZZZ"},
         "currency"),
        ({"account": mine.pk, "date": "2026-01-01", "amount": "1"}, "description"),
    ]
    for payload, field in cases:
        response = owner_api.post(URL, payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.json()["fields"], (payload, response.json())
    assert not Transaction.objects.exists()


def test_update_sets_a_user_category_tags_and_reconverts(owner_api, owner, account):
    txn = services.transaction_create(user=owner, account=account, on=date(2026, 3, 1), amount=Decimal("-5"),
                                      description="CAFE", tags=["old"])
    response = owner_api.patch(f"{URL}{txn.pk}/", {"category": category("food_drink.coffee_shops").pk,
                                                   "tags": ["coffee"], "amount": "-5.40"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["category_name"], body["category_source"], body["needs_review"]) == (
        "Food & Drink > Coffee Shops", "user", False)
    assert body["tags"] == ["coffee"]
    assert (body["amount"], body["amount_converted"]) == ("-5.40", "-5.40")

    response = owner_api.put(f"{URL}{txn.pk}/", {"account": account.pk, "date": "2026-03-02", "amount": "-6.00",
                                                 "description": "CAFE 2", "category": None}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["category"], response.json()["needs_review"]) == (None, True)


def test_delete(owner_api, owner, account):
    txn = TransactionFactory(account=account)
    assert owner_api.delete(f"{URL}{txn.pk}/").status_code == 204
    assert not Transaction.objects.filter(pk=txn.pk).exists()


def test_filters_are_those_of_the_page(owner_api, owner, account):
    savings = AccountFactory(owner=owner, name="Savings")
    groceries, restaurants = category("food_drink.groceries"), category("food_drink.restaurants")
    rewe = TransactionFactory(account=account, date=date(2026, 3, 1), amount=Decimal("-54.20"),
                              description="REWE SAGT DANKE", merchant="REWE", category=groceries, needs_review=False)
    pizza = TransactionFactory(account=account, date=date(2026, 3, 5), amount=Decimal("-23.00"),
                               description="PIZZERIA DA MARIO", merchant="Da Mario", category=restaurants,
                               needs_review=False, notes="birthday")
    salary = TransactionFactory(account=account, date=date(2026, 2, 27), amount=Decimal("3100.00"),
                                description="GEHALT ACME GMBH", category=category("income.salary"), source="csv")
    moved = TransactionFactory(account=savings, date=date(2026, 3, 2), amount=Decimal("200.00"),
                               description="UEBERTRAG")
    split = TransactionFactory(account=account, date=date(2026, 3, 3), amount=Decimal("-30.00"),
                               description="DM DROGERIE")
    services.transaction_split_set(user=owner, txn=split, parts=[(groceries, "-10"), (category("personal_care"),
                                                                                      "-20")])
    services.transaction_update(user=owner, txn=pizza, data={"tags": ["friends"]})

    def ids(**params) -> set[int]:
        return set(_ids(owner_api.get(URL, params)))

    assert ids(date_from="2026-03-01", date_to="2026-03-03") == {rewe.pk, moved.pk, split.pk}
    assert ids(account=savings.pk) == {moved.pk}
    assert ids(category=category("food_drink").pk) == {rewe.pk, pizza.pk, split.pk}  # children and split parts
    assert ids(category=groceries.pk) == {rewe.pk, split.pk}
    assert ids(amount_min="-30", amount_max="0") == {pizza.pk, split.pk}
    assert ids(q="mario") == {pizza.pk}
    assert ids(q="birthday") == set()  # notes are encrypted at rest: only descriptions and merchants are searched
    assert ids(q="rewe") == {rewe.pk}
    assert ids(tag=owner.tags.get(name="friends").pk) == {pizza.pk}
    assert ids(source="csv") == {salary.pk}
    assert ids(needs_review="true") == {salary.pk, moved.pk}
    assert ids(uncategorized="true") == {moved.pk, split.pk}
    assert ids(category=groceries.pk, date_from="2026-03-02", q="drogerie") == {split.pk}


def test_a_filter_naming_someone_elses_object_is_refused_not_answered(owner_api, owner, account, other_account):
    TransactionFactory(account=account)
    response = owner_api.get(URL, {"account": other_account.pk})
    assert response.status_code == 400
    assert "account" in response.json()["fields"]
    assert owner_api.get(URL, {"date_from": "yesterday"}).status_code == 400


def test_ordering_with_a_stable_tie_breaker(owner_api, owner, account):
    a = TransactionFactory(account=account, date=date(2026, 1, 2), amount=Decimal("-5.00"), merchant="Bakery")
    b = TransactionFactory(account=account, date=date(2026, 1, 3), amount=Decimal("-50.00"), merchant="Aldi")
    c = TransactionFactory(account=account, date=date(2026, 1, 3), amount=Decimal("20.00"), merchant="Cashback")
    assert _ids(owner_api.get(URL)) == [c.pk, b.pk, a.pk]  # newest first, then newest id
    assert _ids(owner_api.get(URL, {"ordering": "amount"})) == [b.pk, a.pk, c.pk]
    assert _ids(owner_api.get(URL, {"ordering": "-amount"})) == [c.pk, a.pk, b.pk]
    assert _ids(owner_api.get(URL, {"ordering": "merchant"})) == [b.pk, a.pk, c.pk]
    assert _ids(owner_api.get(URL, {"ordering": "date"})) == [a.pk, c.pk, b.pk]
    assert owner_api.get(URL, {"ordering": "owner"}).status_code == 400


def test_pagination_with_a_page_size_up_to_500(owner_api, owner, account):
    Transaction.objects.bulk_create([
        Transaction(owner=owner, account=account, date=date(2026, 1, 1), amount=Decimal("-1.00"), currency="EUR",
                    description=f"ROW {n}", fingerprint=f"bulk:{n}") for n in range(520)
    ])
    first = owner_api.get(URL).json()
    assert (first["count"], len(first["results"])) == (None, 50)  # more than one page: not counted
    assert "cursor=" in first["next"] and first["previous"] is None
    assert len(owner_api.get(URL, {"page_size": 10_000}).json()["results"]) == 500
    # The numbered pages of clients written before cursors: counted, as before.
    numbered = owner_api.get(URL, {"page_size": 200, "page": 3}).json()
    assert (numbered["count"], len(numbered["results"])) == (520, 120)
    assert owner_api.get(URL, {"page": 99}).status_code == 404


def _walk(api, params: dict, *, between=lambda: None) -> list[int]:
    """Every id along the ``next`` links from the first page, calling ``between`` after each page."""
    seen: list[int] = []
    response = api.get(URL, params)
    while True:
        seen += _ids(response)
        between()
        link = response.json()["next"]
        if link is None:
            return seen
        response = api.get(link.replace("http://testserver", ""))


@pytest.mark.parametrize("ordering", ["", "amount", "-amount", "merchant", "date", "-created"])
def test_walking_next_shows_every_row_once_while_rows_are_added(owner_api, owner, account, ordering):
    """Ties on the ordered field (a day, an amount) and rows added mid-walk neither repeat nor hide a row."""
    existing = [TransactionFactory(account=account, date=date(2026, 1, 1 + n % 5), amount=Decimal(-(n % 3) - 1),
                                   merchant=f"Shop {n % 4}").pk for n in range(23)]
    added = iter(range(100))

    def add_a_row() -> None:
        n = next(added)
        TransactionFactory(account=account, date=date(2026, 1, 1 + n % 7), amount=Decimal(-(n % 3) - 1),
                           merchant=f"Shop {n % 5}")

    seen = _walk(owner_api, {"page_size": 4, "ordering": ordering}, between=add_a_row)
    assert len(seen) == len(set(seen)), "a row came twice"
    assert set(existing) <= set(seen), "a row that was there all along was missed"


def test_previous_goes_back_to_the_same_rows(owner_api, owner, account):
    for n in range(9):
        TransactionFactory(account=account, date=date(2026, 2, 1 + n % 3), amount=Decimal("-2.00"))
    first = owner_api.get(URL, {"page_size": 4, "ordering": "date"})
    second = owner_api.get(first.json()["next"].replace("http://testserver", ""))
    back = owner_api.get(second.json()["previous"].replace("http://testserver", ""))
    assert _ids(back) == _ids(first)
    assert back.json()["previous"] is None and back.json()["next"]
    third = owner_api.get(second.json()["next"].replace("http://testserver", ""))
    assert len(_ids(third)) == 1 and third.json()["next"] is None


def test_a_list_on_one_page_is_counted_and_a_cursor_is_only_for_its_ordering(owner_api, owner, account):
    for n in range(3):
        TransactionFactory(account=account, date=date(2026, 3, 1 + n))
    whole = owner_api.get(URL).json()
    assert (whole["count"], whole["next"], whole["previous"]) == (3, None, None)
    link = owner_api.get(URL, {"page_size": 2}).json()["next"].replace("http://testserver", "")
    assert owner_api.get(link + "&ordering=amount").status_code == 400
    assert owner_api.get(URL, {"cursor": "not-a-cursor"}).json()["fields"] == {
        "cursor": ["Not a cursor of this list and ordering: follow the `next` or `previous` link as given."]}


def test_splits_set_replace_and_remove(owner_api, owner, account):
    txn = TransactionFactory(account=account, amount=Decimal("-100.00"))
    url = f"{URL}{txn.pk}/splits/"
    parts = [{"category": category("food_drink.groceries").pk, "amount": "-70.00", "notes": "food"},
             {"category": category("shopping.home_goods").pk, "amount": "-30.00"}]
    response = owner_api.put(url, parts, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["splits"] == [
        {"category": category("food_drink.groceries").pk, "amount": "-70.00", "notes": "food"},
        {"category": category("shopping.home_goods").pk, "amount": "-30.00", "notes": ""},
    ]
    assert response.json()["needs_review"] is False

    response = owner_api.post(url, [parts[0], {**parts[1], "amount": "-20.00"}], format="json")
    assert response.status_code == 400
    assert "add up to -90.00" in response.json()["fields"]["splits"][0]
    assert txn.splits.count() == 2  # the failed replacement changed nothing

    response = owner_api.put(url, [], format="json")
    assert response.status_code == 200 and response.json()["splits"] == []
    assert not txn.splits.exists()

    assert owner_api.put(url, {"category": 1}, format="json").status_code == 400


def test_splits_refuse_someone_elses_category(owner_api, owner, other_user, account):
    theirs = services.category_create(user=other_user, name="Theirs")
    txn = TransactionFactory(account=account, amount=Decimal("-10.00"))
    response = owner_api.put(f"{URL}{txn.pk}/splits/", [{"category": theirs.pk, "amount": "-5"},
                                                        {"category": category("food_drink").pk, "amount": "-5"}],
                             format="json")
    assert response.status_code == 400
    assert not txn.splits.exists()


def test_bulk_recategorize_counts_only_my_rows(owner_api, owner, account, other_account):
    mine = [TransactionFactory(account=account) for _ in range(3)]
    theirs = TransactionFactory(account=other_account)
    groceries = category("food_drink.groceries")
    response = owner_api.post(f"{URL}bulk/recategorize/",
                              {"ids": [t.pk for t in mine[:2]] + [theirs.pk, 999_999], "category": groceries.pk},
                              format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"updated": 2}
    assert {t.category_id for t in Transaction.objects.filter(pk__in=[mine[0].pk, mine[1].pk])} == {groceries.pk}
    mine[2].refresh_from_db()
    theirs.refresh_from_db()
    assert mine[2].category_id is None and theirs.category_id is None

    response = owner_api.post(f"{URL}bulk/recategorize/", {"ids": [mine[0].pk], "category": None}, format="json")
    assert response.json() == {"updated": 1}
    mine[0].refresh_from_db()
    assert (mine[0].category_id, mine[0].needs_review) == (None, True)
    assert owner_api.post(f"{URL}bulk/recategorize/", {"ids": [], "category": None}, format="json").status_code == 400


def test_bulk_recategorize_refuses_someone_elses_category(owner_api, owner, other_user, account):
    mine = TransactionFactory(account=account)
    theirs = services.category_create(user=other_user, name="Theirs")
    response = owner_api.post(f"{URL}bulk/recategorize/", {"ids": [mine.pk], "category": theirs.pk}, format="json")
    assert response.status_code == 400 and "category" in response.json()["fields"]
    mine.refresh_from_db()
    assert mine.category_id is None


def test_bulk_delete_counts_only_my_rows(owner_api, owner, account, other_account):
    mine = [TransactionFactory(account=account) for _ in range(3)]
    theirs = TransactionFactory(account=other_account)
    response = owner_api.post(f"{URL}bulk/delete/", {"ids": [mine[0].pk, mine[1].pk, theirs.pk]}, format="json")
    assert response.json() == {"deleted": 2}
    assert list(Transaction.objects.filter(owner=owner).values_list("pk", flat=True)) == [mine[2].pk]
    assert Transaction.objects.filter(pk=theirs.pk).exists()
    assert owner_api.post(f"{URL}bulk/delete/", {"ids": ["x"]}, format="json").status_code == 400


def test_another_users_transaction_is_not_found_for_every_endpoint(owner_api, other_account):
    theirs = TransactionFactory(account=other_account, amount=Decimal("-10.00"), description="THEIR SECRET")
    detail = f"{URL}{theirs.pk}/"
    assert _ids(owner_api.get(URL)) == []
    assert owner_api.get(detail).status_code == 404
    assert owner_api.patch(detail, {"notes": "mine"}, format="json").status_code == 404
    assert owner_api.put(detail, {"account": other_account.pk, "date": "2026-01-01", "amount": "1",
                                  "description": "X"}, format="json").status_code == 404
    assert owner_api.delete(detail).status_code == 404
    parts = [{"category": category("food_drink").pk, "amount": "-5"}] * 2
    assert owner_api.put(f"{detail}splits/", parts, format="json").status_code == 404
    assert owner_api.post(f"{detail}splits/", [], format="json").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.description, theirs.notes, theirs.splits.count()) == ("THEIR SECRET", "", 0)


def test_session_auth_works_too_and_anonymous_is_refused(api_client, owner, account):
    TransactionFactory(account=account)
    assert api_client.get(URL).status_code == 401
    api_client.force_login(owner)
    assert len(_ids(api_client.get(URL))) == 1


def _rich_rows(owner, account, count: int, start: int) -> None:
    """Rows with everything a list shows: category with a parent, tags, split parts."""
    for n in range(start, start + count):
        txn = services.transaction_create(user=owner, account=account, on=date(2026, 1, 1 + n % 28),
                                          amount=Decimal("-20.00"), description=f"SHOP {n}",
                                          category=category("food_drink.groceries"), tags=[f"t{n % 3}", "all"])
        if n % 2:
            services.transaction_split_set(user=owner, txn=txn, parts=[(category("food_drink.groceries"), "-5"),
                                                                       (category("shopping.home_goods"), "-15")])


def test_list_runs_a_constant_number_of_queries(owner_api, owner, account, django_assert_max_num_queries):
    def queries_for(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_api.get(URL, params).status_code == 200
        return len(captured)

    filtered = {"category": category("food_drink").pk, "date_from": "2026-01-01", "q": "shop", "page_size": 100}
    _rich_rows(owner, account, 5, start=0)
    with_five = queries_for({}), queries_for(filtered)
    _rich_rows(owner, account, 45, start=5)
    with django_assert_max_num_queries(with_five[0]):
        response = owner_api.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == 50
    with django_assert_max_num_queries(with_five[1]):
        response = owner_api.get(URL, filtered)
    assert len(response.json()["results"]) == 50
    assert (queries_for({}), queries_for(filtered)) == with_five


def test_each_listed_row_is_what_retrieving_that_transaction_answers(owner_api, owner, account):
    """The list reads plain values (transactions.api.listing) for speed; a client must not see the difference."""
    _rich_rows(owner, account, 6, start=0)
    usd = AccountFactory(owner=owner, currency="USD")
    services.transaction_create(user=owner, account=usd, on=date(2026, 2, 3), amount=Decimal("-7.25"),
                                description="FOREIGN SHOP", notes="a note, encrypted at rest", tags=["b", "a"])
    TransactionFactory(account=account, category=category("food_drink"))  # a top-level category: no " > "
    listed = owner_api.get(URL, {"page_size": 500}).json()["results"]
    assert len(listed) == 8
    for row in listed:
        assert row == owner_api.get(f"{URL}{row['id']}/").json()
