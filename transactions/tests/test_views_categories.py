"""The categories page: the standard taxonomy and mine, create, rename, hide/unhide and merge; only mine change."""

from __future__ import annotations

import pytest

from transactions import services
from transactions.models import Category, Transaction
from transactions.tests.factories import TransactionFactory, category

pytestmark = pytest.mark.django_db

URL = "/categories/"


@pytest.fixture
def client_owner(client, owner):
    client.force_login(owner)
    return client


def test_page_groups_standard_and_own_categories_by_kind_and_parent(client_owner, owner, other_user, account):
    services.category_create(user=owner, name="Bakery", parent=category("food_drink"))
    services.category_create(user=other_user, name="Oscars secret")
    TransactionFactory(account=account, category=category("food_drink.groceries"))
    html = client_owner.get(URL).content.decode()
    spending, rest = html.split('id="section-expense"')[1].split('id="section-income"')
    income, transfers = rest.split('id="section-transfer"')
    assert "Groceries" in spending and "Bakery" in spending and "Yours" in spending
    assert "Salary" in income and "Groceries" not in income
    assert "Between Accounts" in transfers or "Transfers" in transfers
    assert "1 transaction" in spending
    assert "Oscars secret" not in html
    # The sub-category sits inside its parent's card.
    food = spending.split('data-category="Food &amp; Drink"')[1].split('class="card')[0]
    assert "Bakery" in food and "Groceries" in food


def test_create_a_top_level_category_and_a_sub_category(client_owner, owner):
    response = client_owner.post(URL, {"name": "Pets", "parent": "", "kind": "expense"}, follow=True)
    assert "Category “Pets” added." in response.content.decode()
    pets = Category.objects.get(owner=owner, name="Pets")
    response = client_owner.post(URL, {"name": "Vet", "parent": pets.pk, "kind": "income"}, follow=True)
    assert "Category “Pets &gt; Vet” added." in response.content.decode()
    vet = Category.objects.get(owner=owner, name="Vet")
    assert (vet.parent, vet.kind) == (pets, "expense")  # a sub-category takes its parent's kind


def test_add_sub_link_preselects_the_parent(client_owner):
    groceries_parent = category("food_drink")
    html = client_owner.get(f"{URL}?parent={groceries_parent.pk}").content.decode()
    assert f'<option value="{groceries_parent.pk}" selected>' in html


def test_create_errors_are_shown(client_owner, owner, other_user):
    response = client_owner.post(URL, {"name": "Groceries", "parent": category("food_drink").pk, "kind": "expense"})
    assert "There is already a category" in response.content.decode()
    response = client_owner.post(URL, {"name": "X", "parent": category("food_drink.groceries").pk,
                                       "kind": "expense"})
    assert "Choose one of the categories in the list." in response.content.decode()  # two levels only
    theirs = services.category_create(user=other_user, name="Oscars")
    response = client_owner.post(URL, {"name": "Y", "parent": theirs.pk, "kind": "expense"})
    assert "Choose one of the categories in the list." in response.content.decode()
    response = client_owner.post(URL, {"name": "", "kind": "expense"})
    assert "This field is required." in response.content.decode()
    assert not Category.objects.filter(owner=owner).exists()


def test_rename_my_category(client_owner, owner):
    mine = services.category_create(user=owner, name="Pets")
    response = client_owner.post(f"{URL}{mine.pk}/rename/", {"name": "Pet care"}, follow=True)
    assert "Renamed “Pets” to “Pet care”." in response.content.decode()
    mine.refresh_from_db()
    assert mine.name == "Pet care"


def test_standard_categories_cannot_be_renamed_or_merged(client_owner):
    groceries = category("food_drink.groceries")
    response = client_owner.post(f"{URL}{groceries.pk}/rename/", {"name": "Food shopping"}, follow=True)
    assert "Standard categories cannot be changed" in response.content.decode()
    response = client_owner.get(f"{URL}{groceries.pk}/merge/", follow=True)
    assert "Standard categories cannot be merged" in response.content.decode()
    response = client_owner.post(f"{URL}{groceries.pk}/merge/", {"target": category("taxes").pk}, follow=True)
    assert "Standard categories cannot be merged" in response.content.decode()
    groceries.refresh_from_db()
    assert groceries.name == "Groceries"
    html = client_owner.get(URL).content.decode()
    assert f"/categories/{groceries.pk}/rename/" not in html


def test_rename_clash_is_explained(client_owner, owner):
    services.category_create(user=owner, name="Pets")
    vet = services.category_create(user=owner, name="Vet")
    response = client_owner.post(f"{URL}{vet.pk}/rename/", {"name": "pets"}, follow=True)
    assert "There is already a category" in response.content.decode()


def test_hide_and_unhide_a_standard_category(client_owner, owner):
    flights = category("travel.flights")
    response = client_owner.post(f"{URL}{flights.pk}/hide/", {"hidden": "yes"}, follow=True)
    html = response.content.decode()
    assert "is hidden from your pickers" in html
    assert 'aria-label="Unhide Flights"' in html and "line-through" in html
    assert owner.hidden_categories.filter(pk=flights.pk).exists()
    assert ">Flights<" not in client_owner.get("/transactions/new/", HTTP_HX_REQUEST="true").content.decode()

    response = client_owner.post(f"{URL}{flights.pk}/hide/", {"hidden": "no"}, follow=True)
    assert "is back in your pickers" in response.content.decode()
    assert not owner.hidden_categories.exists()


def test_merge_asks_first_and_says_how_many_transactions_move(client_owner, owner, account):
    pets = services.category_create(user=owner, name="Pets")
    vet = services.category_create(user=owner, name="Vet", parent=pets)
    for cat in (pets, vet, vet):
        TransactionFactory(account=account, category=cat)
    page = client_owner.get(f"{URL}{pets.pk}/merge/").content.decode()
    assert "3 transactions" in page and "Vet" in page and "cannot be undone" in page
    assert f'<option value="{vet.pk}"' not in page  # not into its own sub-category
    assert Transaction.objects.filter(category__in=[pets, vet]).count() == 3

    target = category("shopping.home_goods")
    response = client_owner.post(f"{URL}{pets.pk}/merge/", {"target": target.pk}, follow=True)
    assert "Merged “Pets” into “Shopping &gt; Home Goods”: 3 transactions moved." in response.content.decode()
    assert Transaction.objects.filter(category=target).count() == 3
    assert not Category.objects.filter(pk__in=[pets.pk, vet.pk]).exists()


def test_merge_needs_a_target(client_owner, owner):
    pets = services.category_create(user=owner, name="Pets")
    response = client_owner.post(f"{URL}{pets.pk}/merge/", {"target": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Category.objects.filter(pk=pets.pk).exists()


@pytest.mark.parametrize(("method", "path"), [
    ("post", "{pk}/rename/"), ("post", "{pk}/hide/"), ("get", "{pk}/merge/"), ("post", "{pk}/merge/"),
])
def test_someone_elses_category_is_a_404(client_owner, other_user, method, path):
    theirs = services.category_create(user=other_user, name="Oscars")
    response = getattr(client_owner, method)(URL + path.format(pk=theirs.pk),
                                             {"name": "Hacked", "hidden": "yes", "target": category("taxes").pk})
    assert response.status_code == 404
    assert Category.objects.filter(pk=theirs.pk, name="Oscars").exists()
    assert not theirs.hidden_by.exists()


def test_merging_into_someone_elses_category_is_refused(client_owner, owner, other_user):
    pets = services.category_create(user=owner, name="Pets")
    theirs = services.category_create(user=other_user, name="Oscars")
    response = client_owner.post(f"{URL}{pets.pk}/merge/", {"target": theirs.pk})
    assert "Choose one of the categories in the list." in response.content.decode()
    assert Category.objects.filter(pk=pets.pk).exists()


def test_categories_page_runs_a_constant_number_of_queries(client_owner, owner, account,
                                                           django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client_owner.get(URL)
    for i in range(20):
        parent = services.category_create(user=owner, name=f"Mine {i}")
        services.category_create(user=owner, name="Sub", parent=parent)
        TransactionFactory(account=account, category=parent)
    with django_assert_max_num_queries(len(few)):
        client_owner.get(URL)


@pytest.mark.parametrize("path", [URL, f"{URL}1/merge/"])
def test_categories_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
