"""The optional push channel: a High alert reaches a real HTTP endpoint on loopback through apprise."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.checks import Error

from alerts.tests.conftest import AMOUNT_SENTENCE, alert_for, charge
from mlcore.services import RiskLevel
from notifications.checks import push_urls_check
from notifications.delivery import delivery_send
from notifications.models import Channel, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_server():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        status = 200

        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(Handler.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, Handler, received
    server.shutdown()
    server.server_close()


def test_high_alert_is_pushed_to_the_operators_channel(settings, owner, account, push_server):
    server, _, received = push_server
    settings.PUSH_URLS = [f"json://127.0.0.1:{server.server_port}/push"]
    alert_for(owner, charge(account))
    push = Delivery.objects.get(channel=Channel.PUSH)
    assert delivery_send(delivery_id=push.pk) == DeliveryStatus.SENT
    [message] = received
    assert message["title"].startswith("Was this you? EUR 400.00 at REWE")
    assert AMOUNT_SENTENCE in message["message"] and "/alerts/?transaction=" in message["message"]


def test_medium_alert_is_not_pushed(settings, owner, account, push_server):
    server, _, received = push_server
    settings.PUSH_URLS = [f"json://127.0.0.1:{server.server_port}/push"]
    alert_for(owner, charge(account), level=RiskLevel.MEDIUM)
    assert not Delivery.objects.filter(channel=Channel.PUSH).exists()


def test_a_refused_push_is_retried_later(settings, owner, account, push_server):
    server, handler, received = push_server
    handler.status = 500
    settings.PUSH_URLS = [f"json://127.0.0.1:{server.server_port}/push"]
    alert_for(owner, charge(account))
    push = Delivery.objects.get(channel=Channel.PUSH)
    assert delivery_send(delivery_id=push.pk) == DeliveryStatus.PENDING
    push.refresh_from_db()
    assert push.attempts == 1 and push.next_attempt_at is not None and "push service" in push.last_error


def test_an_unknown_push_url_fails_the_start_up_check_without_showing_the_url(settings):
    settings.PUSH_URLS = ["nosuchservice://secret-token@example.org/"]
    [error] = push_urls_check()
    assert isinstance(error, Error) and error.id == "notifications.E001"
    assert "nosuchservice://" in error.msg and "secret-token" not in error.msg
    settings.PUSH_URLS = []
    assert push_urls_check() == []
