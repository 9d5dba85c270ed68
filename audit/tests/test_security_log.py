"""The person's own security log (page and API), and the staff's read-only view of the whole log."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditEntry
from audit.origin import Origin
from audit.services import audit_record

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
PAGE = "/accounts/security-log/"
API = "/api/v1/me/security-log/"


def sign_in(user, ip="127.0.0.1", agent=FIREFOX):
    return audit_record(action=AuditAction.SIGN_IN, actor=user, target=user, origin=Origin(ip, agent))


def test_the_page_says_what_happened_in_plain_words(client, owner):
    sign_in(owner)
    audit_record(action=AuditAction.SIGN_IN_FAILED, target=owner, origin=Origin("198.51.100.4", IPHONE),
                 changes={"email": owner.email})
    client.force_login(owner)  # a sign-in of its own, with no address
    page = client.get(PAGE).content.decode()
    assert "Signed in from 127.0.0.1, Firefox on Linux" in page
    assert "Failed sign-in attempt with your email address from 198.51.100.4, Safari on iPhone" in page
    # Newest first.
    assert page.index("Failed sign-in attempt") < page.index("Signed in from 127.0.0.1")


def test_the_settings_pages_link_to_it(client, owner):
    client.force_login(owner)
    assert f'href="{PAGE}"' in client.get("/accounts/profile/").content.decode()


def test_the_page_needs_a_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nobody_sees_another_persons_entries(client, owner, other_user, other_api):
    sign_in(owner, ip="203.0.113.1")
    audit_record(action=AuditAction.SIGN_IN_FAILED, target=owner, origin=Origin("203.0.113.2", FIREFOX))
    sign_in(other_user, ip="192.0.2.99")
    client.force_login(other_user)
    page = client.get(PAGE).content.decode()
    assert "192.0.2.99" in page
    assert "203.0.113.1" not in page and "203.0.113.2" not in page
    body = other_api.get(API).json()
    assert {row["ip"] for row in body["results"]} <= {"192.0.2.99", ""}
    owners_ids = set(AuditEntry.objects.filter(actor=owner).values_list("id", flat=True))
    assert not owners_ids & {row["id"] for row in body["results"]}


def test_the_api_answers_the_list_envelope(owner_api, owner):
    sign_in(owner, ip="203.0.113.5")
    audit_record(action=AuditAction.RULE_DELETE, actor=owner, target_type="transactions.rule", target_id="7",
                 target_label="Supermarkets")
    body = owner_api.get(API).json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    newest, oldest = body["results"]
    assert newest["action"] == "rule_delete"
    assert newest["description"] == "Deleted the rule “Supermarkets”"
    assert (newest["ip"], newest["device"]) == ("", "")
    assert oldest["description"] == "Signed in from 203.0.113.5, Firefox on Linux"
    assert (oldest["action_label"], oldest["device"]) == ("Signed in", "Firefox on Linux")
    assert set(oldest) == {"id", "at", "action", "action_label", "description", "ip", "device"}


def test_the_api_needs_a_sign_in_and_answers_errors_in_the_one_shape(api_client):
    response = api_client.get(API)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_api_pages(owner_api, owner):
    for _ in range(3):
        sign_in(owner)
    body = owner_api.get(API, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert owner_api.get(API, {"page": 9}).status_code == 404


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    return len(queries)


def test_page_and_api_read_in_a_fixed_number_of_queries(client, owner, owner_api):
    client.force_login(owner)
    sign_in(owner)
    few_page, few_api = _queries(lambda: client.get(PAGE)), _queries(lambda: owner_api.get(API))
    for number in range(60):
        sign_in(owner, ip=f"192.0.2.{number}")
        audit_record(action=AuditAction.BANK_IMPORT, actor=owner, target_label=f"file{number}.csv",
                     changes={"created": number, "account": "Main checking"})
    assert _queries(lambda: client.get(PAGE)) == few_page
    assert _queries(lambda: owner_api.get(API)) == few_api


def test_the_schema_documents_the_endpoint(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/me/security-log/"]["get"]
    assert "me" in operation["tags"]
    assert "200" in operation["responses"]


def test_staff_read_the_whole_log_in_the_admin_but_cannot_change_it(client, staff_user, owner):
    entry = sign_in(owner, ip="203.0.113.77")
    staff_user.is_superuser = True  # the admin's view permission; the entries stay read-only even so
    staff_user.save(update_fields=["is_superuser"])
    client.force_login(staff_user)
    listing = client.get("/admin/audit/auditentry/", {"action__exact": "sign_in"})
    assert listing.status_code == 200 and "203.0.113.77" in listing.content.decode()
    assert client.get("/admin/audit/auditentry/", {"q": "owner@example"}).status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    detail = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"ip": "10.0.0.1"})
    assert detail.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).ip == "203.0.113.77"


def test_a_data_export_says_which_step(owner_api, owner):
    audit_record(action=AuditAction.DATA_EXPORT, actor=owner, changes={"step": "asked"})
    audit_record(action=AuditAction.DATA_EXPORT, actor=owner, changes={"step": "downloaded", "size_bytes": 10})
    downloaded, asked = owner_api.get(API).json()["results"]
    assert (asked["description"], downloaded["description"]) == (
        "Asked for a copy of your data", "Downloaded the copy of your data")
