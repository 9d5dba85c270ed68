"""The groups API: every endpoint, what members, owners and outsiders may do, and the messages for bad input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from groups import services
from groups.models import GroupExpense, Invite, InviteStatus, Membership, Settlement, invite_token_hash
from groups.services import Part
from transactions.tests.factories import TransactionFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/groups/"


def _link_token(text: str) -> str:
    """The secret in an invitation link: only the email and the notification carry it."""
    return re.search(r"/groups/invites/([^/\s]+)/", text).group(1)


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def bea(owner):
    # Created after the owner, so lists in user-id order read owner first.
    return UserFactory(email="bea@example.com", display_name="Bea")


@pytest.fixture
def bea_api(bea) -> APIClient:
    return _client(bea)


@pytest.fixture
def group(owner, bea):
    group = services.group_create(user=owner, name="Flat", currency="EUR")
    Membership.objects.create(group=group, user=bea)
    return group


@pytest.fixture
def expense(group, owner, bea):
    return services.expense_create(group=group, user=owner, description="Groceries", amount=Decimal("90.00"),
                                   on=dt.date(2026, 3, 2), payers=[Part(owner.pk)],
                                   shares=[Part(owner.pk), Part(bea.pk)])


def _expense_body(payer, sharers, **overrides) -> dict:
    return {"description": "Dinner", "date": "2026-03-05", "amount": "100.00", "split_mode": "equal",
            "payers": [{"user": payer.pk}], "shares": [{"user": u.pk} for u in sharers]} | overrides


# --- groups ------------------------------------------------------------------------------------------------

def test_create_a_group_and_find_it_in_the_list(owner_api, owner):
    response = owner_api.post(API, {"name": "Ski trip", "currency": "chf"}, format="json")

    assert response.status_code == 201
    assert response.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "name": "Ski trip", "currency": "CHF", "role": "owner", "member_count": 1, "created_at": ""}
    listed = owner_api.get(API).json()
    assert [g["name"] for g in listed["results"]] == ["Ski trip"]


def test_a_group_needs_a_name_and_a_known_currency(owner_api):
    response = owner_api.post(API, {"name": "  ", "currency": "XXQ"}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["fields"] == {"name": ["Fill this in."],
                                         "currency": ["Unknown currency 'XXQ': use an ISO 4217 code such as EUR."]}


def test_members_see_the_group_with_their_role(bea_api, group):
    response = bea_api.get(f"{API}{group.pk}/")

    assert response.status_code == 200
    assert (response.json()["role"], response.json()["member_count"]) == ("member", 2)


def test_the_owner_renames_a_group_and_a_member_may_not(owner_api, bea_api, group):
    assert owner_api.patch(f"{API}{group.pk}/", {"name": "Our flat"}, format="json").json()["name"] == "Our flat"

    response = bea_api.patch(f"{API}{group.pk}/", {"name": "Bea's flat"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert response.json()["message"] == "Only the group's owner can manage its members."


def test_the_group_list_runs_a_constant_number_of_queries(owner, owner_api, django_assert_max_num_queries):
    for number in range(12):
        group = services.group_create(user=owner, name=f"Group {number}", currency="EUR")
        Membership.objects.create(group=group, user=UserFactory())

    with django_assert_max_num_queries(4):
        response = owner_api.get(API)
    assert response.json()["count"] == 12
    assert {g["member_count"] for g in response.json()["results"]} == {2}


# --- isolation: everything under a group is a 404 for someone outside it -----------------------------------

def test_an_outsider_gets_404_on_everything_in_the_group(other_api, group, expense, owner, bea):
    settlement = services.settlement_create(group=group, user=owner, payer_id=bea.pk, payee_id=owner.pk,
                                            amount="10")
    invite = services.invite_create(group=group, inviter=owner, email="dan@example.com")
    base = f"{API}{group.pk}"
    requests = [
        ("get", f"{base}/", None), ("patch", f"{base}/", {"name": "Mine"}),
        ("post", f"{base}/leave/", None), ("get", f"{base}/balances/", None), ("get", f"{base}/settle-up/", None),
        ("get", f"{base}/activity/", None), ("get", f"{base}/members/", None),
        ("delete", f"{base}/members/{bea.pk}/", None),
        ("get", f"{base}/invites/", None), ("post", f"{base}/invites/", {"email": "x@example.com"}),
        ("delete", f"{base}/invites/{invite.pk}/", None),
        ("get", f"{base}/expenses/", None), ("post", f"{base}/expenses/", _expense_body(owner, [owner])),
        ("get", f"{base}/expenses/{expense.pk}/", None),
        ("put", f"{base}/expenses/{expense.pk}/", _expense_body(owner, [owner])),
        ("delete", f"{base}/expenses/{expense.pk}/", None),
        ("get", f"{base}/settlements/", None),
        ("post", f"{base}/settlements/", {"payer": owner.pk, "payee": bea.pk, "amount": "1"}),
        ("delete", f"{base}/settlements/{settlement.pk}/", None),
    ]
    for method, url, body in requests:
        response = getattr(other_api, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.status_code)

    assert GroupExpense.objects.filter(pk=expense.pk).exists()
    assert Settlement.objects.filter(pk=settlement.pk).exists()
    assert Invite.objects.get(pk=invite.pk).status == InviteStatus.PENDING
    assert other_api.get(API).json()["count"] == 0


def test_an_expense_from_another_group_is_a_404_under_this_one(owner_api, owner, group, bea):
    elsewhere = services.group_create(user=owner, name="Other", currency="EUR")
    theirs = services.expense_create(group=elsewhere, user=owner, description="Taxi", amount=Decimal("10"),
                                     on=dt.date(2026, 3, 1), payers=[Part(owner.pk)], shares=[Part(owner.pk)])

    assert owner_api.get(f"{API}{group.pk}/expenses/{theirs.pk}/").status_code == 404
    assert owner_api.delete(f"{API}{group.pk}/expenses/{theirs.pk}/").status_code == 404


def test_ids_that_are_too_long_or_not_numbers_are_404s_not_500s(owner_api, group):
    assert owner_api.get(f"{API}{'9' * 30}/").status_code == 404
    assert owner_api.get(f"{API}{group.pk}/expenses/abc/").status_code == 404
    assert owner_api.post("/api/v1/invites/not%20a%20token/accept/").status_code == 404


def test_anonymous_requests_are_refused(api_client, group):
    assert api_client.get(API).status_code == 401
    assert api_client.get(f"{API}{group.pk}/balances/").status_code == 401


# --- members -----------------------------------------------------------------------------------------------

def test_members_are_listed_by_name_and_role(bea_api, group, owner, bea):
    response = bea_api.get(f"{API}{group.pk}/members/")

    assert response.status_code == 200
    assert [(m["user"], m["name"], m["role"]) for m in response.json()["results"]] == sorted([
        (owner.pk, "Olivia Owner", "owner"), (bea.pk, "Bea", "member")])


def test_the_owner_removes_a_member_only_when_their_balance_is_zero(owner_api, bea_api, group, expense, owner, bea):
    url = f"{API}{group.pk}/members/{bea.pk}/"

    response = owner_api.delete(url)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["message"] == "Bea still owes EUR 45.00; settle up first."
    assert response.json()["fields"] == {}

    assert bea_api.delete(f"{API}{group.pk}/members/{owner.pk}/").status_code == 403

    services.settlement_create(group=group, user=bea, payer_id=bea.pk, payee_id=owner.pk, amount="45")
    assert owner_api.delete(url).status_code == 204
    assert bea_api.get(f"{API}{group.pk}/").status_code == 404
    assert owner_api.delete(f"{API}{group.pk}/members/{bea.pk}/").status_code == 404


def test_leaving_needs_a_zero_balance(bea_api, group, expense, owner, bea):
    response = bea_api.post(f"{API}{group.pk}/leave/")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["message"] == "You can leave once you are settled up; you owe EUR 45.00."
    assert response.json()["fields"] == {}

    services.settlement_create(group=group, user=bea, payer_id=bea.pk, payee_id=owner.pk, amount="45")
    assert bea_api.post(f"{API}{group.pk}/leave/").status_code == 204
    assert bea_api.get(API).json()["count"] == 0


# --- invites -----------------------------------------------------------------------------------------------

def test_invite_accept_flow_through_the_api(owner_api, group, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(f"{API}{group.pk}/invites/", {"email": "dan@example.com"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert "token" not in response.json()
    assert [m.to for m in mailoutbox] == [["dan@example.com"]]
    listed = owner_api.get(f"{API}{group.pk}/invites/").json()
    assert [i["email"] for i in listed["results"]] == ["dan@example.com"]

    dan = UserFactory(email="dan@example.com", display_name="Dan")
    dan_api = _client(dan)
    assert dan_api.get(f"{API}{group.pk}/").status_code == 404
    token = _link_token(mailoutbox[0].body)
    assert Invite.objects.get(pk=response.json()["id"]).token_hash == invite_token_hash(token)

    joined = dan_api.post(f"/api/v1/invites/{token}/accept/")
    assert joined.status_code == 200
    assert (joined.json()["id"], joined.json()["role"], joined.json()["member_count"]) == (group.pk, "member", 3)
    assert dan_api.get(f"{API}{group.pk}/expenses/").status_code == 200

    again = dan_api.post(f"/api/v1/invites/{token}/accept/")
    assert (again.status_code, again.json()["code"]) == (400, "invalid")
    assert again.json()["message"] == "This invitation was already accepted."
    assert owner_api.get(f"{API}{group.pk}/invites/").json()["results"] == []


def test_an_existing_user_gets_a_notification_and_can_decline(owner_api, other_user, other_api, group,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite_id = owner_api.post(f"{API}{group.pk}/invites/", {"email": other_user.email},
                                   format="json").json()["id"]
    notification = other_user.notifications.get()
    token = _link_token(notification.link)
    assert Invite.objects.get(pk=invite_id).token_hash == invite_token_hash(token)

    assert other_api.post(f"/api/v1/invites/{token}/decline/").status_code == 204
    assert Invite.objects.get(pk=invite_id).status == InviteStatus.DECLINED
    assert other_api.post(f"/api/v1/invites/{token}/accept/").json()["message"] == (
        "This invitation was already declined.")
    assert other_api.get(f"{API}{group.pk}/").status_code == 404


def test_only_the_owner_invites_lists_or_revokes_invites(owner_api, bea_api, group, owner):
    invite = services.invite_create(group=group, inviter=owner, email="dan@example.com")
    message = "Only the group's owner can manage its members."

    for response in (bea_api.get(f"{API}{group.pk}/invites/"),
                     bea_api.post(f"{API}{group.pk}/invites/", {"email": "eve@example.com"}, format="json"),
                     bea_api.delete(f"{API}{group.pk}/invites/{invite.pk}/")):
        assert (response.status_code, response.json()["code"], response.json()["message"]) == (
            403, "permission_denied", message)

    assert owner_api.delete(f"{API}{group.pk}/invites/{invite.pk}/").status_code == 204
    assert Invite.objects.get(pk=invite.pk).status == InviteStatus.REVOKED
    assert owner_api.delete(f"{API}{group.pk}/invites/{invite.pk}/").json()["message"] == (
        "This invitation was already withdrawn.")
    assert owner_api.delete(f"{API}{group.pk}/invites/999999/").status_code == 404


def test_another_account_holding_the_link_is_refused_403(owner, other_api, group):
    invite = services.invite_create(group=group, inviter=owner, email="dan@example.com")

    for answer in ("accept", "decline"):
        response = other_api.post(f"/api/v1/invites/{invite.token}/{answer}/")
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
        assert response.json()["message"] == (
            "This invitation was sent to d***@example.com, not to the address you are signed in with. "
            "Sign in with that address to answer it.")
    assert Invite.objects.get(pk=invite.pk).status == InviteStatus.PENDING
    assert other_api.get(f"{API}{group.pk}/").status_code == 404
    assert other_api.post("/api/v1/invites/no-such-token/accept/").status_code == 404


def test_an_expired_invitation_is_refused_and_sent_again(owner, group, time_machine,
                                                         django_capture_on_commit_callbacks):
    dan = UserFactory(email="dan@example.com")
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = _client(owner).post(f"{API}{group.pk}/invites/", {"email": "dan@example.com"},
                                    format="json").json()
    assert (first["expires_at"], first["expired"]) == ("2026-03-15T09:00:00Z", False)
    old_token = _link_token(dan.notifications.get().link)

    time_machine.move_to(dt.datetime(2026, 3, 15, 9, 1, tzinfo=dt.UTC), tick=False)
    owner_api, dan_api = _client(owner), _client(dan)  # API tokens are issued in the clock's present
    assert [i["expired"] for i in owner_api.get(f"{API}{group.pk}/invites/").json()["results"]] == [True]
    response = dan_api.post(f"/api/v1/invites/{old_token}/accept/")
    assert (response.status_code, response.json()["message"]) == (
        400, "This invitation expired on 15 Mar 2026. Ask the group's owner to send a new one.")

    with django_capture_on_commit_callbacks(execute=True):
        again = owner_api.post(f"{API}{group.pk}/invites/", {"email": "dan@example.com"}, format="json")
    assert (again.status_code, again.json()["expired"], again.json()["expires_at"]) == (
        201, False, "2026-03-29T09:01:00Z")
    assert [i["id"] for i in owner_api.get(f"{API}{group.pk}/invites/").json()["results"]] == [again.json()["id"]]
    assert dan_api.post(f"/api/v1/invites/{old_token}/accept/").status_code == 400
    new_token = _link_token(dan.notifications.latest("id").link)
    assert dan_api.post(f"/api/v1/invites/{new_token}/accept/").status_code == 200


def test_invite_messages_for_bad_or_repeated_addresses(owner_api, group, bea):
    url = f"{API}{group.pk}/invites/"

    assert owner_api.post(url, {"email": "not an email"}, format="json").json()["fields"] == {
        "email": ["Enter a valid email address."]}
    assert owner_api.post(url, {"email": bea.email}, format="json").json()["fields"] == {
        "email": ["bea@example.com is already in the group."]}
    owner_api.post(url, {"email": "dan@example.com"}, format="json")
    assert owner_api.post(url, {"email": "dan@example.com"}, format="json").json()["fields"] == {
        "email": ["dan@example.com already has an invitation waiting."]}


# --- expenses ----------------------------------------------------------------------------------------------

def test_add_an_expense_split_by_shares_and_read_it_back(bea_api, group, owner, bea):
    body = _expense_body(owner, [], split_mode="shares", amount="100.00",
                         shares=[{"user": owner.pk, "value": "1"}, {"user": bea.pk, "value": "2"}])

    response = bea_api.post(f"{API}{group.pk}/expenses/", body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["total"], data["currency"], data["original_amount"], data["original_currency"]) == (
        "100.00", "EUR", "100.00", "EUR")
    assert data["payers"] == [{"user": owner.pk, "name": "Olivia Owner", "paid": "100.00", "transaction": None}]
    assert [(s["user"], s["weight"], s["owed"]) for s in data["shares"]] == [
        (owner.pk, "1.0000", "33.33"), (bea.pk, "2.0000", "66.67")]
    assert bea_api.get(f"{API}{group.pk}/expenses/{data['id']}/").json() == data


def test_a_member_without_a_value_in_a_shares_split_owes_nothing(owner_api, group, owner, bea):
    body = _expense_body(owner, [], split_mode="shares",
                         shares=[{"user": owner.pk, "value": "2"}, {"user": bea.pk, "value": None}])

    response = owner_api.post(f"{API}{group.pk}/expenses/", body, format="json")

    assert response.status_code == 201
    assert [(s["user"], s["weight"], s["owed"]) for s in response.json()["shares"]] == [
        (owner.pk, "2.0000", "100.00"), (bea.pk, "0.0000", "0.00")]


def test_a_dollar_expense_shows_the_rate_and_the_converted_total(owner_api, group, owner, bea):
    body = _expense_body(owner, [owner, bea], currency="USD", date="2024-03-15")

    data = owner_api.post(f"{API}{group.pk}/expenses/", body, format="json").json()

    assert (data["total"], data["original_amount"], data["original_currency"]) == ("91.81", "100.00", "USD")
    assert Decimal(data["fx_rate"]) == Decimal("0.9181050312")
    assert sorted(s["owed"] for s in data["shares"]) == ["45.90", "45.91"]


def test_linking_your_own_transaction_when_adding(owner_api, group, owner, bea, account, other_account):
    mine = TransactionFactory(account=account)
    theirs = TransactionFactory(account=other_account)
    url = f"{API}{group.pk}/expenses/"

    linked = owner_api.post(url, _expense_body(owner, [owner, bea], transaction=mine.pk), format="json").json()
    assert linked["payers"][0]["transaction"] == mine.pk
    refused = owner_api.post(url, _expense_body(owner, [owner, bea], transaction=theirs.pk), format="json")
    assert (refused.status_code, refused.json()["fields"]) == (
        400, {"transaction": ["Link one of your own transactions."]})


@pytest.mark.parametrize("overrides, errors", [
    ({"split_mode": "exact", "shares": "EXACT"}, {"shares": ["The parts add up to 90.00, not the total of 100.00."]}),
    ({"split_mode": "percent", "shares": "PERCENT"}, {"shares": ["The percentages add up to 90%, not 100%."]}),
    ({"split_mode": "shares", "shares": "NEGATIVE"}, {"shares": ["A part cannot be negative (-1.0000)."]}),
    ({"split_mode": "shares", "shares": "ZERO"}, {"shares": ["At least one member needs a share above zero."]}),
    ({"shares": "STRANGER"}, {"shares": ["Only members of the group can take part in an expense."]}),
    ({"shares": "TWICE"}, {"shares": ["Each member can appear only once."]}),
    ({"payers": "SHORT"}, {"payers": ["The payers paid 60.00 in all, not 100.00."]}),
    ({"amount": "0"}, {"amount": ["The amount must be more than zero."]}),
    ({"description": " "}, {"description": ["Fill this in."]}),
    ({"currency": "usd", "date": "1990-01-02"}, {"currency": ["No exchange rate from USD to EUR for 2 Jan 1990."]}),
    ({"split_mode": "halves"}, {"split_mode": ['"halves" is not a valid choice.']}),
    ({"amount": "ten"}, {"amount": ["Enter a number, such as 12.50."]}),
    # The empty list's own error is the field's.
    ({"shares": []}, {"shares": ["This list may not be empty."]}),
    ({"category": 999999}, {"category": ["Category 999999 not found."]}),
])
def test_expense_validation_messages(owner_api, group, owner, bea, overrides, errors):
    stranger = UserFactory()
    shares = {
        "EXACT": [{"user": owner.pk, "value": "50"}, {"user": bea.pk, "value": "40"}],
        "PERCENT": [{"user": owner.pk, "value": "50"}, {"user": bea.pk, "value": "40"}],
        "NEGATIVE": [{"user": owner.pk, "value": "2"}, {"user": bea.pk, "value": "-1"}],
        "ZERO": [{"user": owner.pk, "value": "0"}, {"user": bea.pk, "value": "0"}],
        "STRANGER": [{"user": owner.pk}, {"user": stranger.pk}],
        "TWICE": [{"user": bea.pk}, {"user": bea.pk}],
    }
    payers = {"SHORT": [{"user": owner.pk, "amount": "60"}]}
    body = _expense_body(owner, [owner, bea], **overrides)
    if isinstance(body["shares"], str):
        body["shares"] = shares[body["shares"]]
    if isinstance(body["payers"], str):
        body["payers"] = payers[body["payers"]]

    response = owner_api.post(f"{API}{group.pk}/expenses/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert response.json()["fields"] == errors
    assert not GroupExpense.objects.filter(description="Dinner").exists()


def test_edit_and_delete_an_expense(bea_api, group, owner, bea):
    expense = services.expense_create(group=group, user=bea, description="Groceries", amount=Decimal("90.00"),
                                      on=dt.date(2026, 3, 2), payers=[Part(bea.pk)],
                                      shares=[Part(owner.pk), Part(bea.pk)])
    url = f"{API}{group.pk}/expenses/{expense.pk}/"
    body = _expense_body(bea, [], split_mode="exact", amount="90.00",
                         shares=[{"user": owner.pk, "value": "30"}, {"user": bea.pk, "value": "60"}])

    response = bea_api.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert [(s["user"], s["owed"]) for s in response.json()["shares"]] == [(owner.pk, "30.00"), (bea.pk, "60.00")]
    assert bea_api.patch(url, {"description": "x"}, format="json").status_code == 405

    assert bea_api.delete(url).status_code == 204
    assert bea_api.get(url).status_code == 404
    summaries = [a["summary"] for a in bea_api.get(f"{API}{group.pk}/activity/").json()["results"]]
    assert summaries[:2] == ["Bea deleted “Dinner” of 5 Mar 2026 (EUR 90.00)", "Bea edited “Dinner”"]


def test_only_whoever_added_paid_or_owns_changes_an_expense(owner_api, bea_api, group, expense, owner, bea):
    url = f"{API}{group.pk}/expenses/{expense.pk}/"  # the owner added and paid it; Bea shares it
    assert bea_api.get(url).json()["can_change"] is False
    assert owner_api.get(url).json()["can_change"] is True

    refused = "Only the person who added this expense, the people who paid it or the group's owner can change or " \
              "delete it."
    for response in (bea_api.put(url, _expense_body(bea, [bea], amount="1.00"), format="json"), bea_api.delete(url)):
        assert (response.status_code, response.json()["code"], response.json()["message"]) == (
            403, "permission_denied", refused)
    assert owner_api.get(url).json()["total"] == "90.00"

    mine = bea_api.post(f"{API}{group.pk}/expenses/", _expense_body(bea, [owner, bea]), format="json").json()
    assert mine["can_change"] is True
    assert owner_api.get(f"{API}{group.pk}/expenses/{mine['id']}/").json()["can_change"] is True  # the owner
    assert owner_api.delete(f"{API}{group.pk}/expenses/{mine['id']}/").status_code == 204
    feed = bea_api.get(f"{API}{group.pk}/activity/").json()["results"]
    assert (feed[0]["verb"], feed[0]["actor"], feed[0]["summary"]) == (
        "expense_deleted", owner.pk, "Olivia Owner deleted “Dinner” of 5 Mar 2026 (EUR 100.00)")


def test_only_whoever_recorded_paid_or_owns_deletes_a_payment(owner_api, other_api, group, owner, bea, other_user):
    Membership.objects.create(group=group, user=other_user)
    cai_api = other_api
    payment = services.settlement_create(group=group, user=bea, payer_id=bea.pk, payee_id=other_user.pk,
                                         amount="20", on=dt.date(2026, 3, 6))
    url = f"{API}{group.pk}/settlements/{payment.pk}/"
    assert [s["can_delete"] for s in cai_api.get(f"{API}{group.pk}/settlements/").json()["results"]] == [False]

    response = cai_api.delete(url)  # the payee
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (
        403, "permission_denied",
        "Only the person who recorded this payment, the one who paid it or the group's owner can delete it.")
    assert Settlement.objects.filter(pk=payment.pk).exists()

    assert owner_api.delete(url).status_code == 204
    feed = cai_api.get(f"{API}{group.pk}/activity/").json()["results"]
    assert (feed[0]["verb"], feed[0]["summary"]) == (
        "settlement_deleted", "Olivia Owner deleted the payment of EUR 20.00 from Bea to Oscar Other of 6 Mar 2026")


def test_expense_filters(owner_api, group, owner, bea):
    def add(description, on, sharers):
        services.expense_create(group=group, user=owner, description=description, amount=Decimal("10"), on=on,
                                payers=[Part(owner.pk)], shares=[Part(u.pk) for u in sharers])

    add("Rent March", dt.date(2026, 3, 1), [owner, bea])
    add("Coffee", dt.date(2026, 3, 10), [owner])
    add("Rent April", dt.date(2026, 4, 1), [owner, bea])
    url = f"{API}{group.pk}/expenses/"

    def names(query):
        return [e["description"] for e in owner_api.get(url, query).json()["results"]]

    assert names({}) == ["Rent April", "Coffee", "Rent March"]
    assert names({"search": "rent"}) == ["Rent April", "Rent March"]
    assert names({"member": bea.pk}) == ["Rent April", "Rent March"]
    assert names({"start": "2026-03-05", "end": "2026-03-31"}) == ["Coffee"]
    bad = owner_api.get(url, {"start": "2026-04-01", "end": "2026-03-01", "member": "x"})
    assert bad.status_code == 400
    assert bad.json()["fields"] == {"member": ["A valid integer is required."]}
    assert owner_api.get(url, {"start": "2026-04-01", "end": "2026-03-01"}).json()["fields"] == {
        "end": ["The end date comes before the start date."]}


def test_expense_list_runs_a_constant_number_of_queries(owner_api, group, owner, bea,
                                                        django_assert_max_num_queries):
    for number in range(15):
        services.expense_create(group=group, user=owner, description=f"Item {number}", amount=Decimal("10"),
                                on=dt.date(2026, 3, 1), payers=[Part(owner.pk, "4"), Part(bea.pk, "6")],
                                shares=[Part(owner.pk), Part(bea.pk)])

    with django_assert_max_num_queries(8):
        response = owner_api.get(f"{API}{group.pk}/expenses/")
    assert response.json()["count"] == 15


# --- settlements, balances, settle-up, activity ------------------------------------------------------------

def test_balances_settle_up_and_recording_the_suggested_payment(bea_api, group, expense, owner, bea):
    base = f"{API}{group.pk}"

    assert bea_api.get(f"{base}/balances/").json()["results"] == [
        {"user": owner.pk, "name": "Olivia Owner", "balance": "45.00"},
        {"user": bea.pk, "name": "Bea", "balance": "-45.00"}]
    plan = bea_api.get(f"{base}/settle-up/").json()["results"]
    assert plan == [{"from": bea.pk, "from_name": "Bea", "to": owner.pk, "to_name": "Olivia Owner",
                     "amount": "45.00"}]

    created = bea_api.post(f"{base}/settlements/", {"payer": plan[0]["from"], "payee": plan[0]["to"],
                                                   "amount": plan[0]["amount"], "date": "2026-03-06"}, format="json")
    assert created.status_code == 201
    assert (created.json()["payer_name"], created.json()["amount"]) == ("Bea", "45.00")
    assert {b["balance"] for b in bea_api.get(f"{base}/balances/").json()["results"]} == {"0.00"}
    assert bea_api.get(f"{base}/settle-up/").json()["results"] == []

    listed = bea_api.get(f"{base}/settlements/").json()["results"]
    assert [s["id"] for s in listed] == [created.json()["id"]]
    assert bea_api.delete(f"{base}/settlements/{created.json()['id']}/").status_code == 204
    assert bea_api.get(f"{base}/settle-up/").json()["results"] == plan
    summaries = [a["summary"] for a in bea_api.get(f"{base}/activity/").json()["results"]]
    assert summaries[:2] == ["Bea deleted the payment of EUR 45.00 from Bea to Olivia Owner of 6 Mar 2026",
                             "Bea paid Olivia Owner EUR 45.00"]


def test_settlement_messages(owner_api, group, owner, bea):
    url = f"{API}{group.pk}/settlements/"

    def fields(body):
        return owner_api.post(url, body, format="json").json()["fields"]

    assert fields({"payer": owner.pk, "payee": owner.pk, "amount": "5"}) == {
        "payee": ["A payment needs two different people."]}
    assert fields({"payer": owner.pk, "payee": UserFactory().pk, "amount": "5"}) == {
        "payer": ["Both people must be members of the group."]}
    assert fields({"payer": owner.pk, "payee": bea.pk, "amount": "0"}) == {
        "amount": ["Enter 0.01 or more."]}


def test_balance_endpoints_run_a_constant_number_of_queries(owner_api, group, owner, bea,
                                                            django_assert_max_num_queries):
    for _ in range(3):
        member = UserFactory()
        Membership.objects.create(group=group, user=member)
        services.expense_create(group=group, user=owner, description="Fuel", amount=Decimal("30"),
                                on=dt.date(2026, 3, 1), payers=[Part(member.pk)],
                                shares=[Part(owner.pk), Part(bea.pk), Part(member.pk)])

    for path in ("balances", "settle-up"):
        with django_assert_max_num_queries(9):
            assert owner_api.get(f"{API}{group.pk}/{path}/").status_code == 200


def test_activity_is_paginated_newest_first(owner_api, group, expense):
    response = owner_api.get(f"{API}{group.pk}/activity/", {"page_size": 1})

    assert response.json()["count"] == 2
    assert [a["summary"] for a in response.json()["results"]] == ["Olivia Owner added “Groceries” (EUR 90.00)"]
