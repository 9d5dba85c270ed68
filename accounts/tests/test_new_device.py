"""A sign-in from a browser or app not seen before emails its owner, with a link that ends every sign-in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import devices
from accounts.models import KnownDevice, User
from accounts.tests.factories import PASSWORD
from audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")


def web_sign_in(client, user, user_agent=FIREFOX):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD},
                           HTTP_USER_AGENT=user_agent, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302, response.content
    return response


@pytest.fixture
def client_factory():
    """Separate browsers (each its own cookies)."""
    return Client


@pytest.fixture
def berlin_owner(owner):
    owner.financial_profile.timezone = "Europe/Berlin"
    owner.financial_profile.save()
    return owner


def test_the_first_sign_in_sends_no_email_a_new_browser_does_and_a_known_one_does_not(
        client_factory, berlin_owner, django_capture_on_commit_callbacks):
    first = client_factory()
    with django_capture_on_commit_callbacks(execute=True):
        response = web_sign_in(first, berlin_owner)
    assert response.cookies[devices.DEVICE_COOKIE]["httponly"]
    assert mail.outbox == []

    first.post(reverse("accounts:logout"))  # the session ends, the browser keeps its cookies
    with django_capture_on_commit_callbacks(execute=True):
        web_sign_in(first, berlin_owner)  # the same browser: its cookie is known
    assert mail.outbox == []

    phone = client_factory()
    with django_capture_on_commit_callbacks(execute=True):
        web_sign_in(phone, berlin_owner, user_agent=IPHONE)
    [message] = mail.outbox
    assert message.to == [berlin_owner.email]
    assert message.subject == "New sign-in to Finsight from Safari on iPhone"
    assert "Safari on iPhone" in message.body and "203.0.113.7" in message.body
    assert "(Europe/Berlin)" in message.body
    assert "Approximate place" not in message.body  # no GeoIP database configured
    assert KnownDevice.objects.filter(user=berlin_owner).count() == 2

    phone.post(reverse("accounts:logout"))
    with django_capture_on_commit_callbacks(execute=True):
        web_sign_in(phone, berlin_owner, user_agent=IPHONE)
    assert len(mail.outbox) == 1


def test_the_emailed_link_ends_every_web_session_and_api_sign_in(
        client_factory, api_client, owner, django_capture_on_commit_callbacks):
    laptop = client_factory()
    web_sign_in(laptop, owner)
    tokens = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": PASSWORD},
                             format="json", HTTP_USER_AGENT="FinsightApp/2.0").json()
    phone = client_factory()
    with django_capture_on_commit_callbacks(execute=True):
        web_sign_in(phone, owner, user_agent=IPHONE)
    link = re.search(r"https?://\S+/accounts/sessions/end/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]

    stranger = client_factory()
    page = stranger.get(path)
    assert page.status_code == 200 and "Sign out everywhere?" in page.content.decode()
    assert laptop.get(reverse("accounts:profile")).status_code == 200  # opening the link alone ends nothing

    done = stranger.post(path)
    assert "Signed out everywhere" in done.content.decode()
    assert laptop.get(reverse("accounts:profile")).status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 302
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials()
    refreshed = api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    assert AuditEntry.objects.filter(action=AuditAction.SESSIONS_END, target_id=str(owner.pk)).count() == 1

    # The link works once; signing in again works.
    again = stranger.post(path)
    assert again.status_code == 400 and "already used" in again.content.decode()
    web_sign_in(laptop, owner)
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_a_forged_link_is_refused(client, owner):
    response = client.post(reverse("accounts:sessions_end", kwargs={"token": "not-a-token"}))
    assert response.status_code == 400
    owner.refresh_from_db()
    assert owner.session_stamp == ""


def test_sign_out_everywhere_from_settings(client_factory, owner):
    here, there = client_factory(), client_factory()
    here.force_login(owner)
    there.force_login(owner)
    response = here.post(reverse("accounts:sessions_end_all"))
    assert response["Location"] == reverse("accounts:login")
    assert here.get(reverse("accounts:profile")).status_code == 302
    assert there.get(reverse("accounts:profile")).status_code == 302


def test_a_new_app_emails_too(api_client, owner, django_capture_on_commit_callbacks):
    body = {"email": owner.email, "password": PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/token/", body, format="json", HTTP_USER_AGENT=FIREFOX)
        api_client.post("/api/v1/auth/token/", body, format="json", HTTP_USER_AGENT=FIREFOX)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/token/", body, format="json", HTTP_USER_AGENT=IPHONE)
    assert [m.subject for m in mail.outbox] == ["New sign-in to Finsight from Safari on iPhone"]


def test_existing_sessions_survive_the_new_stamp_field(client, owner):
    # Users whose stamp is empty keep the hash Django always gave them: no one is signed out by the upgrade.
    client.force_login(owner)
    assert User.objects.get(pk=owner.pk).session_stamp == ""
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_no_place_without_a_geoip_file_and_none_for_a_missing_file(settings, tmp_path):
    settings.GEOIP_DATABASE_PATH = ""
    assert devices.place_from_ip("203.0.113.7") == ""
    settings.GEOIP_DATABASE_PATH = str(tmp_path / "missing.mmdb")
    assert devices.place_from_ip("203.0.113.7") == ""
