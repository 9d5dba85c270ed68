"""Exports pages: ask for a CSV of the transactions (with the list's filters), watch it being written, download it.

The worker writes the file; these pages only ask, show the progress (htmx polls the status) and hand the file to
its owner. Someone else's export is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views import View

from core.sessions import background_request
from transactions import exports, selectors, services


class ExportListView(LoginRequiredMixin, View):
    """Your recent exports; POST asks for a new one with the filters in the query string (the list's)."""

    def get(self, request):
        return render(request, "transactions/exports.html",
                      {"exports": selectors.transaction_export_list(user=request.user)[:20]})

    def post(self, request):
        try:
            export = services.transaction_export_request(user=request.user, filters=request.GET.dict())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("transactions:exports")
        return redirect("transactions:export", pk=export.pk)


class ExportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        export = selectors.transaction_export_get(user=request.user, pk=pk)
        return render(request, "transactions/export.html", {
            "export": export, "filters": exports.export_filters_described(user=request.user, filters=export.filters)})


@background_request
class ExportStatusView(LoginRequiredMixin, View):
    """The progress bar and, once written, the download link; polled by htmx while the export is being written."""

    def get(self, request, pk: int):
        return render(request, "transactions/_export_status.html",
                      {"export": selectors.transaction_export_get(user=request.user, pk=pk)})


class ExportDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        export = selectors.transaction_export_get(user=request.user, pk=pk)
        if not export.is_downloadable:
            raise Http404("This export is not ready, failed or has expired.")
        try:
            handle = open(exports.export_path(export), "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError:
            raise Http404("This export's file is gone.") from None
        return FileResponse(handle, as_attachment=True, filename=export.download_name, content_type="text/csv")
