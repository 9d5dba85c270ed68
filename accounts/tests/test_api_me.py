"""GET/PATCH /api/v1/me/ and the avatar endpoint: your own profile, never anyone else's."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(64, 48), color=(20, 120, 200), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def test_me_shows_profile_and_financial_profile(owner_api, owner):
    body = owner_api.get("/api/v1/me/").json()
    assert body["email"] == "owner@example.com"
    assert body["display_name"] == "Olivia Owner"
    assert body["role"] == "user"
    assert body["avatar_url"] is None
    assert body["financial_profile"] == {
        "monthly_net_income": None,
        "savings_rate_target": "20.00",
        "preferred_currency": "EUR",
        "timezone": "UTC",
    }


def test_patch_me_updates_profile_and_financial_profile(owner_api, owner):
    response = owner_api.patch(
        "/api/v1/me/",
        {"display_name": "Liv", "financial_profile": {"monthly_net_income": "4250.50", "preferred_currency": "CHF",
                                                      "savings_rate_target": "25", "timezone": "Europe/Zurich"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    owner.refresh_from_db()
    profile = owner.financial_profile
    profile.refresh_from_db()
    assert owner.display_name == "Liv"
    assert profile.monthly_net_income == Decimal("4250.50")
    assert profile.savings_rate_target == Decimal("25")
    assert profile.preferred_currency == "CHF"
    assert profile.timezone == "Europe/Zurich"
    assert response.json()["financial_profile"]["monthly_net_income"] == "4250.50"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"financial_profile": {"preferred_currency": "XYZ"}}, "preferred_currency"),
        ({"financial_profile": {"preferred_currency": "eur"}}, "preferred_currency"),
        ({"financial_profile": {"timezone": "Mars/Olympus"}}, "timezone"),
        ({"financial_profile": {"savings_rate_target": "120"}}, "savings_rate_target"),
        ({"financial_profile": {"savings_rate_target": "-1"}}, "savings_rate_target"),
        ({"financial_profile": {"monthly_net_income": "-5"}}, "monthly_net_income"),
        ({"financial_profile": {"monthly_net_income": "12.345"}}, "monthly_net_income"),
        ({"financial_profile": {"monthly_net_income": "lots"}}, "monthly_net_income"),
    ],
)
def test_patch_me_rejects_bad_values_and_changes_nothing(owner_api, owner, payload, message):
    response = owner_api.patch("/api/v1/me/", payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == [f"financial_profile.{message}"]
    owner.financial_profile.refresh_from_db()
    assert owner.financial_profile.preferred_currency == "EUR"
    assert owner.financial_profile.monthly_net_income is None


def test_email_and_role_cannot_be_changed_through_me(owner_api, owner):
    owner_api.patch("/api/v1/me/", {"email": "hijack@example.com", "role": "admin", "id": 999}, format="json")
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"
    assert not owner.is_staff and not owner.is_superuser


def test_me_never_shows_or_changes_another_user(owner_api, other_user, owner):
    # There is no way to address another user's profile: ids in the body are ignored, and /me is always you.
    owner_api.patch("/api/v1/me/", {"id": other_user.pk, "display_name": "Changed"}, format="json")
    other_user.refresh_from_db()
    assert other_user.display_name == "Oscar Other"
    assert owner_api.get("/api/v1/me/").json()["email"] == "owner@example.com"
    assert owner_api.get(f"/api/v1/users/{other_user.pk}/").status_code == 404


def test_avatar_upload_reencodes_and_strips_metadata(owner_api, owner):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS
    upload = SimpleUploadedFile("me.jpg", image_bytes("JPEG", size=(1200, 900), exif=exif.tobytes()), "image/jpeg")
    response = owner_api.put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert response.status_code == 200, response.json()
    owner.refresh_from_db()
    assert owner.avatar.name.startswith("avatars/")
    assert "me.jpg" not in owner.avatar.name
    with owner.avatar.open("rb") as stored, Image.open(stored) as image:
        assert max(image.size) <= 512
        assert not image.getexif()
        assert "exif" not in image.info
    assert response.json()["avatar_url"].endswith("/api/v1/me/avatar/")
    download = owner_api.get("/api/v1/me/avatar/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"


def test_png_with_transparency_stays_png(owner_api, owner):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("clear.png", buffer.getvalue(), "image/png")
    assert owner_api.put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart").status_code == 200
    owner.refresh_from_db()
    assert owner.avatar.name.endswith(".png")


def test_replacing_an_avatar_deletes_the_old_file(owner_api, owner, django_capture_on_commit_callbacks):
    first = SimpleUploadedFile("a.png", image_bytes(), "image/png")
    owner_api.put("/api/v1/me/avatar/", {"avatar": first}, format="multipart")
    owner.refresh_from_db()
    old_name = owner.avatar.name
    second = SimpleUploadedFile("b.png", image_bytes(color=(1, 2, 3)), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.put("/api/v1/me/avatar/", {"avatar": second}, format="multipart")
    owner.refresh_from_db()
    assert owner.avatar.name != old_name
    assert not owner.avatar.storage.exists(old_name)


def test_avatar_delete(owner_api, owner):
    owner_api.put("/api/v1/me/avatar/", {"avatar": SimpleUploadedFile("a.png", image_bytes(), "image/png")},
                  format="multipart")
    assert owner_api.delete("/api/v1/me/avatar/").status_code == 204
    owner.refresh_from_db()
    assert not owner.avatar
    assert owner_api.get("/api/v1/me/avatar/").status_code == 404


def _noise_png() -> bytes:
    import os

    image = Image.frombytes("RGB", (1400, 1400), os.urandom(1400 * 1400 * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "content_type", "message"),
    [
        ("notes.png", lambda: b"this is a text file, not a picture\n" * 20, "image/png", "not an image"),
        ("huge.png", _noise_png, "image/png", "the limit is 2 MB"),
        ("ten-mb.bmp", lambda: image_bytes("BMP", size=(1870, 1870)), "image/bmp", "the limit is 2 MB"),
        ("truncated.jpg", lambda: image_bytes("JPEG", size=(800, 600))[:1500], "image/jpeg", "damaged or truncated"),
        ("wide.png", lambda: image_bytes("PNG", size=(5000, 10)), "image/png", "the limit is 4096 pixels"),
        ("empty.png", lambda: b"", "image/png", "empty"),
        ("vector.svg", lambda: b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml", "not an image"),
    ],
)
def test_bad_avatars_are_refused_with_a_clear_message(owner_api, owner, name, make, content_type, message):
    upload = SimpleUploadedFile(name, make(), content_type)
    response = owner_api.put("/api/v1/me/avatar/", {"avatar": upload}, format="multipart")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert list(response.json()["fields"]) == ["avatar"]
    assert message in " ".join(response.json()["fields"]["avatar"])
    owner.refresh_from_db()
    assert not owner.avatar
    media = owner.avatar.storage
    assert not media.exists("avatars") or media.listdir("avatars") == ([], [])
