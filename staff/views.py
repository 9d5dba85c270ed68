"""The staff pages: users, revenue and the system, each a set of figures with a chart, a table and a CSV; and
one person's activity. Staff only (``staff_member_required``, as the jobs page: anyone else is sent to the
admin's sign-in and sees nothing)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View

from accounts.models import User
from audit.activity import activity_timeline
from audit.models import AuditAction
from audit.services import audit_record
from core.csv_safe import csv_cell, csv_lines
from core.rls import row_security_as
from staff import pages
from staff.services import activity_rollup
from staff.period import Period, period_from
from staff.tables import Table


def csv_response(table: Table, period: Period) -> StreamingHttpResponse:
    columns, rows = table.csv()
    lines = csv_lines([csv_cell(column) for column in columns],
                      ([csv_cell(value) for value in row] for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="finsight-{table.key}-{period.start:%Y%m%d}-'
                                       f'{period.end:%Y%m%d}.csv"')
    return response


@method_decorator(staff_member_required, name="dispatch")
class StatsView(View):
    """One page of figures. ``?csv=<table>`` answers that table alone as CSV."""

    page = ""
    title = ""
    intro = ""
    tables: dict[str, pages.Builder] = {}

    def cards(self, period: Period, tables: dict[str, Table]) -> list[dict[str, Any]]:
        return []

    def builders(self) -> dict[str, pages.Builder]:
        return self.tables

    def get(self, request: HttpRequest) -> HttpResponse:
        # Figures over everyone: with row-level security on, this request reads every person's rows, only to
        # count them (the staff check above comes first).
        with row_security_as(bypass=True):
            return self.respond(request)

    def respond(self, request: HttpRequest) -> HttpResponse:
        period, form = period_from(request.GET)
        wanted = request.GET.get("csv")
        builders = self.builders()
        if wanted is not None:
            if wanted not in builders:
                raise Http404("No such table.")
            return csv_response(builders[wanted](period), period)
        tables = {key: build(period) for key, build in builders.items()}
        return render(request, "staff/page.html", {
            "page": self.page, "title": self.title, "intro": self.intro, "period": period, "form": form,
            "tables": list(tables.values()), "cards": self.cards(period, tables),
            "billing_shown": settings.BILLING_ENABLED,
        })


class UsersView(StatsView):
    page = "users"
    title = "Users"
    intro = ("How many people sign up and come back. Every figure is a count over everyone; no person's "
             "transactions, descriptions or amounts are read for it. Days are UTC.")
    tables = pages.USERS_TABLES

    def respond(self, request: HttpRequest) -> HttpResponse:
        activity_rollup()  # whole days since the last visit into the rollup (usually none), and today so far
        return super().respond(request)

    def builders(self) -> dict[str, pages.Builder]:
        # With billing off everyone may use everything: there are no plans to count.
        return {**self.tables, "plans": pages.plans_table} if settings.BILLING_ENABLED else self.tables

    def cards(self, period: Period, tables: dict[str, Table]) -> list[dict[str, Any]]:
        return pages.users_cards(period)


class RevenueView(StatsView):
    """Only with billing on; otherwise there is no such page (404), as billing's own pages."""

    page = "revenue"
    title = "Revenue"
    intro = ("What the plans bring in, from Stripe's subscriptions and invoices: each currency apart, never added "
             "together. Sums over everyone; no person's payment is shown. Months are UTC.")
    tables = pages.REVENUE_TABLES

    def respond(self, request: HttpRequest) -> HttpResponse:
        if not settings.BILLING_ENABLED:
            raise Http404("Billing is off.")
        return super().respond(request)

    def cards(self, period: Period, tables: dict[str, Table]) -> list[dict[str, Any]]:
        return pages.revenue_cards(tables, period)


class SystemView(StatsView):
    page = "system"
    title = "System"
    intro = ("Whether the background work keeps up: jobs, bank imports, the categorizer and its models, anomaly "
             "alerts and notifications. Counts over everyone; days are UTC.")
    tables = pages.SYSTEM_TABLES

    def cards(self, period: Period, tables: dict[str, Table]) -> list[dict[str, Any]]:
        return pages.system_cards(tables)


ACTIVITY_LIMIT = 500


@method_decorator(staff_member_required, name="dispatch")
class ActivityFindView(View):
    """The users page's "Activity of a person" box: an email address to that person's activity page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        email = request.GET.get("email", "").strip()[:254]
        with row_security_as(bypass=True):
            person = User.objects.filter(email__iexact=email).only("pk").first() if email else None
        if person is None:
            messages.warning(request, f"No account has the address “{email}”." if email else "Enter an email address.")
            return redirect("staff:users")
        return redirect("staff:activity", pk=person.pk)


@method_decorator(staff_member_required, name="dispatch")
class ActivityView(View):
    """One person's activity in the range: the audit log's entries by or about them and the background jobs run
    for them, newest first (at most 500). Looking is itself audited, as the admin's record page is."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        with row_security_as(bypass=True):  # another person's audit entries and job runs
            return self.respond(request, pk)

    def respond(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_object_or_404(User, pk=pk)
        period, form = period_from(request.GET)
        items = activity_timeline(user=person, limit=ACTIVITY_LIMIT, since=period.since, until=period.until)
        if person.pk != request.user.pk:
            audit_record(action=AuditAction.STAFF_VIEW, actor=request.user, target=person,
                         changes={"page": "activity"})
        if request.GET.get("csv") == "activity":
            table = Table(key=f"activity-{person.pk}", title="Activity", definition="", chart_type="",
                          columns=["at", "source", "what"],
                          rows=[[item.at.isoformat(), item.source, item.sentence] for item in items])
            return csv_response(table, period)
        return render(request, "staff/activity.html", {
            "person": person, "items": items, "period": period, "form": form, "limit": ACTIVITY_LIMIT,
            "page": "users", "billing_shown": settings.BILLING_ENABLED,
        })
