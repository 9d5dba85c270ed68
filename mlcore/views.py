"""The review queue: accept the suggestion with one click (or "a"), correct with a type-ahead, accept in bulk;
and "Your patterns": what is normal for you, as a worker last learned it.

Reads go through mlcore.selectors with the signed-in user, decisions through mlcore.feedback; a transaction that
is not yours, or no longer waiting for review, is a 404. The patterns page only reads the stored patterns
(mlcore.services.patterns_get) and says when they were computed; it never computes them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.views import View

from core.pages import is_htmx, preferred_currency, safe_next
from mlcore import selectors, services
from mlcore.feedback import categories_accept_bulk, category_accept, category_correct, suggestion_of
from mlcore.patterns_summary import patterns_shown
from transactions import selectors as ledger_selectors
from transactions.filters import MAX_ID
from transactions.models import Category, Transaction
from transactions.selectors import category_picker_list

PAGE_SIZE = 50


def category_by_name(user, text: str) -> Category | None:
    """What the type-ahead sent: a "Parent > Child" name as the list offers it, or a name that is unique."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    categories = list(ledger_selectors.category_list(user=user))
    for category in categories:
        if str(category).casefold() == wanted:
            return category
    by_name = [category for category in categories if category.name.casefold() == wanted]
    return by_name[0] if len(by_name) == 1 else None


def with_suggestions(transactions) -> list[Transaction]:
    rows = list(transactions)
    for txn in rows:
        txn.suggestion = suggestion_of(txn)
    return rows


def parse_ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID]


def queued(request, pk: int) -> Transaction:
    return get_object_or_404(selectors.review_queue(user=request.user), pk=pk)


def decided(request) -> HttpResponse:
    """The row goes away; the counts on the page and in the nav follow out of band."""
    remaining = selectors.review_count(user=request.user)
    return render(request, "mlcore/review_decided.html", {"remaining": remaining})


class ReviewListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        paginator = Paginator(selectors.review_queue(user=user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = with_suggestions(page.object_list)
        return render(request, "mlcore/review.html", {
            "page": page,
            "remaining": paginator.count,
            "categories": category_picker_list(user=user) if paginator.count else [],
            "preferred_currency": preferred_currency(user),
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        })


class ReviewCountView(LoginRequiredMixin, View):
    """The nav badge, loaded after the page so that every other page stays one COUNT cheaper."""

    def get(self, request):
        return render(request, "mlcore/review_badge.html", {"remaining": selectors.review_count(user=request.user)})


class ReviewAcceptView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        txn = queued(request, pk)
        try:
            category_accept(user=request.user, txn=txn)
        except ValidationError as error:
            return self.refused(request, txn, " ".join(error.messages))
        if is_htmx(request):
            return decided(request)
        messages.success(request, f"Filed under {txn.category}.")
        return redirect(safe_next(request, reverse("mlcore:review")))

    @staticmethod
    def refused(request, txn: Transaction, error: str):
        if is_htmx(request):
            return render(request, "mlcore/review_row.html", {
                "txn": with_suggestions([txn])[0], "error": error, "preferred_currency": preferred_currency(request.user)})
        messages.error(request, error)
        return redirect(safe_next(request, reverse("mlcore:review")))


class ReviewCorrectView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        txn = queued(request, pk)
        text = request.POST.get("category", "")
        category = category_by_name(request.user, text)
        if category is None:
            error = ("Type a category, then pick it from the list." if not text.strip()
                     else f"No category called “{text.strip()[:60]}”: pick one from the list.")
            return ReviewAcceptView.refused(request, txn, error)
        category_correct(user=request.user, txn=txn, category=category)
        if is_htmx(request):
            return decided(request)
        messages.success(request, f"Filed under {category}.")
        return redirect(safe_next(request, reverse("mlcore:review")))


class ReviewBulkAcceptView(LoginRequiredMixin, View):
    """Accept the ticked rows, or every row on the page that has a suggestion."""

    def post(self, request):
        back = safe_next(request, reverse("mlcore:review"))
        field = "page_ids" if request.POST.get("scope") == "page" else "ids"
        ids = parse_ids(request.POST.getlist(field))
        if not ids:
            messages.error(request, "Select at least one transaction first.")
            return redirect(back)
        accepted, skipped = categories_accept_bulk(user=request.user, transaction_ids=ids)
        if accepted:
            messages.success(request, f"Accepted {accepted} suggestion{'s' if accepted != 1 else ''}.")
        if skipped:
            messages.info(request, f"{skipped} selected transaction{' has' if skipped == 1 else 's have'} no "
                                   f"suggestion: choose a category for {'it' if skipped == 1 else 'them'}.")
        return redirect(back)


def computed_ago(computed_at: dt.datetime, now: dt.datetime) -> str:
    """"3 hours ago", "just now": when a worker last learned the patterns."""
    if now - computed_at < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(computed_at, now, depth=1)} ago"


class PatternsView(LoginRequiredMixin, View):
    """What is normal for you, per category and merchant, as the last nightly or after-import run learned it."""

    def get(self, request):
        stored = services.patterns_get(user=request.user)
        if stored is None:
            return render(request, "mlcore/patterns.html", {"shown": None})
        patterns, computed_at = stored
        return render(request, "mlcore/patterns.html", {
            "shown": patterns_shown(patterns, computed_at=computed_at),
            "computed_ago": computed_ago(computed_at, timezone.now()),
        })
