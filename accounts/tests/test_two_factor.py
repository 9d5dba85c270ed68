"""Two-factor sign-in on the pages: setting up the authenticator app, recovery codes, passkeys, the code step
after the password, lockout on wrong codes, removing a method, staff required to have it, the admin's reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential

from accounts import two_factor
from accounts.models import AuthenticatorApp, RecoveryCode
from accounts.tests.factories import PASSWORD
from accounts.tests.soft_authenticator import SoftAuthenticator
from audit.describe import entry_describe
from audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    """Frozen time: a code is computed for a known moment; shift() moves on to the next 30-second step."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def app_code(device: AuthenticatorApp) -> str:
    """What the person's authenticator app shows now, computed from the device's key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = dt.datetime.now(dt.UTC).timestamp()
    return f"{totp.token():0{device.digits}d}"


def app_set_up(user) -> tuple[AuthenticatorApp, list[str]]:
    device = two_factor.totp_setup_begin(user=user)
    codes = two_factor.totp_setup_confirm(user=user, code=app_code(device))
    device.refresh_from_db()
    return device, codes


def password_step(client, user, **extra):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD, **extra})


def actions(user) -> list[str]:
    return list(AuditEntry.objects.filter(target_id=str(user.pk)).order_by("id").values_list("action", flat=True))


# --- setting up the authenticator app ------------------------------------------------------------------------

def test_setting_up_the_app_shows_a_qr_code_then_a_right_code_turns_it_on_and_shows_recovery_codes(
        client, owner, clock):
    client.force_login(owner)
    page = client.get(reverse("accounts:two_factor_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "QR code for your authenticator app" in html
    assert "http" not in re.search(r"<svg.*?</svg>", html, re.S).group(0).replace("http://www.w3.org", "")
    device = AuthenticatorApp.objects.get(user=owner, confirmed=False)
    assert two_factor.totp_secret(device).replace(" ", "") in html.replace(" ", "")

    wrong = client.post(reverse("accounts:two_factor_totp"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert not two_factor.two_factor_enabled(user=owner)

    clock.shift(60)  # past the app's throttle after a wrong code
    done = client.post(reverse("accounts:two_factor_totp"), {"code": app_code(device)}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("accounts:two_factor_codes")
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.content.decode())
    assert len(codes) == 10
    assert two_factor.two_factor_enabled(user=owner)
    # Shown once: only the hashes are kept, and the page does not show them again.
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()
    assert client.get(reverse("accounts:two_factor_codes")).status_code == 302
    assert AuditAction.TWO_FACTOR_ENABLE in actions(owner)
    assert "authenticator app" in client.get(reverse("audit:security_log")).content.decode()


def test_a_second_app_cannot_be_set_up_over_the_first(owner):
    app_set_up(owner)
    with pytest.raises(Exception, match="already set up"):
        two_factor.totp_setup_begin(user=owner)


# --- signing in ----------------------------------------------------------------------------------------------

def test_a_user_without_two_factor_signs_in_with_the_password_alone(client, owner):
    response = password_step(client, owner)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_after_the_password_a_user_with_the_app_must_give_its_code(client, owner, clock):
    device, _ = app_set_up(owner)
    clock.shift(300)
    response = password_step(client, owner, next="/transactions/")
    assert response["Location"] == reverse("accounts:login_two_factor")
    # Not signed in yet.
    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:login"))
    step = client.get(reverse("accounts:login_two_factor"))
    assert "authenticator app" in step.content.decode()
    done = client.post(reverse("accounts:login_two_factor"), {"code": app_code(device)})
    assert done.status_code == 302 and done["Location"] == "/transactions/"
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert actions(owner)[-1] == AuditAction.SIGN_IN


def test_the_same_app_code_does_not_work_twice(owner, clock):
    device, _ = app_set_up(owner)
    clock.shift(300)
    code = app_code(device)
    assert two_factor.second_factor_verify(user=owner, code=code) == two_factor.METHOD_TOTP
    assert two_factor.second_factor_verify(user=owner, code=code) is None


def test_a_recovery_code_signs_in_once(client, owner):
    _, codes = app_set_up(owner)
    password_step(client, owner)
    done = client.post(reverse("accounts:login_two_factor"), {"code": codes[0].upper()}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("home")
    assert "9 recovery codes left" in done.content.decode()
    assert AuditAction.RECOVERY_CODE_USE in actions(owner)
    client.logout()

    password_step(client, owner)
    again = client.post(reverse("accounts:login_two_factor"), {"code": codes[0]})
    assert again.status_code == 400
    assert "That code is not right" in again.content.decode()
    assert AuditAction.TWO_FACTOR_FAILED in actions(owner)


def test_the_code_step_ends_after_five_minutes(client, owner, clock):
    app_set_up(owner)
    password_step(client, owner)
    clock.shift(6 * 60)
    response = client.get(reverse("accounts:login_two_factor"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "took too long" in response.content.decode()


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device, codes = app_set_up(owner)
    password_step(client, owner)
    statuses = [client.post(reverse("accounts:login_two_factor"), {"code": "123456"}).status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]
    # Locked: even a right code is refused now, and the page says why.
    locked = client.post(reverse("accounts:login_two_factor"), {"code": codes[1]})
    assert locked.status_code == 429
    assert "locked" in locked.content.decode().lower()
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert RecoveryCode.objects.filter(user=owner, used_at__isnull=True).count() == 10  # not used up when locked


# --- recovery codes and removing -----------------------------------------------------------------------------

def test_new_recovery_codes_replace_the_old_ones(client, owner):
    _, old = app_set_up(owner)
    client.force_login(owner)
    page = client.post(reverse("accounts:two_factor_codes"), follow=True)
    new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.second_factor_verify(user=owner, code=old[0]) is None
    assert two_factor.second_factor_verify(user=owner, code=new[0]) == two_factor.METHOD_RECOVERY
    assert AuditAction.RECOVERY_CODES_REGENERATE in actions(owner)


def test_removing_the_app_asks_for_the_password_or_a_code(client, owner):
    app_set_up(owner)
    client.force_login(owner)
    url = reverse("accounts:two_factor_remove")
    refused = client.post(url, {"method": "totp", "proof": "not-my-password"})
    assert refused.status_code == 400
    assert "neither your password nor a current code" in refused.content.decode()
    assert two_factor.two_factor_enabled(user=owner)

    done = client.post(url, {"method": "totp", "proof": PASSWORD}, follow=True)
    assert "The authenticator app was removed." in done.content.decode()
    assert not two_factor.two_factor_enabled(user=owner)
    assert not RecoveryCode.objects.filter(user=owner).exists()
    assert AuditAction.TWO_FACTOR_DISABLE in actions(owner)


def test_another_users_passkey_is_not_found(client, owner, other_user):
    authenticator = SoftAuthenticator()
    passkey_register(client, other_user, authenticator)
    passkey = WebAuthnCredential.objects.get(user=other_user)
    client.force_login(owner)
    response = client.get(reverse("accounts:two_factor_remove"), {"method": "passkey", "passkey": passkey.pk})
    assert response.status_code == 404
    response = client.post(reverse("accounts:two_factor_remove"),
                           {"method": "passkey", "passkey": passkey.pk, "proof": PASSWORD})
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


# --- passkeys ------------------------------------------------------------------------------------------------

def passkey_register(client, user, authenticator: SoftAuthenticator, name: str = "My phone"):
    client.force_login(user)
    options = client.post(reverse("accounts:passkey_register_begin")).json()
    answer = {**authenticator.create(options), "name": name}
    response = client.post(reverse("accounts:passkey_register_complete"), answer, content_type="application/json")
    client.logout()
    return response


def test_a_passkey_is_added_then_signs_in_at_the_second_step(client, owner):
    authenticator = SoftAuthenticator()
    added = passkey_register(client, owner, authenticator)
    assert added.status_code == 200
    assert added.json()["redirect_url"] == reverse("accounts:two_factor_codes")  # the first method: codes
    passkey = WebAuthnCredential.objects.get(user=owner)
    assert passkey.name == "My phone"
    assert two_factor.two_factor_methods(user=owner) == ["passkey", "recovery_code"]

    assert password_step(client, owner)["Location"] == reverse("accounts:login_two_factor")
    assert "Use a passkey" in client.get(reverse("accounts:login_two_factor")).content.decode()
    options = client.post(reverse("accounts:login_passkey_begin")).json()
    done = client.post(reverse("accounts:login_passkey_complete"), authenticator.get(options),
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["redirect_url"] == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_passkey_answer_for_another_site_or_challenge_is_refused(client, owner):
    authenticator = SoftAuthenticator()
    passkey_register(client, owner, authenticator)
    password_step(client, owner)
    options = client.post(reverse("accounts:login_passkey_begin")).json()
    phishing = client.post(reverse("accounts:login_passkey_complete"),
                           authenticator.get(options, origin="https://finsight.example.evil"),
                           content_type="application/json")
    assert phishing.status_code == 400
    assert "did not work" in phishing.json()["detail"]
    # The challenge was used up by the failed try: the same answer again is refused too.
    replay = client.post(reverse("accounts:login_passkey_complete"), authenticator.get(options),
                         content_type="application/json")
    assert replay.status_code == 400
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert AuditAction.TWO_FACTOR_FAILED in actions(owner)


def test_anothers_passkey_does_not_sign_in_this_account(client, owner, other_user):
    theirs = SoftAuthenticator()
    passkey_register(client, other_user, theirs)
    passkey_register(client, owner, SoftAuthenticator())
    password_step(client, owner)
    options = client.post(reverse("accounts:login_passkey_begin")).json()
    response = client.post(reverse("accounts:login_passkey_complete"), theirs.get(options),
                           content_type="application/json")
    assert response.status_code == 400
    assert client.get(reverse("accounts:profile")).status_code == 302


# --- staff must have it --------------------------------------------------------------------------------------

def test_staff_without_two_factor_are_sent_to_set_it_up_when_required(client, staff_user, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(staff_user)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:two_factor")
    assert "must set up two-factor sign-in" in response.content.decode()
    assert client.get("/admin/")["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("accounts:two_factor_totp")).status_code == 200

    app_set_up(staff_user)
    assert client.get(reverse("home")).status_code == 200


def test_staff_are_not_held_back_when_not_required(client, staff_user, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(staff_user)
    assert client.get(reverse("home")).status_code == 200


def test_ordinary_users_are_never_held_back(client, owner, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(owner)
    assert client.get(reverse("home")).status_code == 200


# --- the admin -----------------------------------------------------------------------------------------------

def test_staff_see_whether_a_user_has_two_factor_and_can_reset_it(client, owner, settings, django_user_model):
    settings.MFA_REQUIRED_FOR_STAFF = False
    admin = django_user_model.objects.create_superuser(email="root@example.com", password=PASSWORD)
    device, _ = app_set_up(owner)
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_change", args=[owner.pk])).content.decode()
    assert "On (authenticator app; 10 recovery codes left)" in page
    assert device.key not in page

    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "reset_two_factor", "_selected_action": [owner.pk]}, follow=True)
    assert "Two-factor sign-in reset for 1 user(s)" in response.content.decode()
    assert not two_factor.two_factor_enabled(user=owner)
    entry = AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_DISABLE).last()
    assert entry.actor == admin
    assert entry_describe(entry).startswith("Two-factor sign-in turned off by a staff member")
