"""The group pages: what a member sees and can do, what an outsider cannot, and the invitation flow."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from groups import selectors, services
from groups.models import (
    GroupActivity,
    GroupExpense,
    Invite,
    InviteStatus,
    Settlement,
    SplitMode,
    invite_token_hash,
)
from groups.services import Part
from notifications.models import Notification, NotificationKind
from transactions.tests.factories import TransactionFactory, category

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def group(owner, other_user):
    group = services.group_create(user=owner, name="Flat share", currency="EUR")
    services._join(group, other_user)
    return group


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def member_client(client, other_user):
    client.force_login(other_user)
    return client


@pytest.fixture
def outsider_client(client, db):
    client.force_login(UserFactory(email="stranger@example.com", display_name="Stan"))
    return client


def dinner(group, owner, other_user, amount="90.00", **kwargs):
    return services.expense_create(group=group, user=owner, description="Dinner", amount=Decimal(amount),
                                   on=DAY, payers=[Part(owner.pk, Decimal(amount))],
                                   shares=[Part(owner.pk), Part(other_user.pk)], **kwargs)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def listed_expenses(response) -> list[str]:
    return re.findall(r"data-expense-description>([^<]*)<", response.content.decode())


# --- list --------------------------------------------------------------------------------------------------

def test_group_list_shows_each_group_with_my_balance(owner_client, group, owner, other_user):
    dinner(group, owner, other_user)
    services.group_create(user=owner, name="Ski trip", currency="CHF")
    text = page_text(owner_client.get(reverse("groups:list")))
    assert "Flat share" in text and "You are owed EUR 45.00" in text
    assert "Ski trip" in text and "Settled up" in text


def test_member_sees_what_they_owe(member_client, group, owner, other_user):
    dinner(group, owner, other_user)
    assert "You owe EUR 45.00" in page_text(member_client.get(reverse("groups:list")))


def test_create_group_from_the_list(owner_client, owner):
    response = owner_client.post(reverse("groups:list"), {"name": "Trip", "currency": "USD"})
    group = selectors.group_list(user=owner).get(name="Trip")
    assert response.status_code == 302 and response.url == reverse("groups:detail", kwargs={"pk": group.pk})
    assert group.currency == "USD" and selectors.is_owner(group=group, user=owner)


def test_create_group_without_a_name_shows_the_error(owner_client, owner):
    response = owner_client.post(reverse("groups:list"), {"name": "  ", "currency": "EUR"})
    assert response.status_code == 200 and "This field is required." in page_text(response)
    assert not selectors.group_list(user=owner).exists()


def test_group_list_runs_a_constant_number_of_queries(owner_client, owner, other_user, django_assert_max_num_queries):
    for n in range(6):
        g = services.group_create(user=owner, name=f"G{n}", currency="EUR")
        services._join(g, other_user)
        dinner(g, owner, other_user)
    with django_assert_max_num_queries(14):
        assert owner_client.get(reverse("groups:list")).status_code == 200


# --- group page --------------------------------------------------------------------------------------------

def test_group_page_shows_expenses_balances_plan_and_activity(owner_client, group, owner, other_user):
    dinner(group, owner, other_user)
    text = page_text(owner_client.get(reverse("groups:detail", kwargs={"pk": group.pk})))
    assert "Dinner" in text and "EUR 90.00" in text
    assert "Paid by Olivia Owner EUR 90.00" in text.replace("</span> ", " ")
    assert "is owed EUR 45.00" in text and "owes EUR 45.00" in text
    assert "Record this payment" in text
    assert "Olivia Owner added “Dinner” (EUR 90.00)" in text



def test_an_expense_description_with_markup_shows_as_text_with_its_links(owner_client, group, owner, other_user):
    expense = services.expense_create(group=group, user=owner, description='<script>alert("x")</script> Taxi & tip',
                                      amount=Decimal("20"), on=DAY, payers=[Part(owner.pk)],
                                      shares=[Part(owner.pk), Part(other_user.pk)])
    page = owner_client.get(reverse("groups:detail", kwargs={"pk": group.pk})).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Taxi &amp; tip" in page
    kw = {"pk": group.pk, "expense_pk": expense.pk}
    assert f'href="{reverse("groups:expense_edit", kwargs=kw)}"' in page
    assert f'href="{reverse("groups:expense_delete", kwargs=kw)}"' in page



def test_group_page_counts_and_categories_follow_each_new_or_deleted_expense(owner_client, group, owner, other_user):
    url = reverse("groups:detail", kwargs={"pk": group.pk})
    for _ in range(25):
        dinner(group, owner, other_user, amount="10")
    first = page_text(owner_client.get(url))
    assert " of 25" not in first and ">Rideshare</option>" not in first  # one page: no page links; no category yet

    taxi = services.expense_create(group=group, user=owner, description="Cab", amount=Decimal("12"), on=DAY,
                                   payers=[Part(owner.pk)], shares=[Part(owner.pk), Part(other_user.pk)],
                                   category=category("transportation.rideshare"))
    second = page_text(owner_client.get(url))
    assert "1–25 of 26" in second
    assert ">Rideshare</option>" in second

    services.expense_delete(expense=taxi, user=owner)
    third = page_text(owner_client.get(url))
    assert " of 26" not in third and ">Rideshare</option>" not in third



def test_group_page_names_who_paid_and_who_shares_also_after_one_left(owner_client, group, owner, other_user):
    dinner(group, owner, other_user, amount="90.00")
    services.settlement_create(group=group, user=other_user, payer_id=other_user.pk, payee_id=owner.pk,
                               amount="45", on=DAY)
    services.member_leave(group=group, user=other_user)
    text = page_text(owner_client.get(reverse("groups:detail", kwargs={"pk": group.pk}))).replace("</span> ", " ")
    assert f"Paid by {owner.get_short_name()} EUR 90.00" in text
    assert f"Shared by {owner.get_short_name()} EUR 45.00, {other_user.get_short_name()} EUR 45.00" in text

    # People whose membership was not read are looked up (one query), never left unnamed.
    names = selectors.expense_people_names(expenses=list(selectors.expense_rows(group=group)), memberships=[])
    assert names == {owner.pk: owner.get_short_name(), other_user.pk: other_user.get_short_name()}


def test_group_page_filters_expenses(owner_client, group, owner, other_user):
    dinner(group, owner, other_user)
    services.expense_create(group=group, user=owner, description="Train tickets", amount=Decimal("20"),
                            on=DAY + dt.timedelta(days=20), payers=[Part(owner.pk)], shares=[Part(owner.pk)])
    url = reverse("groups:detail", kwargs={"pk": group.pk})
    assert listed_expenses(owner_client.get(url)) == ["Train tickets", "Dinner"]
    assert listed_expenses(owner_client.get(url, {"q": "train"})) == ["Train tickets"]
    assert listed_expenses(owner_client.get(url, {"member": other_user.pk})) == ["Dinner"]
    assert listed_expenses(owner_client.get(url, {"start": "2026-03-20"})) == ["Train tickets"]
    assert listed_expenses(owner_client.get(url, {"end": "2026-03-10"})) == ["Dinner"]
    # Nonsense filters and pages are ignored, never a 500.
    assert owner_client.get(url, {"start": "yesterday", "member": "x", "category": "99999999999", "page": "-3"}
                            ).status_code == 200


def test_group_page_runs_a_constant_number_of_queries(owner_client, group, owner, other_user):
    def count(n):
        GroupExpense.objects.filter(group=group).delete()
        for _ in range(n):
            dinner(group, owner, other_user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert owner_client.get(reverse("groups:detail", kwargs={"pk": group.pk})).status_code == 200
        return len(context)

    assert count(5) == count(40)


def test_expense_create_equal_split(owner_client, group, owner, other_user):
    url = reverse("groups:expense_create", kwargs={"pk": group.pk})
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url, {
        "description": "Groceries", "date": "2026-03-01", "amount": "10.00", "currency": "EUR",
        "paid_by": "me", "split_mode": "equal", f"in_{owner.pk}": "on", f"in_{other_user.pk}": "on"})
    assert response.status_code == 302
    expense = GroupExpense.objects.get(description="Groceries")
    assert sorted(s.owed_cents for s in expense.shares.all()) == [500, 500]
    assert selectors.group_balances(group=group) == {owner.pk: 500, other_user.pk: -500}


def test_expense_create_by_shares_with_several_payers(owner_client, group, owner, other_user):
    response = owner_client.post(reverse("groups:expense_create", kwargs={"pk": group.pk}), {
        "description": "Holiday flat", "date": "2026-03-01", "amount": "100.00", "currency": "EUR",
        "paid_by": "several", f"paid_{owner.pk}": "60", f"paid_{other_user.pk}": "40",
        "split_mode": "shares", f"weight_{owner.pk}": "1", f"weight_{other_user.pk}": "2"})
    assert response.status_code == 302
    expense = GroupExpense.objects.get(description="Holiday flat")
    assert {s.user_id: s.owed_cents for s in expense.shares.all()} == {owner.pk: 3333, other_user.pk: 6667}
    assert {p.user_id: p.paid_cents for p in expense.payers.all()} == {owner.pk: 6000, other_user.pk: 4000}


def test_expense_in_another_currency_shows_the_converted_total(owner_client, group, owner, other_user):
    response = owner_client.post(reverse("groups:expense_create", kwargs={"pk": group.pk}), {
        "description": "Museum", "date": "2024-03-01", "amount": "50.00", "currency": "USD",
        "paid_by": "me", "split_mode": "equal", f"in_{owner.pk}": "on", f"in_{other_user.pk}": "on"}, follow=True)
    expense = GroupExpense.objects.get(description="Museum")
    assert expense.original_currency == "USD" and expense.fx_rate != 1
    assert f"USD 50.00 is EUR {expense.total:,.2f} at the ECB rate of 1 Mar 2024" in page_text(response)


def test_percentages_that_do_not_add_up_are_refused_and_nothing_is_saved(owner_client, group, owner, other_user):
    response = owner_client.post(reverse("groups:expense_create", kwargs={"pk": group.pk}), {
        "description": "Rent", "date": "2026-03-01", "amount": "1000", "currency": "EUR", "paid_by": "me",
        "split_mode": "percent", f"percent_{owner.pk}": "50", f"percent_{other_user.pk}": "45"})
    assert response.status_code == 200
    assert "The percentages add up to 95%, not 100%." in page_text(response)
    assert not GroupExpense.objects.filter(group=group).exists()


def test_exact_parts_that_do_not_match_are_refused(owner_client, group, owner, other_user):
    response = owner_client.post(reverse("groups:expense_create", kwargs={"pk": group.pk}), {
        "description": "Rent", "date": "2026-03-01", "amount": "10", "currency": "EUR", "paid_by": "me",
        "split_mode": "exact", f"exact_{owner.pk}": "5", f"exact_{other_user.pk}": "1.60"})
    assert "The parts add up to 6.60, not the total of 10.00." in page_text(response)
    assert not GroupExpense.objects.exists()


def test_payers_that_do_not_match_are_refused(owner_client, group, owner, other_user):
    response = owner_client.post(reverse("groups:expense_create", kwargs={"pk": group.pk}), {
        "description": "Rent", "date": "2026-03-01", "amount": "10", "currency": "EUR", "paid_by": "several",
        f"paid_{owner.pk}": "3", "split_mode": "equal", f"in_{owner.pk}": "on"})
    assert "The payers paid 3.00 in all, not 10.00." in page_text(response)
    assert not GroupExpense.objects.exists()


def test_garbage_in_the_expense_form_is_a_form_error_not_a_500(owner_client, group, owner):
    response = owner_client.post(reverse("groups:expense_create", kwargs={"pk": group.pk}), {
        "description": "", "date": "soon", "amount": "lots", "currency": "XXX", "paid_by": "?", "split_mode": "?",
        f"weight_{owner.pk}": "NaN", "category": "99999", "transaction": "abc"})
    assert response.status_code == 200 and not GroupExpense.objects.exists()


def test_link_my_transaction(owner_client, group, owner, other_user, account):
    today = owner.financial_profile.local_today()
    txn = TransactionFactory(owner=owner, account=account, date=today - dt.timedelta(days=2), amount=Decimal("-10.00"),
                             currency="EUR", description="REWE")
    url = reverse("groups:expense_create", kwargs={"pk": group.pk})
    assert "REWE" in page_text(owner_client.get(url))
    owner_client.post(url, {"description": "Groceries", "date": f"{today}", "amount": "10.00", "currency": "EUR",
                            "paid_by": "me", "split_mode": "equal", f"in_{owner.pk}": "on",
                            f"in_{other_user.pk}": "on", "transaction": txn.pk})
    assert GroupExpense.objects.get().payers.get().transaction == txn


def test_edit_and_delete_an_expense(owner_client, group, owner, other_user):
    expense = dinner(group, owner, other_user)
    url = reverse("groups:expense_edit", kwargs={"pk": group.pk, "expense_pk": expense.pk})
    assert 'value="90.00"' in owner_client.get(url).content.decode()
    response = owner_client.post(url, {
        "description": "Dinner out", "date": "2026-03-10", "amount": "100.00", "currency": "EUR",
        "paid_by": "me", "split_mode": "exact", f"exact_{owner.pk}": "30", f"exact_{other_user.pk}": "70"})
    assert response.status_code == 302
    assert selectors.group_balances(group=group) == {owner.pk: 7000, other_user.pk: -7000}
    delete = reverse("groups:expense_delete", kwargs={"pk": group.pk, "expense_pk": expense.pk})
    assert "Delete “Dinner out”?" in page_text(owner_client.get(delete))
    owner_client.post(delete)
    assert not GroupExpense.objects.exists()
    assert GroupActivity.objects.filter(group=group, summary__contains="deleted “Dinner out”").exists()


def test_record_a_suggested_payment_and_delete_it(member_client, group, owner, other_user):
    dinner(group, owner, other_user)
    url = reverse("groups:settle", kwargs={"pk": group.pk})
    response = member_client.post(url, {"payer": other_user.pk, "payee": owner.pk, "amount": "45.00"}, follow=True)
    assert "Recorded: Oscar Other paid Olivia Owner EUR 45.00." in page_text(response)
    assert selectors.group_balances(group=group) == {owner.pk: 0, other_user.pk: 0}
    assert "Everyone is settled up." in page_text(response)
    settlement = Settlement.objects.get()
    member_client.post(reverse("groups:settlement_delete", kwargs={"pk": group.pk, "settlement_pk": settlement.pk}))
    assert not Settlement.objects.exists()


def test_partial_payment_and_nonsense_payment(member_client, group, owner, other_user):
    dinner(group, owner, other_user)
    url = reverse("groups:settle", kwargs={"pk": group.pk})
    member_client.post(url, {"payer": other_user.pk, "payee": owner.pk, "amount": "20", "date": "2026-03-11"})
    assert selectors.group_balances(group=group)[other_user.pk] == -2500
    response = member_client.post(url, {"payer": other_user.pk, "payee": other_user.pk, "amount": "5"}, follow=True)
    assert "A payment needs two different people." in page_text(response)
    response = member_client.post(url, {"payer": "999999", "payee": owner.pk, "amount": "-1"}, follow=True)
    assert response.status_code == 200 and "The payment was not recorded." in page_text(response)
    assert Settlement.objects.count() == 1


def test_activity_page(owner_client, group):
    response = owner_client.get(reverse("groups:activity", kwargs={"pk": group.pk}))
    assert "Olivia Owner created the group" in page_text(response)


def test_dashboard_has_charts_and_tables(owner_client, group, owner, other_user):
    dinner(group, owner, other_user)
    text = page_text(owner_client.get(reverse("groups:dashboard", kwargs={"pk": group.pk})))
    assert 'id="group-members-chart"' in text and 'id="group-categories-chart"' in text
    assert "Mar 2026" in text and "Uncategorized" in text and "EUR 90.00" in text


def test_rename_by_the_owner(owner_client, group):
    owner_client.post(reverse("groups:rename", kwargs={"pk": group.pk}), {"name": "Home"})
    group.refresh_from_db()
    assert group.name == "Home"


# --- members and invitations -------------------------------------------------------------------------------

def test_owner_invites_a_new_person_who_signs_up_and_joins(client, owner_client, group, owner,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("groups:invite", kwargs={"pk": group.pk}), {"email": "new@example.com"},
                                     follow=True)
    until = timezone.localtime(timezone.now() + dt.timedelta(days=14))
    assert f"Invitation sent to new@example.com; its link works until {until:%-d %b %Y}." in page_text(response)
    assert "new@example.com" in page_text(response)  # pending, with a Withdraw button
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@example.com"]
    invite = Invite.objects.get(email="new@example.com")
    path = re.search(r"/groups/invites/[^/\s]+/", mail.outbox[0].body).group()
    # The database keeps only the link's hash: a copy of it cannot answer the invitation.
    assert invite.token_hash == invite_token_hash(path.split("/")[-2]) and path.split("/")[-2] != invite.token_hash
    assert f"The link works until {until:%-d %b %Y}, and only for this address." in mail.outbox[0].body

    client.logout()
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:signup"))
    signup = client.get(response.url)
    assert 'value="new@example.com"' in signup.content.decode()
    assert f'name="next" value="{path}"' in signup.content.decode()
    response = client.post(f"{reverse('accounts:signup')}", {
        "email": "new@example.com", "display_name": "Nina", "password1": PASSWORD + "x!",
        "password2": PASSWORD + "x!", "next": path})
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    # The link that finishes sign-up leads on to the invitation.
    response = client.post(signup_link(mail.outbox[-1]))
    assert response.status_code == 302 and response.url == path
    assert "Accept" in page_text(client.get(path))
    response = client.post(path, {"action": "accept"})
    assert response.url == reverse("groups:detail", kwargs={"pk": group.pk})
    nina = User.objects.get(email="new@example.com")
    assert nina in [m.user for m in selectors.member_list(group=group)]
    assert GroupActivity.objects.filter(group=group, summary="Nina joined the group").exists()
    invite.refresh_from_db()
    assert invite.status == InviteStatus.ACCEPTED
    assert "already been accepted" in page_text(client.get(path))


def test_existing_user_gets_a_notification_and_accepts_from_the_list(client, owner, group,
                                                                     django_capture_on_commit_callbacks):
    friend = UserFactory(email="friend@example.com", display_name="Fred")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_create(group=group, inviter=owner, email="friend@example.com")
    note = Notification.objects.get(user=friend, kind=NotificationKind.GROUP_INVITE)
    invite = Invite.objects.get(email="friend@example.com")
    assert note.link.startswith("/groups/invites/")
    assert invite_token_hash(note.link.split("/")[-2]) == invite.token_hash
    client.force_login(friend)
    text = page_text(client.get(reverse("groups:list")))
    assert "invited you to" in text and "Flat share" in text
    client.post(note.link, {"action": "accept"})
    assert selectors.group_list(user=friend).filter(pk=group.pk).exists()


def test_decline_and_closed_invitations(client, owner, group):
    invite = services.invite_create(group=group, inviter=owner, email="maybe@example.com")
    client.force_login(UserFactory(email="maybe@example.com"))
    response = client.post(f"/groups/invites/{invite.token}/", {"action": "decline"})
    assert response.url == reverse("groups:list")
    assert "This invitation was declined." in page_text(client.get(f"/groups/invites/{invite.token}/"))
    revoked = services.invite_create(group=group, inviter=owner, email="gone@example.com")
    services.invite_revoke(invite=revoked, owner=owner)
    client.force_login(UserFactory(email="gone@example.com"))
    assert "withdrawn" in page_text(client.get(f"/groups/invites/{revoked.token}/"))
    response = client.post(f"/groups/invites/{revoked.token}/", {"action": "accept"}, follow=True)
    assert "already withdrawn" in page_text(response)
    assert client.get("/groups/invites/not-a-token/").status_code == 404


def test_owner_revokes_an_invite(owner_client, group, owner):
    invite = services.invite_create(group=group, inviter=owner, email="x@example.com")
    owner_client.post(reverse("groups:invite_revoke", kwargs={"pk": group.pk, "invite_pk": invite.pk}))
    invite.refresh_from_db()
    assert invite.status == InviteStatus.REVOKED


def test_someone_else_opening_the_link_sees_whom_it_was_for_and_cannot_answer(client, owner, group):
    invite = services.invite_create(group=group, inviter=owner, email="maybe@example.com")
    client.force_login(UserFactory(email="mallory@example.com"))
    path = f"/groups/invites/{invite.token}/"

    response = client.get(path)
    assert response.status_code == 403
    text = page_text(response)
    assert "This invitation was sent to m***@example.com, not to the address you are signed in with." in text
    assert "maybe@example.com" not in text and "Flat share" not in text
    assert 'value="accept"' not in response.content.decode()
    for action in ("accept", "decline"):
        response = client.post(path, {"action": action})
        assert response.status_code == 403 and "m***@example.com" in page_text(response)
    invite.refresh_from_db()
    assert invite.status == InviteStatus.PENDING
    assert not selectors.group_list(user=User.objects.get(email="mallory@example.com")).exists()


def test_an_expired_link_says_so_and_the_owner_sends_a_new_one(client, owner, group, time_machine,
                                                              django_capture_on_commit_callbacks):
    time_machine.move_to(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False)
    old = services.invite_create(group=group, inviter=owner, email="maybe@example.com")
    maybe = UserFactory(email="maybe@example.com")
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC), tick=False)
    old_path = f"/groups/invites/{old.token}/"

    client.logout()  # a stranger to the site is not sent to sign up for a dead link
    assert "This invitation expired on 15 Mar 2026. Ask Olivia Owner to send you a new one." in page_text(
        client.get(old_path))
    client.force_login(maybe)
    response = client.get(old_path)
    assert "This invitation expired on 15 Mar 2026." in page_text(response)
    assert 'value="accept"' not in response.content.decode()
    response = client.post(old_path, {"action": "accept"}, follow=True)
    assert "This invitation expired on 15 Mar 2026. Ask the group's owner to send a new one." in page_text(response)
    assert "Flat share" not in page_text(client.get(reverse("groups:list")))

    client.force_login(owner)
    detail = page_text(client.get(reverse("groups:detail", kwargs={"pk": group.pk})))
    pending = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", detail.split('aria-label="Pending invitations">')[1])).strip()
    assert pending.startswith("maybe@example.com Expired 15 Mar Send a new one Withdraw")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("groups:invite", kwargs={"pk": group.pk}), {"email": "maybe@example.com"},
                               follow=True)
    assert "Invitation sent to maybe@example.com; its link works until 30 Mar 2026." in page_text(response)
    new_link = Notification.objects.filter(user=maybe, kind=NotificationKind.GROUP_INVITE).latest("id").link
    assert Invite.objects.get(status=InviteStatus.PENDING).token_hash == invite_token_hash(new_link.split("/")[-2])
    assert new_link != old_path

    client.force_login(maybe)
    assert "expired" in page_text(client.get(old_path))
    client.post(new_link, {"action": "accept"})
    assert selectors.group_list(user=maybe).filter(pk=group.pk).exists()


def test_bad_invite_email_shows_the_message(owner_client, group):
    response = owner_client.post(reverse("groups:invite", kwargs={"pk": group.pk}), {"email": "nope"}, follow=True)
    assert "Enter a valid email address." in page_text(response)


def test_leave_and_remove_are_refused_with_a_balance(owner_client, group, owner, other_user):
    dinner(group, owner, other_user)
    response = owner_client.post(reverse("groups:member_remove", kwargs={"pk": group.pk, "user_pk": other_user.pk}),
                                 follow=True)
    assert "Oscar Other still owes EUR 45.00; settle up first." in page_text(response)
    response = owner_client.post(reverse("groups:leave", kwargs={"pk": group.pk}), follow=True)
    assert "You can leave once you are settled up; you are owed EUR 45.00." in page_text(response)
    assert len(selectors.member_list(group=group)) == 2


def test_remove_and_leave_with_zero_balance(owner_client, group, owner, other_user, client):
    owner_client.post(reverse("groups:member_remove", kwargs={"pk": group.pk, "user_pk": other_user.pk}))
    assert [m.user for m in selectors.member_list(group=group)] == [owner]
    response = owner_client.post(reverse("groups:leave", kwargs={"pk": group.pk}))
    assert response.url == reverse("groups:list")
    assert not selectors.group_list(user=owner).exists()


# --- who may change what -----------------------------------------------------------------------------------

def test_edit_and_delete_are_offered_and_allowed_only_to_whoever_added_paid_or_owns(client, group, owner,
                                                                                   other_user):
    third = UserFactory(email="third@example.com", display_name="Tia")
    services._join(group, third)
    expense = services.expense_create(group=group, user=other_user, description="Pizza", amount=Decimal("30"),
                                      on=DAY, payers=[Part(other_user.pk)],
                                      shares=[Part(owner.pk), Part(other_user.pk), Part(third.pk)])
    payment = services.settlement_create(group=group, user=third, payer_id=third.pk, payee_id=other_user.pk,
                                         amount="10", on=DAY)
    kw = {"pk": group.pk, "expense_pk": expense.pk}
    edit, delete = reverse("groups:expense_edit", kwargs=kw), reverse("groups:expense_delete", kwargs=kw)
    delete_payment = reverse("groups:settlement_delete", kwargs={"pk": group.pk, "settlement_pk": payment.pk})

    client.force_login(third)  # shares the pizza and paid the payment
    page = client.get(reverse("groups:detail", kwargs={"pk": group.pk})).content.decode()
    assert edit not in page and delete not in page
    assert delete_payment in page
    refused = "Only the person who added this expense, the people who paid it or the group's owner can change or delete it."
    for response in (client.get(edit), client.post(edit, {"description": "Mine", "amount": "1"}), client.get(delete),
                     client.post(delete)):
        assert response.status_code == 403 and refused in page_text(response)
    assert GroupExpense.objects.get().description == "Pizza"

    client.force_login(other_user)  # added and paid the pizza, received the payment
    page = client.get(reverse("groups:detail", kwargs={"pk": group.pk})).content.decode()
    assert edit in page and delete in page and delete_payment not in page
    response = client.post(delete_payment)
    assert response.status_code == 403
    assert "Only the person who recorded this payment, the one who paid it or the group's owner can delete it." in (
        page_text(response))
    assert Settlement.objects.exists()

    client.force_login(owner)  # neither added nor paid, but owns the group
    page = client.get(reverse("groups:detail", kwargs={"pk": group.pk})).content.decode()
    assert edit in page and delete in page and delete_payment in page
    client.post(delete)
    client.post(delete_payment)
    assert not GroupExpense.objects.exists() and not Settlement.objects.exists()


def test_deletions_stay_in_the_activity_every_member_sees(client, group, owner, other_user):
    dinner(group, owner, other_user)
    payment = services.settlement_create(group=group, user=other_user, payer_id=other_user.pk, payee_id=owner.pk,
                                         amount="45", on=DAY)
    client.force_login(owner)
    client.post(reverse("groups:expense_delete", kwargs={"pk": group.pk, "expense_pk": GroupExpense.objects.get().pk}))
    client.post(reverse("groups:settlement_delete", kwargs={"pk": group.pk, "settlement_pk": payment.pk}))

    client.force_login(other_user)
    for url in (reverse("groups:activity", kwargs={"pk": group.pk}), reverse("groups:detail", kwargs={"pk": group.pk})):
        text = page_text(client.get(url))
        assert "Olivia Owner deleted “Dinner” of 10 Mar 2026 (EUR 90.00)" in text
        assert "Olivia Owner deleted the payment of EUR 45.00 from Oscar Other to Olivia Owner of 10 Mar 2026" in text


# --- isolation ---------------------------------------------------------------------------------------------

def all_urls(group, expense, settlement, invite, member):
    kw = {"pk": group.pk}
    return [
        ("get", reverse("groups:detail", kwargs=kw)), ("get", reverse("groups:dashboard", kwargs=kw)),
        ("get", reverse("groups:activity", kwargs=kw)), ("get", reverse("groups:expense_create", kwargs=kw)),
        ("post", reverse("groups:expense_create", kwargs=kw)),
        ("get", reverse("groups:expense_edit", kwargs={**kw, "expense_pk": expense.pk})),
        ("post", reverse("groups:expense_edit", kwargs={**kw, "expense_pk": expense.pk})),
        ("get", reverse("groups:expense_delete", kwargs={**kw, "expense_pk": expense.pk})),
        ("post", reverse("groups:expense_delete", kwargs={**kw, "expense_pk": expense.pk})),
        ("post", reverse("groups:settle", kwargs=kw)),
        ("post", reverse("groups:settlement_delete", kwargs={**kw, "settlement_pk": settlement.pk})),
        ("post", reverse("groups:rename", kwargs=kw)), ("post", reverse("groups:leave", kwargs=kw)),
        ("post", reverse("groups:invite", kwargs=kw)),
        ("post", reverse("groups:invite_revoke", kwargs={**kw, "invite_pk": invite.pk})),
        ("post", reverse("groups:member_remove", kwargs={**kw, "user_pk": member.pk})),
    ]


def test_outsider_gets_404_everywhere(outsider_client, group, owner, other_user):
    expense = dinner(group, owner, other_user)
    settlement = services.settlement_create(group=group, user=owner, payer_id=other_user.pk, payee_id=owner.pk,
                                            amount="1")
    invite = services.invite_create(group=group, inviter=owner, email="x@example.com")
    for method, url in all_urls(group, expense, settlement, invite, other_user):
        assert getattr(outsider_client, method)(url, {"name": "Mine", "email": "a@b.c"}).status_code == 404, url
    listing = page_text(outsider_client.get(reverse("groups:list")))
    assert "Flat share" not in listing
    assert GroupExpense.objects.count() == 1 and Settlement.objects.count() == 1


def test_another_groups_objects_are_404_inside_my_group(owner_client, group, owner, other_user):
    elsewhere = services.group_create(user=other_user, name="Other", currency="EUR")
    expense = services.expense_create(group=elsewhere, user=other_user, description="X", amount=Decimal(5), on=DAY,
                                      payers=[Part(other_user.pk)], shares=[Part(other_user.pk)])
    url = reverse("groups:expense_edit", kwargs={"pk": group.pk, "expense_pk": expense.pk})
    assert owner_client.get(url).status_code == 404


def test_member_gets_403_with_a_message_on_owner_actions(member_client, group, owner, other_user):
    invite = services.invite_create(group=group, inviter=owner, email="x@example.com")
    kw = {"pk": group.pk}
    for url, data in ((reverse("groups:invite", kwargs=kw), {"email": "y@example.com"}),
                      (reverse("groups:invite_revoke", kwargs={**kw, "invite_pk": invite.pk}), {}),
                      (reverse("groups:member_remove", kwargs={**kw, "user_pk": owner.pk}), {}),
                      (reverse("groups:rename", kwargs=kw), {"name": "Mine"})):
        response = member_client.post(url, data)
        assert response.status_code == 403, url
        assert "Only the group's owner can manage its members." in page_text(response)
    group.refresh_from_db()
    assert group.name == "Flat share" and Invite.objects.filter(status=InviteStatus.PENDING).count() == 1
    detail = page_text(member_client.get(reverse("groups:detail", kwargs=kw)))
    assert "Send invitation" not in detail and "Leave the group" in detail


def test_anonymous_is_sent_to_log_in(client, group):
    response = client.get(reverse("groups:detail", kwargs={"pk": group.pk}))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- sign-up and log-in come back to ``next`` ----------------------------------------------------------------

def signup_link(message) -> str:
    link = next(word for word in message.body.split() if "/accounts/signup/confirm/" in word)
    return link[link.index("/accounts/"):]


def test_signup_and_login_honour_a_safe_next_only(client, db):
    client.post(reverse("accounts:signup"), {
        "email": "a@example.com", "display_name": "A", "password1": PASSWORD + "x!", "password2": PASSWORD + "x!",
        "next": "https://evil.example.com/"})
    response = client.post(signup_link(mail.outbox[-1]))
    assert response.status_code == 302 and response.url == reverse("accounts:financial_profile")
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "a@example.com", "password": PASSWORD + "x!",
                                                       "next": "/groups/"})
    assert response.status_code == 302 and response.url == "/groups/"
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "a@example.com", "password": PASSWORD + "x!",
                                                       "next": "//evil.example.com/"})
    assert response.status_code == 302 and "evil" not in response.url


def test_split_modes_listed_in_the_form(owner_client, group):
    text = page_text(owner_client.get(reverse("groups:expense_create", kwargs={"pk": group.pk})))
    for label in SplitMode.labels:
        assert label in text


def test_the_admin_cannot_delete_expenses_or_payments_behind_the_activity_log(admin_client, group, owner,
                                                                               other_user):
    expense = dinner(group, owner, other_user)
    payment = services.settlement_create(group=group, user=owner, payer_id=other_user.pk, payee_id=owner.pk,
                                         amount="1", on=DAY)
    for path in (f"/admin/groups/groupexpense/{expense.pk}/delete/", f"/admin/groups/settlement/{payment.pk}/delete/"):
        assert admin_client.get(path).status_code == 403
        assert admin_client.post(path, {"post": "yes"}).status_code == 403
    response = admin_client.post("/admin/groups/groupexpense/", {"action": "delete_selected",
                                                                 "_selected_action": [expense.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert GroupExpense.objects.exists() and Settlement.objects.exists()
