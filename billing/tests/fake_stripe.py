"""A fake Stripe on loopback: a real HTTP server in a thread that answers the REST calls billing.gateway makes
(through the official library, pointed here by STRIPE_API_BASE), hosts a payment page that "pays", and signs
webhooks exactly as Stripe does (``Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>">``).

It keeps customers, subscriptions and invoices in memory and moves them as Stripe would: a payment fails (the
subscription past due, the invoice open and attempted), succeeds later, a cancellation at the period's end, the
period ending. Each move returns the events Stripe would send; ``signed`` gives a body and header for one, and
``deliver`` posts them to a webhook URL (the browser test's live server).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

PERIOD = 30 * 24 * 3600


class FakeStripe:
    def __init__(self, *, webhook_secret: str, api_key: str = "sk_test_fake") -> None:
        self.webhook_secret = webhook_secret
        self.api_key = api_key
        self.customers: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.prices: dict[str, tuple[int, str]] = {}  # price id → (amount in cents, currency)
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, form) of every API call
        self.webhook_url = ""  # where the hosted page's payment posts its events (the browser test)
        self.fail_next_api_call = False  # the next API call answers 400 (the library does not retry that)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- running -------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):06d}"

    # --- Stripe's objects ----------------------------------------------------------------------------------

    def price(self, price_id: str, amount_cents: int, currency: str = "eur") -> None:
        self.prices[price_id] = (amount_cents, currency)

    def _subscription_object(self, sub: dict[str, Any]) -> dict[str, Any]:
        # Since Stripe's 2025-03-31 API the period lives on the item, not the subscription.
        return {**{k: v for k, v in sub.items() if not k.startswith("_")}, "object": "subscription",
                "items": {"object": "list", "data": [{
                    "id": sub["_item"], "object": "subscription_item",
                    "price": {"id": sub["_price"], "object": "price"},
                    "current_period_start": sub["_period_start"], "current_period_end": sub["_period_end"]}]}}

    def _invoice(self, sub: dict[str, Any], *, paid: bool, now: int) -> dict[str, Any]:
        amount, currency = self.prices.get(sub["_price"], (0, "eur"))
        if sub["status"] == "trialing":
            amount = 0
        invoice = {
            "id": self._id("in"), "object": "invoice", "customer": sub["customer"], "currency": currency,
            "amount_due": amount, "amount_paid": amount if paid else 0, "status": "paid" if paid else "open",
            "attempted": True, "attempt_count": 1, "created": now,
            "status_transitions": {"paid_at": now if paid else None},
            "hosted_invoice_url": f"{self.url}/invoice/{sub['id']}/{now}",
            "parent": {"type": "subscription_details", "subscription_details": {"subscription": sub["id"]}},
        }
        self.invoices[invoice["id"]] = invoice
        return invoice

    def event(self, kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
        return {"id": self._id("evt"), "object": "event", "type": kind, "created": created or int(time.time()),
                "api_version": "2026-10-28.endive", "livemode": False,
                "data": {"object": obj}}

    def subscribe(self, *, price_id: str, user_id: int, plan_slug: str, trial_days: int = 0,
                  customer: str = "") -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A completed checkout: the subscription, and the events Stripe sends for it (in Stripe's usual order)."""
        now = int(time.time())
        with self._lock:
            customer = customer or self._id("cus")
            self.customers.setdefault(customer, {"id": customer, "object": "customer"})
            sub = {"id": self._id("sub"), "customer": customer, "status": "trialing" if trial_days else "active",
                   "cancel_at_period_end": False, "cancel_at": None, "canceled_at": None, "ended_at": None,
                   "trial_end": now + trial_days * 86400 if trial_days else None,
                   "metadata": {"finsight_user_id": str(user_id), "finsight_plan": plan_slug},
                   "latest_invoice": None, "_item": self._id("si"), "_price": price_id,
                   "_period_start": now, "_period_end": now + (trial_days * 86400 if trial_days else PERIOD)}
            self.subscriptions[sub["id"]] = sub
            invoice = self._invoice(sub, paid=True, now=now)
            sub["latest_invoice"] = invoice["id"]
            session = {"id": self._id("cs"), "object": "checkout.session", "mode": "subscription",
                       "status": "complete", "payment_status": "paid", "customer": customer,
                       "subscription": sub["id"], "client_reference_id": str(user_id),
                       "metadata": dict(sub["metadata"])}
        return sub, [self.event("customer.subscription.created", self._subscription_object(sub)),
                     self.event("invoice.paid", dict(invoice)),
                     self.event("checkout.session.completed", session)]

    def fail_payment(self, sub_id: str) -> list[dict[str, Any]]:
        """The renewal's charge is declined: a new period, an open invoice, the subscription past due."""
        now = int(time.time())
        with self._lock:
            sub = self.subscriptions[sub_id]
            sub["_period_start"], sub["_period_end"] = now, now + PERIOD
            sub["status"] = "past_due"
            invoice = self._invoice(sub, paid=False, now=now)
            sub["latest_invoice"] = invoice["id"]
        return [self.event("invoice.payment_failed", dict(invoice)),
                self.event("customer.subscription.updated", self._subscription_object(sub))]

    def recover(self, sub_id: str) -> list[dict[str, Any]]:
        """A retry of the open invoice goes through: paid, the subscription active again."""
        now = int(time.time())
        with self._lock:
            sub = self.subscriptions[sub_id]
            invoice = self.invoices[sub["latest_invoice"]]
            invoice.update(status="paid", amount_paid=invoice["amount_due"], attempt_count=2,
                           status_transitions={"paid_at": now})
            sub["status"] = "active"
        return [self.event("invoice.paid", dict(invoice)),
                self.event("customer.subscription.updated", self._subscription_object(sub))]

    def end_period(self, sub_id: str) -> list[dict[str, Any]]:
        """The paid period ends on a subscription set to cancel at its end: Stripe deletes it."""
        with self._lock:
            sub = self.subscriptions[sub_id]
            assert sub["cancel_at_period_end"], "only a subscription cancelled at period end ends by itself here"
            self._cancel(sub)
        return [self.event("customer.subscription.deleted", self._subscription_object(sub))]

    def _cancel(self, sub: dict[str, Any]) -> None:
        now = int(time.time())
        sub.update(status="canceled", canceled_at=now, ended_at=now)

    # --- webhooks ------------------------------------------------------------------------------------------

    def signed(self, event: dict[str, Any], *, timestamp: int | None = None,
               secret: str | None = None) -> tuple[bytes, str]:
        """The body and ``Stripe-Signature`` header Stripe would send for ``event``."""
        payload = json.dumps(event).encode()
        ts = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new((secret or self.webhook_secret).encode(), f"{ts}.".encode() + payload, hashlib.sha256)
        return payload, f"t={ts},v1={mac.hexdigest()}"

    def deliver(self, events: list[dict[str, Any]], url: str | None = None) -> list[int]:
        """POST each event, signed, to the webhook URL; the status codes."""
        codes = []
        for event in events:
            payload, header = self.signed(event)
            request = urllib.request.Request(url or self.webhook_url, data=payload, method="POST", headers={
                "Content-Type": "application/json", "Stripe-Signature": header})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback in tests)
                codes.append(response.status)
        return codes

    # --- the HTTP side -------------------------------------------------------------------------------------

    def _api(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.requests.append((method, path, form))
        if self.fail_next_api_call:
            self.fail_next_api_call = False
            return 400, {"error": {"type": "invalid_request_error", "message": "The fake is down."}}
        parts = path.strip("/").split("/")
        with self._lock:
            if (method, parts[:3]) == ("POST", ["v1", "checkout", "sessions"]):
                price = form["line_items[0][price]"]
                if price not in self.prices:
                    return 400, {"error": {"type": "invalid_request_error", "message": f"No such price: '{price}'"}}
                session = {"id": self._id("cs"), "object": "checkout.session", "mode": "subscription",
                           "status": "open", "form": form}
                session["url"] = f"{self.url}/pay/{session['id']}"
                self.sessions[session["id"]] = session
                return 200, {k: v for k, v in session.items() if k != "form"}
            if parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
                sub = self.subscriptions.get(parts[2])
                if sub is None:
                    return 404, {"error": {"type": "invalid_request_error", "message": "No such subscription"}}
                if method == "POST":
                    if "cancel_at_period_end" in form:
                        sub["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
                    if "items[0][price]" in form:
                        sub["_price"] = form["items[0][price]"]
                elif method == "DELETE":
                    self._cancel(sub)
                return 200, self._subscription_object(sub)
            if parts[:2] == ["v1", "invoices"] and len(parts) == 3 and parts[2] in self.invoices:
                return 200, dict(self.invoices[parts[2]])
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL {path}"}}

    def _pay(self, session_id: str) -> str:
        """The hosted page's Pay button: the subscription starts, the events go out signed, back to Finsight."""
        session = self.sessions[session_id]
        form = session["form"]
        sub, events = self.subscribe(
            price_id=form["line_items[0][price]"], user_id=int(form["client_reference_id"]),
            plan_slug=form["metadata[finsight_plan]"],
            trial_days=int(form.get("subscription_data[trial_period_days]", 0)), customer=form.get("customer", ""))
        if self.webhook_url:
            self.deliver(events)
        return form["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                return dict(parse_qsl(body, keep_blank_values=True))

            def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str) -> None:
                path = urlparse(self.path).path
                form = self._form()
                if path.startswith("/pay/"):
                    session_id = path.split("/")[2]
                    if method == "POST":
                        self._send(303, b"", "text/plain", {"Location": fake._pay(session_id)})
                    else:
                        self._send(200, PAY_PAGE.format(action=html.escape(path)).encode(), "text/html")
                    return
                if path.startswith("/v1/"):
                    if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                        self._send(401, b'{"error": {"type": "invalid_request_error", "message": "bad key"}}',
                                   "application/json")
                        return
                    status, data = fake._api(method, path, form)
                    self._send(status, json.dumps(data).encode(), "application/json",
                               {"Request-Id": f"req_{next(fake._ids)}"})
                    return
                self._send(404, b"not found", "text/plain")

            def do_GET(self) -> None:  # noqa: N802
                self._route("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._route("POST")

            def do_DELETE(self) -> None:  # noqa: N802
                self._route("DELETE")

        return Handler


PAY_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Fake Stripe Checkout</title></head>
<body style="font-family: sans-serif; max-width: 24rem; margin: 2rem auto; padding: 0 1rem">
<h1>Fake Stripe Checkout</h1><p>Card 4242 4242 4242 4242 (test)</p>
<form method="post" action="{action}"><button type="submit">Pay</button></form></body></html>"""
