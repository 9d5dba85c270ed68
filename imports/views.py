"""The import pages: upload a bank export, choose its columns when asked, and follow its progress to the result.

Thin: imports.services does the work; another user's import is a 404.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.pages import add_service_errors
from core.sessions import background_request
from imports import services as import_services
from imports.forms import ImportMappingForm, ImportUploadForm
from transactions import selectors
from transactions.models import Account, ImportBatch, ImportStatus


class ImportView(LoginRequiredMixin, View):
    def render(self, request, form):
        return render(request, "imports/upload.html", {
            "form": form, "has_accounts": Account.objects.filter(owner=request.user).exists(),
            "batches": list(selectors.import_batch_list(user=request.user)[:10]),
        })

    def form(self, request, data=None, files=None):
        accounts = Account.objects.filter(owner=request.user).order_by("name")
        initial = {"account": request.GET.get("account")} if str(request.GET.get("account", "")).isdigit() else {}
        return ImportUploadForm(data, files, accounts=accounts, initial=initial)

    def get(self, request):
        return self.render(request, self.form(request))

    def post(self, request):
        form = self.form(request, request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        try:
            batch = import_services.import_start(user=request.user, account=form.cleaned_data["account"],
                                                 upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render(request, form)
        return redirect("imports:batch", pk=batch.pk)


def can_remap(batch: ImportBatch) -> bool:
    """A stored table file whose import waits for, or failed with, a column mapping can be mapped (again)."""
    return bool(batch.stored_file) and batch.file_format != "ofx" and batch.status in (
        ImportStatus.NEEDS_MAPPING, ImportStatus.FAILED)


class ImportBatchView(LoginRequiredMixin, View):
    """One import: the column mapping when it needs one, else its progress and result."""

    def render(self, request, batch, form=None, preview=None):
        return render(request, "imports/batch.html", {
            "batch": batch, "form": form, "preview": preview, "can_remap": can_remap(batch),
        })

    def mapping_form(self, batch, data=None):
        preview = import_services.import_batch_preview(batch=batch)
        if preview.refused or not preview.columns:
            return None, preview
        mapping = preview.mapping
        initial = {name: mapping.get(name) for name in ImportMappingForm.COLUMN_FIELDS}
        initial |= {"description": mapping.get("description") or [], "date_order": mapping.get("date_order") or "dmy",
                    "decimal": mapping.get("decimal") or ".", "negate": bool(mapping.get("negate"))}
        return ImportMappingForm(data, columns=preview.columns, initial=initial), preview

    def get(self, request, pk: int):
        batch = selectors.import_batch_get(user=request.user, pk=pk)
        if batch.status == ImportStatus.NEEDS_MAPPING or (request.GET.get("remap") and can_remap(batch)):
            form, preview = self.mapping_form(batch)
            return self.render(request, batch, form, preview)
        return self.render(request, batch)

    def post(self, request, pk: int):
        batch = selectors.import_batch_get(user=request.user, pk=pk)
        if not can_remap(batch):
            return redirect("imports:batch", pk=batch.pk)
        form, preview = self.mapping_form(batch, request.POST)
        if form is None or not form.is_valid():
            return self.render(request, batch, form, preview)
        # Small files import now; big ones go to the worker and this page shows their progress.
        import_services.import_run(batch=batch, mapping=form.mapping(preview.mapping), run_async=None)
        return redirect("imports:batch", pk=batch.pk)


@background_request
class ImportBatchStatusView(LoginRequiredMixin, View):
    """The progress bar and, once finished, the result; polled by htmx every second while the import runs."""

    def get(self, request, pk: int):
        batch = selectors.import_batch_get(user=request.user, pk=pk)
        if batch.status == ImportStatus.NEEDS_MAPPING:
            # The worker read a big file and needs the person's columns: the whole page becomes the form.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("imports:batch", args=[batch.pk])
            return response
        return render(request, "imports/_status.html", {"batch": batch, "can_remap": can_remap(batch)})
