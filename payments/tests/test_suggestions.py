"""Suggestions kept in step with detection, confirmed into bills or dismissed for good; price rises of known bills;
and the suggestions page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import Notification, NotificationKind
from payments.models import Frequency, RecurringPayment, RecurringSource, SubscriptionSuggestion, SuggestionStatus
from payments.services import recurring_payment_create
from payments.suggestions import (
    subscription_suggestions_refresh,
    suggestion_confirm,
    suggestion_dismiss,
    suggestion_restore,
)
from payments.tests.test_detection import TODAY, History, cleaning, everything, gym, netflix, rent, spotify
from transactions.tests.factories import AccountFactory, category


@pytest.fixture
def history(account):
    h = History(account)
    everything(h)
    h.save()
    return h


def pending(user) -> dict[str, SubscriptionSuggestion]:
    return {s.merchant_key: s for s in SubscriptionSuggestion.objects.filter(user=user,
                                                                            status=SuggestionStatus.PENDING)}


def found_notifications(user):
    return Notification.objects.filter(user=user, kind=NotificationKind.SUBSCRIPTION_FOUND)


def test_refresh_suggests_each_subscription_once_and_tells_the_user(owner, history):
    counts = subscription_suggestions_refresh(user=owner, today=TODAY)

    assert counts["created"] == 6
    netflix = pending(owner)["netflix com"]
    assert (netflix.amount, netflix.previous_amount, netflix.frequency) == (Decimal("15.99"), Decimal("12.99"),
                                                                            Frequency.MONTHLY)
    assert netflix.price_rose
    note = found_notifications(owner).get(dedupe_key=f"subscription_found:{netflix.pk}")
    assert note.title == "Subscription found: netflix.com"
    assert note.link == "/bills/suggestions/"
    assert note.context == {"merchant": "netflix.com", "amount": "15.99", "currency": "EUR", "frequency": "monthly",
                            "next_date": "2026-12-12", "charge_count": 24}

    again = subscription_suggestions_refresh(user=owner, today=TODAY)

    assert (again["created"], again["updated"]) == (0, 0)
    assert SubscriptionSuggestion.objects.filter(user=owner).count() == 6
    assert found_notifications(owner).count() == 6


def test_a_pending_suggestion_follows_new_charges(owner, account, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    h = History(account)
    h.add(date(2026, 12, 12), "-17.99", "SEPA-LASTSCHRIFT NETFLIX.COM 99")
    h.save()

    counts = subscription_suggestions_refresh(user=owner, today=date(2026, 12, 14))

    netflix = pending(owner)["netflix com"]
    assert counts["updated"] >= 1
    # 24 charges still: the oldest one has left the two-year window.
    assert (netflix.amount, netflix.charge_count, netflix.last_date, netflix.next_date) == (
        Decimal("17.99"), 24, date(2026, 12, 12), date(2027, 1, 12))
    assert found_notifications(owner).count() == 6  # an update tells nothing new


def test_a_dismissed_suggestion_does_not_come_back(owner, account, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    spotify_suggestion = pending(owner)["spotify"]

    suggestion_dismiss(user=owner, suggestion=spotify_suggestion)
    h = History(account)
    h.add(date(2026, 12, 3), "-11.99", "Spotify P123 Stockholm", "Spotify")
    h.save()
    subscription_suggestions_refresh(user=owner, today=date(2026, 12, 5))

    spotify_suggestion.refresh_from_db()
    assert spotify_suggestion.status == SuggestionStatus.DISMISSED
    assert spotify_suggestion.amount == Decimal("10.99")
    assert spotify_suggestion.decided_at is not None
    assert "spotify" not in pending(owner)
    assert found_notifications(owner).count() == 6


def test_undo_puts_a_dismissed_suggestion_back(owner, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    gym_suggestion = pending(owner)["fitx"]
    suggestion_dismiss(user=owner, suggestion=gym_suggestion)

    suggestion_restore(user=owner, suggestion=gym_suggestion)

    gym_suggestion.refresh_from_db()
    assert (gym_suggestion.status, gym_suggestion.decided_at) == (SuggestionStatus.PENDING, None)


def test_confirming_creates_a_bill_on_the_detected_schedule(owner, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    netflix = pending(owner)["netflix com"]

    payment = suggestion_confirm(user=owner, suggestion=netflix, overrides={"name": "Netflix"}, today=TODAY)

    assert (payment.name, payment.payee, payment.amount, payment.currency) == (
        "Netflix", "netflix.com", Decimal("15.99"), "EUR")
    assert (payment.frequency, payment.day_of_month, payment.next_due_date) == (
        Frequency.MONTHLY, 12, date(2026, 12, 12))
    assert payment.source == RecurringSource.DETECTED
    assert payment.account == history.account
    netflix.refresh_from_db()
    assert (netflix.status, netflix.recurring_payment) == (SuggestionStatus.CONFIRMED, payment)

    # Known now: the next refresh neither suggests it again nor touches the confirmed suggestion.
    subscription_suggestions_refresh(user=owner, today=TODAY)
    assert "netflix com" not in pending(owner)
    assert RecurringPayment.objects.filter(user=owner).count() == 1


def test_confirming_a_four_weekly_and_a_weekly_series(owner, account):
    h = History(account)
    gym(h)
    cleaning(h)
    h.save()
    subscription_suggestions_refresh(user=owner, today=TODAY)
    suggestions = pending(owner)

    gym_bill = suggestion_confirm(user=owner, suggestion=suggestions["fitx"], today=TODAY)
    cleaning_bill = suggestion_confirm(user=owner, suggestion=suggestions["maria kowalski"], today=TODAY)

    assert (gym_bill.frequency, gym_bill.interval, gym_bill.amount) == (Frequency.EVERY_N_WEEKS, 4, Decimal("29.90"))
    assert gym_bill.next_due_date == suggestions["fitx"].next_date
    assert (cleaning_bill.frequency, cleaning_bill.next_due_date.weekday()) == (Frequency.WEEKLY, 4)


def test_confirm_can_file_under_another_category_and_account(owner, account):
    h = History(account)
    rent(h)
    h.save()
    subscription_suggestions_refresh(user=owner, today=TODAY)
    savings = AccountFactory(owner=owner, name="Joint", currency="EUR")

    payment = suggestion_confirm(user=owner, suggestion=pending(owner)["hausverwaltung krause"], today=TODAY,
                                 overrides={"account": savings, "category": category("housing.utilities")})

    assert (payment.account, payment.category) == (savings, category("housing.utilities"))
    assert (payment.frequency, payment.day_of_month, payment.next_due_date) == (
        Frequency.MONTHLY, 1, date(2026, 12, 1))


def test_deciding_twice_is_refused_with_a_clear_message(owner, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    netflix = pending(owner)["netflix com"]
    suggestion_confirm(user=owner, suggestion=netflix, today=TODAY)

    with pytest.raises(ValidationError, match="already added to your bills"):
        suggestion_confirm(user=owner, suggestion=netflix, today=TODAY)
    with pytest.raises(ValidationError, match="already added to your bills"):
        suggestion_dismiss(user=owner, suggestion=netflix)
    assert RecurringPayment.objects.filter(user=owner).count() == 1


def test_a_bad_override_changes_nothing(owner, other_account, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    netflix = pending(owner)["netflix com"]

    with pytest.raises(ValidationError):
        suggestion_confirm(user=owner, suggestion=netflix, overrides={"account": other_account}, today=TODAY)
    with pytest.raises(ValidationError):
        suggestion_confirm(user=owner, suggestion=netflix, overrides={"amount": "1"}, today=TODAY)
    with pytest.raises(ValidationError):
        suggestion_confirm(user=owner, suggestion=netflix, overrides={"name": "x" * 101}, today=TODAY)

    netflix.refresh_from_db()
    assert netflix.status == SuggestionStatus.PENDING
    assert not RecurringPayment.objects.filter(user=owner).exists()


def test_another_users_suggestion_cannot_be_decided(owner, other_user, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    netflix = pending(owner)["netflix com"]

    with pytest.raises(ValidationError):
        suggestion_dismiss(user=other_user, suggestion=netflix)
    netflix.refresh_from_db()
    assert netflix.status == SuggestionStatus.PENDING


def test_a_series_the_user_already_pays_as_a_bill_is_not_suggested(owner, account, history):
    recurring_payment_create(user=owner, name="Rent", payee="Hausverwaltung Krause", amount=Decimal("1150.00"),
                             currency="EUR", start_date=date(2026, 12, 1), day_of_month=1, today=TODAY)

    subscription_suggestions_refresh(user=owner, today=TODAY)

    assert "hausverwaltung krause" not in pending(owner)
    assert not Notification.objects.filter(user=owner, kind=NotificationKind.PRICE_RISE).exists()


def price_rise_notes(user):
    return Notification.objects.filter(user=user, kind=NotificationKind.PRICE_RISE)


def test_a_price_rise_of_a_known_subscription_moves_the_bill_and_leaves_the_telling_to_the_alerts(owner, account):
    h = History(account)
    netflix(h, rise_on=date(2027, 1, 1))  # 12.99 up to today
    spotify(h)
    h.save()
    bill = recurring_payment_create(user=owner, name="Netflix", payee="Netflix", amount=Decimal("12.99"),
                                    currency="EUR", start_date=date(2026, 12, 12), day_of_month=12, today=TODAY)
    assert subscription_suggestions_refresh(user=owner, today=TODAY)["price_rises"] == 0

    h = History(account)
    h.add(date(2026, 12, 12), "-15.99", "SEPA-LASTSCHRIFT NETFLIX.COM 123")
    h.save()
    counts = subscription_suggestions_refresh(user=owner, today=date(2026, 12, 13))

    assert counts["price_rises"] == 1
    bill.refresh_from_db()
    assert bill.amount == Decimal("15.99")
    # The person hears of it through the anomaly alerts (mlcore's price_rise detector), not a notification here.
    assert not price_rise_notes(owner).exists()

    # The next run sees the bill at the new price: nothing more to change.
    assert subscription_suggestions_refresh(user=owner, today=date(2026, 12, 14))["price_rises"] == 0


def test_a_range_bill_or_a_small_change_is_no_price_rise(owner, account):
    h = History(account)
    netflix(h)
    spotify(h)
    h.save()
    recurring_payment_create(user=owner, name="Netflix", payee="Netflix", amount=Decimal("12.00"),
                             amount_max=Decimal("16.00"), currency="EUR", start_date=date(2026, 12, 12),
                             day_of_month=12, today=TODAY)
    recurring_payment_create(user=owner, name="Spotify", payee="Spotify", amount=Decimal("10.95"), currency="EUR",
                             start_date=date(2026, 12, 3), day_of_month=3, today=TODAY)

    counts = subscription_suggestions_refresh(user=owner, today=TODAY)

    assert (counts["known"], counts["price_rises"]) == (2, 0)
    assert not price_rise_notes(owner).exists()


def test_refresh_with_no_history_does_nothing(owner):
    assert subscription_suggestions_refresh(user=owner, today=TODAY) == {
        "found": 0, "created": 0, "updated": 0, "known": 0, "price_rises": 0}


# The suggestions page

@pytest.fixture
def suggested(owner, history):
    subscription_suggestions_refresh(user=owner, today=TODAY)
    return pending(owner)


def test_page_lists_pending_suggestions_with_price_rise_and_dates(client, owner, suggested,
                                                                   django_assert_max_num_queries):
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("payments:suggestions"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "netflix.com" in page and "Hausverwaltung Krause" in page
    assert "15.99" in page and "Price went up from" in page and "12.99" in page
    assert "24 charges" in page
    assert "Every 4 weeks" in page
    assert "12 Dec 2026" in page


def test_page_query_count_does_not_grow_with_suggestions(client, owner, account, suggested,
                                                         django_assert_max_num_queries):
    for n in range(20):
        SubscriptionSuggestion.objects.create(
            user=owner, merchant_key=f"shop {n}", merchant=f"Shop {n}", frequency=Frequency.MONTHLY, interval_days=30,
            amount=Decimal("5.00"), currency="EUR", account=account, category=category("subscriptions"),
            first_date=TODAY - timedelta(days=90), last_date=TODAY, next_date=TODAY + timedelta(days=30),
            charge_count=4, confidence=Decimal("0.5"),
            status=SuggestionStatus.DISMISSED if n % 2 else SuggestionStatus.PENDING)
    client.force_login(owner)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("payments:suggestions"))

    assert response.content.decode().count('data-suggestion="') == 6 + 10


def test_page_empty_state(client, owner):
    client.force_login(owner)

    response = client.get(reverse("payments:suggestions"))

    assert "No subscriptions waiting" in response.content.decode()


def test_page_needs_login(client):
    response = client.get(reverse("payments:suggestions"))

    assert response.status_code == 302


def test_confirm_with_a_new_name_from_the_page(client, owner, suggested):
    client.force_login(owner)
    netflix = suggested["netflix com"]

    response = client.post(reverse("payments:suggestion_confirm", args=[netflix.pk]), {"name": "Netflix Premium"},
                           follow=True)

    assert response.status_code == 200
    assert "Netflix Premium added to your bills" in response.content.decode()
    payment = RecurringPayment.objects.get(user=owner)
    assert (payment.name, payment.amount) == ("Netflix Premium", Decimal("15.99"))
    assert "netflix com" not in pending(owner)


def test_confirm_and_dismiss_with_htmx_replace_the_card(client, owner, suggested):
    client.force_login(owner)

    confirmed = client.post(reverse("payments:suggestion_confirm", args=[suggested["spotify"].pk]),
                            HTTP_HX_REQUEST="true")
    dismissed = client.post(reverse("payments:suggestion_dismiss", args=[suggested["fitx"].pk]),
                            HTTP_HX_REQUEST="true")

    assert confirmed.status_code == dismissed.status_code == 200
    assert "added to your bills" in confirmed.content.decode()
    assert "Dismissed" in dismissed.content.decode()
    assert "Undo" in dismissed.content.decode()
    assert set(pending(owner)) == {"netflix com", "namecheap", "maria kowalski", "hausverwaltung krause"}


def test_dismiss_then_undo_from_the_page(client, owner, suggested):
    client.force_login(owner)
    gym_suggestion = suggested["fitx"]

    client.post(reverse("payments:suggestion_dismiss", args=[gym_suggestion.pk]))
    page = client.get(reverse("payments:suggestions")).content.decode()
    assert "Dismissed (1)" in page
    response = client.post(reverse("payments:suggestion_restore", args=[gym_suggestion.pk]), follow=True)

    assert "fitx" in pending(owner)
    assert "FitX is back" in response.content.decode()


def test_acting_twice_on_the_page_shows_a_message_not_an_error(client, owner, suggested):
    client.force_login(owner)
    netflix = suggested["netflix com"]
    client.post(reverse("payments:suggestion_dismiss", args=[netflix.pk]))

    response = client.post(reverse("payments:suggestion_confirm", args=[netflix.pk]), follow=True)

    assert response.status_code == 200
    assert "already dismissed" in response.content.decode()
    assert not RecurringPayment.objects.filter(user=owner).exists()


def test_a_too_long_name_is_refused_on_the_page(client, owner, suggested):
    client.force_login(owner)
    netflix = suggested["netflix com"]

    response = client.post(reverse("payments:suggestion_confirm", args=[netflix.pk]), {"name": "n" * 150},
                           follow=True)

    assert response.status_code == 200
    assert "100 characters" in response.content.decode()
    assert not RecurringPayment.objects.filter(user=owner).exists()


@pytest.mark.parametrize("name", ["suggestion_confirm", "suggestion_dismiss", "suggestion_restore"])
def test_another_users_suggestion_is_not_found_on_the_page(client, other_user, suggested, name):
    client.force_login(other_user)

    response = client.post(reverse(f"payments:{name}", args=[suggested["netflix com"].pk]))

    assert response.status_code == 404
    assert suggested["netflix com"].__class__.objects.get(pk=suggested["netflix com"].pk).status == "pending"


def test_actions_only_accept_post(client, owner, suggested):
    client.force_login(owner)

    response = client.get(reverse("payments:suggestion_confirm", args=[suggested["netflix com"].pk]))

    assert response.status_code == 405
