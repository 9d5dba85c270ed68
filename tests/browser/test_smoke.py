"""Browser smoke tests: a real chromium drives the pages the way a new user would.

Screenshots of every main step land in artifacts/screenshots/ for a human to look at.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import FinancialProfile, User
from accounts.tests.factories import UserFactory
from tests.browser.helpers import PASSWORD, assert_no_horizontal_overflow, log_in, shot, signup_link

pytestmark = pytest.mark.browser


def test_signup_financial_profile_logout_and_login_again(page: Page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Your personal finances, on your own server")).to_be_visible()
    # The vendored htmx loads from our own static files, and its requests will carry the CSRF token.
    page.wait_for_function("window.htmx !== undefined")
    assert re.fullmatch(r'\{"X-CSRFToken": "\w+"\}', page.locator("body").get_attribute("hx-headers"))
    shot(page, "01-landing")

    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Display name").fill("Ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    shot(page, "02-signup-filled")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("To finish signing up, open the link we have sent")).to_be_visible()
    shot(page, "02b-signup-check-your-email")
    assert not User.objects.filter(email="ada@example.com").exists()
    page.goto(signup_link("ada@example.com"))
    expect(page.get_by_text("ada@example.com")).to_be_visible()
    shot(page, "02c-signup-finish")
    page.get_by_role("button", name="Finish signing up").click()

    expect(page).to_have_url(re.compile(r"/accounts/profile/financial/$"))
    expect(page.get_by_text("Welcome to Finsight! Tell us a little about your finances")).to_be_visible()
    shot(page, "03-financial-profile-new")

    page.get_by_label("Monthly net income").fill("4250.50")
    page.get_by_label("Savings-rate target").fill("25")
    page.get_by_label("Preferred currency").select_option("CHF")
    page.get_by_label("Timezone").select_option("Europe/Zurich")
    # htmx shows the savings goal for the typed values before anything is saved.
    expect(page.locator("#savings-goal")).to_contain_text("CHF 1,062.63")
    assert FinancialProfile.objects.get(user__email="ada@example.com").monthly_net_income is None
    shot(page, "03b-financial-profile-live-goal")
    page.get_by_role("button", name="Save financial profile").click()

    expect(page.get_by_text("Financial profile saved.")).to_be_visible()
    expect(page.get_by_label("Preferred currency")).to_have_value("CHF")
    shot(page, "04-financial-profile-saved")
    profile = FinancialProfile.objects.get(user__email="ada@example.com")
    assert profile.monthly_net_income == Decimal("4250.50")
    assert profile.savings_rate_target == Decimal("25")
    assert (profile.preferred_currency, profile.timezone) == ("CHF", "Europe/Zurich")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    welcome = page.get_by_role("region", name="Welcome, Ada")
    expect(welcome.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    expect(welcome).to_contain_text("CHF 4,250.50")
    expect(welcome).to_contain_text("25%")
    # 4250.50 × 25 / 100 = 1062.625, rounded half up to the cent.
    expect(welcome).to_contain_text("CHF 1,062.63")
    expect(welcome).not_to_contain_text("Complete your financial profile")
    shot(page, "05-home-with-profile")

    page.get_by_label("Account menu for Ada").click()
    expect(page.get_by_role("link", name="Financial profile", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    shot(page, "06-user-menu")
    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    shot(page, "07-logged-out")

    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    expect(page.get_by_role("region", name="Welcome, Ada")).to_contain_text("CHF 4,250.50")
    shot(page, "08-logged-in-again")


def test_new_user_is_asked_for_income(page: Page):
    UserFactory(email="ben@example.com", display_name="Ben", password=PASSWORD)
    log_in(page, "ben@example.com", PASSWORD)
    welcome = page.get_by_role("region", name="Welcome, Ben")
    expect(welcome.get_by_role("heading", name="Complete your financial profile")).to_be_visible()
    expect(welcome).to_contain_text("Not set")
    shot(page, "home-income-missing")
    welcome.get_by_role("link", name="Add your income").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/financial/$"))


def test_login_with_wrong_password_says_so(page: Page):
    UserFactory(email="cleo@example.com", password=PASSWORD)
    log_in(page, "cleo@example.com", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("That email and password do not match an account.")
    expect(page.get_by_label("Email")).to_have_value("cleo@example.com")
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_role("link", name="Create an account")).to_be_visible()
    shot(page, "login-error")


def test_signup_shows_validation_errors(page: Page):
    UserFactory(email="taken@example.com")
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("taken@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("different")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    # Whether the address has an account is never shown (its owner is told by email instead).
    expect(page.get_by_text("already exists")).to_have_count(0)
    expect(page.get_by_label("Email")).not_to_have_attribute("aria-invalid", "true")
    shot(page, "signup-errors")
    assert User.objects.filter(email="taken@example.com").count() == 1

    page.get_by_label("Email").fill("new@example.com")
    page.get_by_label("Password", exact=True).fill("12345")
    page.get_by_label("Password again").fill("12345")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    expect(page.get_by_text("This password is entirely numeric.")).to_be_visible()
    shot(page, "signup-password-errors")
    assert not User.objects.filter(email="new@example.com").exists()

    # A good sign-up with the taken address looks like any other; the owner hears of it by email.
    page.get_by_label("Email").fill("taken@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("To finish signing up, open the link we have sent")).to_be_visible()
    assert mail.outbox[-1].to == ["taken@example.com"]
    assert mail.outbox[-1].subject == "Someone tried to sign up to Finsight with your address"


def test_password_change_shows_errors(page: Page):
    UserFactory(email="hal@example.com", password=PASSWORD)
    log_in(page, "hal@example.com", PASSWORD)
    page.goto("/accounts/password/change/")
    page.get_by_label("Old password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill("Brand-New-Ledger-77")
    page.get_by_label("New password confirmation").fill("Brand-New-Ledger-78")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your old password was entered incorrectly.")).to_be_visible()
    expect(page.get_by_text("The two password fields didn’t match.")).to_be_visible()
    shot(page, "password-change-errors")


def test_profile_avatar_upload(page: Page):
    from PIL import Image

    UserFactory(email="dora@example.com", display_name="Dora", password=PASSWORD)
    page.goto("/accounts/profile/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/profile/$"))
    page.get_by_label("Email").fill("dora@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.get_by_text("No avatar yet")).to_be_visible()
    shot(page, "profile")

    png = io.BytesIO()
    Image.new("RGB", (64, 64), (16, 185, 129)).save(png, format="PNG")
    page.get_by_label("New avatar").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": png.getvalue()}])
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(page.get_by_alt_text("Your current avatar")).to_be_visible()
    expect(page.get_by_label("Remove my avatar")).to_be_visible()
    assert User.objects.get(email="dora@example.com").avatar
    shot(page, "profile-with-avatar")

    page.get_by_label("New avatar").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not an image"}])
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("This file is not an image we can read")).to_be_visible()
    shot(page, "profile-avatar-error")


def test_password_reset_email_link_opens_the_form(page: Page):
    UserFactory(email="eve@example.com", password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("eve@example.com")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shot(page, "password-reset-sent")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    html = message.alternatives[0][0]
    assert link in html
    assert message.subject == "Reset your Finsight password"
    page.set_content(html)
    expect(page.get_by_role("link", name="Choose a new password")).to_have_attribute("href", link)
    shot(page, "password-reset-email")
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    shot(page, "password-reset-confirm")

    page.goto("/accounts/password/reset/MQ/not-a-token/")
    expect(page.get_by_role("heading", name="This reset link is invalid")).to_be_visible()
    shot(page, "password-reset-invalid-link")


def test_repeated_failed_logins_lock_the_account(page: Page):
    UserFactory(email="finn@example.com", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, "finn@example.com", "wrong-password")
    expect(page.get_by_role("heading", name="Account temporarily locked")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"too many failed attempts ({settings.AXES_FAILURE_LIMIT} in a row)")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    expect(page.get_by_role("main")).to_contain_text(f"try again {minutes} minutes after your last attempt")
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    shot(page, "locked-out")


def test_throttled_page_says_when_to_retry(page: Page, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "password_reset": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("nobody@example.com")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Send reset link").click()
    assert posted.value.status == 429
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Too many attempts, try again in \d+ seconds?\."))
    shot(page, "throttled")


def test_mobile_menu_button_opens_the_navigation(mobile_page: Page):
    page = mobile_page
    page.goto("/")
    main_nav = page.get_by_role("navigation", name="Main")
    menu_button = main_nav.locator("summary", has_text="Menu")
    expect(menu_button).to_be_visible()
    mobile_menu = page.locator("#mobile-menu")
    expect(mobile_menu).to_be_hidden()
    assert_no_horizontal_overflow(page)
    shot(page, "mobile-01-landing")

    menu_button.click()
    expect(mobile_menu.get_by_role("link", name="Home")).to_be_visible()
    expect(mobile_menu.get_by_role("link", name="Sign up")).to_be_visible()
    shot(page, "mobile-02-menu-open")

    UserFactory(email="gus@example.com", display_name="Gus", password=PASSWORD)
    log_in(page, "gus@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Gus")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "mobile-03-home")

    menu_button.click()
    expect(mobile_menu.get_by_role("button", name="Log out")).to_be_visible()
    expect(mobile_menu.get_by_role("link", name="Financial profile")).to_be_visible()
    shot(page, "mobile-04-menu-logged-in")

    mobile_menu.get_by_role("link", name="Financial profile").click()
    expect(page.get_by_label("Preferred currency")).to_be_visible()
    assert_no_horizontal_overflow(page)
    shot(page, "mobile-05-financial-profile")
