"""Pages: your data to take away (ask for the archive, see it being prepared, download it once) and to bring in
(upload an archive from another Finsight into this empty account, then watch it being read)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.pages import add_service_errors
from core.sessions import background_request
from privacy import selectors, services
from privacy.restore import account_is_empty


class DataImportForm(forms.Form):
    file = forms.FileField(label="Your Finsight export (.zip)", widget=forms.FileInput(attrs={
        "accept": ".zip,application/zip"}))


def _data_page(request: HttpRequest, *, import_form: DataImportForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "privacy/data.html", {
        "exports": list(selectors.data_export_list(user=request.user)[: selectors.RECENT]),
        "imports": list(selectors.data_import_list(user=request.user)[: selectors.RECENT]),
        "can_import": account_is_empty(user=request.user),
        "import_form": import_form or DataImportForm(),
        "import_max_mb": settings.DATA_IMPORT_MAX_MB,
        "hours": settings.DATA_EXPORT_HOURS}, status=status)


class DataView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _data_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.data_export_request(user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your data is being prepared. You will get an email when it is ready.")
        return redirect(reverse("privacy:data"))


class ImportView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = DataImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.data_import_upload(user=request.user, upload=form.cleaned_data["file"], request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your archive is being imported. This page shows when it is done.")
                return redirect(reverse("privacy:data") + "#imports-title")
        return _data_page(request, import_form=form, status=400)


@background_request
class ImportStatusView(LoginRequiredMixin, View):
    """One import's line, polled by htmx while the worker reads the archive."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, "privacy/_import.html",
                      {"data_import": selectors.data_import_get(user=request.user, pk=pk)})


class DownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        export = selectors.data_export_get(user=request.user, pk=pk)
        try:
            path = services.data_export_download(user=request.user, export=export, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("privacy:data"))
        return FileResponse(path.open("rb"), as_attachment=True,
                            filename=f"finsight-data-{export.finished_at:%Y-%m-%d}.zip",
                            content_type="application/zip")
