"""The account pages as a person uses them: sign up, log in and out, passwords, profiles, avatars."""

from __future__ import annotations

import io
import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User

pytestmark = pytest.mark.django_db


def png(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def signup(client, email, password="sams-long-passphrase", **extra):
    return client.post("/accounts/signup/", {"email": email, "display_name": "Sam", "password1": password,
                                             "password2": password, **extra}, follow=True)


def without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which differ on every page."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")\w+', r"\1", html)


def confirm_link(message) -> str:
    link = next(word for word in message.body.split() if "/accounts/signup/confirm/" in word)
    return link[link.index("/accounts/"):]


def test_signup_emails_a_link_that_creates_the_account_signs_in_and_asks_for_the_financial_profile(client):
    response = signup(client, "Sam@Example.com")
    assert response.redirect_chain[-1][0] == "/accounts/signup/sent/"
    assert "To finish signing up, open the link we have sent" in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert (message.to, message.subject) == (["sam@example.com"], "Finish signing up to Finsight")
    link = confirm_link(message)

    # Opening the link creates nothing by itself (mail scanners open links); its button does.
    page = client.get(link)
    assert "Finish signing up" in page.content.decode() and "sam@example.com" in page.content.decode()
    assert not User.objects.exists()
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/profile/financial/"
    assert "Welcome to Finsight" in response.content.decode()
    user = User.objects.get(email="sam@example.com")
    assert (user.display_name, user.check_password("sams-long-passphrase")) == ("Sam", True)
    assert int(client.session["_auth_user_id"]) == user.pk

    client.logout()
    again = client.post(link)
    assert again.status_code == 400
    assert "This sign-up link is invalid" in again.content.decode()
    assert User.objects.count() == 1


def test_signup_with_a_taken_address_looks_the_same_and_tells_the_owner(client, owner, password):
    fresh = signup(client, "someone.new@example.com")
    taken = signup(client, "OWNER@example.com")
    assert taken.redirect_chain == fresh.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert without_csrf(taken.content.decode()) == without_csrf(fresh.content.decode())
    assert "already" not in taken.content.decode()
    [_, notice] = mail.outbox
    assert notice.to == ["owner@example.com"]
    assert "Someone tried to sign up to Finsight with your address" in notice.body
    assert "/accounts/login/" in notice.body and "/accounts/password/reset/" in notice.body
    assert "/accounts/signup/confirm/" not in notice.body
    assert notice.alternatives and "Log in" in notice.alternatives[0][0]
    owner.refresh_from_db()
    assert owner.check_password(password) and not owner.check_password("sams-long-passphrase")
    assert User.objects.count() == 1


def test_each_signup_link_carries_its_own_password(client):
    """Someone who signs up with your address first cannot choose your password: your own link sets yours."""
    signup(client, "pat@example.com", password="intruders-passphrase")
    signup(client, "pat@example.com", password="pats-own-passphrase")
    intruders, own = (confirm_link(m) for m in mail.outbox)
    client.post(own)
    pat = User.objects.get(email="pat@example.com")
    assert pat.check_password("pats-own-passphrase") and not pat.check_password("intruders-passphrase")
    client.logout()
    assert client.post(intruders).status_code == 400  # the other waiting sign-up is gone
    pat.refresh_from_db()
    assert pat.check_password("pats-own-passphrase")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "new@example.com", "password1": "a-long-passphrase", "password2": "another-passphrase"},
         "The two passwords differ"),
        ({"email": "new@example.com", "password1": "short", "password2": "short"}, "too short"),
        ({"email": "nope", "password1": "a-long-passphrase", "password2": "a-long-passphrase"},
         "Enter a valid email address"),
    ],
)
def test_signup_errors_are_shown_and_nothing_is_created(client, owner, data, message):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_login_and_logout(client, owner, password):
    response = client.post("/accounts/login/", {"username": "OWNER@example.com", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Olivia" in response.content.decode()
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "logged out" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_a_clear_message(client, owner):
    response = client.post("/accounts/login/", {"username": owner.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


@pytest.mark.parametrize("url", ["/accounts/profile/", "/accounts/profile/financial/", "/accounts/password/change/",
                                 "/accounts/profile/avatar/"])
def test_private_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_change_keeps_this_session_and_ends_the_others(client, owner, password):
    other_device = type(client)()
    other_device.force_login(owner)
    client.force_login(owner)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": "new-long-passphrase", "new_password2": "new-long-passphrase"},
        follow=True,
    )
    assert "Your password was changed" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 200
    assert other_device.get("/accounts/profile/").status_code == 302


def test_password_reset_by_email_end_to_end(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued once the request commits
        response = client.post("/accounts/password/reset/", {"email": "owner@EXAMPLE.com"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.com"]
    assert "Finsight" in message.subject
    html = message.alternatives[0][0]
    assert "/accounts/password/reset/" in html
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s\"<]+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "reset-long-passphrase",
                                     "new_password2": "reset-long-passphrase"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    owner.refresh_from_db()
    assert owner.check_password("reset-long-passphrase")
    # A used link is dead.
    assert "invalid" in client.get(link, follow=True).content.decode().lower()


def test_profile_edit_and_avatar_upload(client, owner):
    client.force_login(owner)
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Liv", "avatar_upload": SimpleUploadedFile("face.png", png(), "image/png")},
        follow=True,
    )
    assert "Profile saved" in response.content.decode()
    owner.refresh_from_db()
    assert owner.display_name == "Liv"
    assert owner.avatar.name.startswith("avatars/")
    avatar = client.get("/accounts/profile/avatar/")
    assert avatar.status_code == 200
    assert b"".join(avatar.streaming_content)[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG


def test_profile_refuses_a_fake_image_and_keeps_the_old_one(client, owner):
    client.force_login(owner)
    client.post("/accounts/profile/", {"display_name": "Liv",
                                       "avatar_upload": SimpleUploadedFile("a.png", png(), "image/png")})
    owner.refresh_from_db()
    before = owner.avatar.name
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Changed", "avatar_upload": SimpleUploadedFile("evil.png", b"MZ\x90\x00 not an image",
                                                                       "image/png")},
    )
    assert response.status_code == 200
    assert "not an image we can read" in response.content.decode()
    owner.refresh_from_db()
    assert owner.avatar.name == before
    assert owner.display_name == "Liv"


def test_avatar_page_shows_only_your_own(client, owner, other_user):
    client.force_login(other_user)
    assert client.get("/accounts/profile/avatar/").status_code == 404
    client.force_login(owner)
    client.post("/accounts/profile/", {"display_name": "Liv",
                                       "avatar_upload": SimpleUploadedFile("a.png", png(), "image/png")})
    client.force_login(other_user)
    assert client.get("/accounts/profile/avatar/").status_code == 404


def test_financial_profile_page_saves_decimal_values(client, owner):
    client.force_login(owner)
    response = client.post(
        "/accounts/profile/financial/",
        {"monthly_net_income": "4250.50", "savings_rate_target": "25", "preferred_currency": "CHF",
         "timezone": "Europe/Zurich"},
        follow=True,
    )
    assert "Financial profile saved" in response.content.decode()
    profile = User.objects.get(pk=owner.pk).financial_profile
    assert profile.monthly_net_income == Decimal("4250.50")
    assert profile.preferred_currency == "CHF"
    assert profile.timezone == "Europe/Zurich"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("preferred_currency", "ABC", "Select a valid choice"),
        ("timezone", "Nowhere/Land", "Select a valid choice"),
        ("savings_rate_target", "101", "Enter 100 or less."),
        ("monthly_net_income", "-10", "Enter 0 or more."),
    ],
)
def test_financial_profile_page_refuses_bad_values(client, owner, field, value, message):
    client.force_login(owner)
    data = {"monthly_net_income": "1000", "savings_rate_target": "20", "preferred_currency": "EUR",
            "timezone": "UTC", field: value}
    response = client.post("/accounts/profile/financial/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    owner.financial_profile.refresh_from_db()
    assert owner.financial_profile.monthly_net_income is None


def test_home_for_visitors_and_members(client, owner):
    assert "Sign up" in client.get("/").content.decode()
    client.force_login(owner)
    assert "Olivia" in client.get("/").content.decode()


def test_savings_goal_preview_follows_the_typed_values_without_saving(client, owner):
    client.force_login(owner)
    response = client.post(
        "/accounts/profile/financial/preview/",
        {"monthly_net_income": "4250.50", "savings_rate_target": "25", "preferred_currency": "CHF", "timezone": "UTC"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "CHF 1,062.63" in response.content.decode()
    owner.financial_profile.refresh_from_db()
    assert owner.financial_profile.monthly_net_income is None


def test_savings_goal_preview_shows_nothing_for_invalid_values(client, owner):
    client.force_login(owner)
    response = client.post("/accounts/profile/financial/preview/",
                           {"monthly_net_income": "lots", "savings_rate_target": "25", "preferred_currency": "CHF",
                            "timezone": "UTC"})
    assert response.status_code == 200
    assert "savings goal is" not in response.content.decode()


def test_savings_goal_preview_needs_login(client):
    assert client.post("/accounts/profile/financial/preview/", {}).status_code == 302


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_signup_with_a_taken_address_takes_as_long_as_with_a_new_one(client, owner, settings):
    """With the real password hashing (slow on purpose), a taken address must not answer visibly faster."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    def seconds(email: str) -> float:
        client.logout()
        start = time.perf_counter()
        client.post("/accounts/signup/", {"email": email, "password1": "a-long-passphrase",
                                          "password2": "a-long-passphrase"})
        return time.perf_counter() - start

    fresh = sorted(seconds(f"new-{i}@example.com") for i in range(3))[1]
    taken = sorted(seconds("owner@example.com") for _ in range(3))[1]
    assert taken > fresh * 0.6, f"a taken address answered in {taken:.3f} s, a new one in {fresh:.3f} s"
