"""The receipts pages: upload and the list, a receipt's review (its image beside every field, editable), the
progress while the worker reads it, and its file (served to its owner only). Thin: reads through
receipts.selectors with the signed-in user (another user's receipt is a 404), writes through receipts.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.pages import add_service_errors
from core.sessions import background_request
from receipts import selectors, services
from receipts.forms import ReceiptReviewForm, ReceiptUploadForm, item_formset_class
from receipts.models import Receipt, ReceiptStatus
from receipts.ocr import TESSERACT_MISSING, tesseract_available
from transactions import selectors as ledger
from transactions.models import Account, Category

BAD_REQUEST = 400


class ReceiptListView(LoginRequiredMixin, View):
    """The upload form and the person's receipts."""

    def render(self, request, form: ReceiptUploadForm, status: int = 200) -> HttpResponse:
        meant_for = None
        pk = form["transaction"].value()
        if pk and str(pk).isdigit():
            meant_for = ledger.transaction_list(user=request.user).filter(pk=pk).first()
        return render(request, "receipts/list.html", {
            "form": form, "meant_for": meant_for,
            "ocr_missing": None if tesseract_available() else TESSERACT_MISSING,
            "receipts": list(selectors.receipt_list(user=request.user)[:50]),
        }, status=status)

    def get(self, request):
        return self.render(request, ReceiptUploadForm(initial={"transaction": request.GET.get("transaction")}))

    def post(self, request):
        form = ReceiptUploadForm(request.POST, request.FILES)
        if form.is_valid():
            meant_for = None
            if form.cleaned_data["transaction"]:
                meant_for = ledger.transaction_get(user=request.user, pk=form.cleaned_data["transaction"])
            try:
                receipt = services.receipt_upload(user=request.user, upload=form.cleaned_data["file"],
                                                  meant_for=meant_for)
            except ValidationError as error:
                add_service_errors(form, ValidationError({"file": error.messages}))
            else:
                return redirect("receipts:detail", pk=receipt.pk)
        return self.render(request, form, status=BAD_REQUEST)


def _item_rows(receipt: Receipt) -> list[dict[str, Any]]:
    categories = {c.pk: c for c in Category.objects.visible_to(receipt.user).filter(
        pk__in=[i.get("category_id") for i in receipt.items if i.get("category_id")])}
    return [{"description": i.get("description", ""), "amount": i.get("amount"),
             "category": categories.get(i.get("category_id"))} for i in receipt.items]


class ReceiptDetailView(LoginRequiredMixin, View):
    """A receipt: its progress while read, why it could not be read, or the review to confirm it."""

    def forms(self, request, receipt: Receipt, data=None):
        user = request.user
        candidates = selectors.match_candidates(user=user, receipt=receipt)
        accounts = Account.objects.filter(owner=user).order_by("name")
        initial = {
            "merchant": receipt.field_value("merchant") or "", "date": receipt.field_value("date"),
            "total": receipt.field_value("total"), "currency": receipt.field_value("currency") or "",
            "attach_to": candidates[0].transaction.pk if candidates else None,
            "account": accounts.first(),
        }
        form = ReceiptReviewForm(data, initial=initial, accounts=accounts, candidates=candidates)
        rows = _item_rows(receipt)
        categories = ledger.category_picker_list(user=user, keep=[row["category"] for row in rows])
        formset = item_formset_class(blank_rows=2)(data, initial=rows, prefix="item",
                                                    form_kwargs={"categories": categories})
        return form, formset, candidates

    def render(self, request, receipt: Receipt, form=None, formset=None, candidates=(), status: int = 200):
        return render(request, "receipts/detail.html", {
            "receipt": receipt, "form": form, "formset": formset, "candidates": candidates,
            "fields": {name: receipt.field_confidence(name) for name in ("merchant", "date", "total", "currency")},
        }, status=status)

    def get(self, request, pk: int):
        receipt = selectors.receipt_get(user=request.user, pk=pk)
        if receipt.status != ReceiptStatus.READY:
            return self.render(request, receipt)
        form, formset, candidates = self.forms(request, receipt)
        return self.render(request, receipt, form, formset, candidates)

    def post(self, request, pk: int):
        receipt = selectors.receipt_get(user=request.user, pk=pk)
        if request.POST.get("action") == "delete":
            services.receipt_delete(user=request.user, receipt=receipt)
            messages.success(request, "The receipt was deleted.")
            return redirect("receipts:list")
        if request.POST.get("action") == "retry" and receipt.status == ReceiptStatus.FAILED:
            services.receipt_retry(user=request.user, receipt=receipt)
            return redirect("receipts:detail", pk=receipt.pk)
        if receipt.status != ReceiptStatus.READY:
            return redirect("receipts:detail", pk=receipt.pk)
        form, formset, candidates = self.forms(request, receipt, request.POST)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            attach_to = None
            if data["attach_to"] is not None:
                attach_to = ledger.transaction_get(user=request.user, pk=data["attach_to"])
            items = [{"description": f.cleaned_data.get("description", ""), "amount": f.cleaned_data["amount"],
                      "category": f.cleaned_data.get("category")}
                     for f in formset.forms if f.cleaned_data.get("amount") is not None]
            try:
                edits = services.receipt_edits_merge(receipt=receipt, data={
                    "merchant": data["merchant"], "date": data["date"], "total": data["total"],
                    "currency": data["currency"], "items": items,
                    "merge_same_category": data["merge_same_category"]})
                txn = services.receipt_confirm(user=request.user, receipt=receipt, edits=edits,
                                               account=data["account"], attach_to=attach_to)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Receipt attached to the payment." if attach_to else
                                 "Receipt confirmed: a new transaction was added.")
                return redirect(reverse("transactions:detail", args=[txn.pk]))
        return self.render(request, receipt, form, formset, candidates, status=BAD_REQUEST)


@background_request
class ReceiptStatusView(LoginRequiredMixin, View):
    """The progress while the worker reads a receipt; polled by htmx every second, then the page reloads."""

    def get(self, request, pk: int):
        receipt = selectors.receipt_get(user=request.user, pk=pk)
        if not receipt.is_working:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("receipts:detail", args=[receipt.pk])
            return response
        return render(request, "receipts/_status.html", {"receipt": receipt})


class ReceiptFileView(LoginRequiredMixin, View):
    """The receipt's photo or PDF, to its owner only; receipts have no public URL."""

    def get(self, request, pk: int):
        receipt = selectors.receipt_get(user=request.user, pk=pk)
        response = FileResponse(receipt.file.open("rb"), content_type=receipt.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        return response
