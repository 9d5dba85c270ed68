"""Pages: your data to take away (ask for the archive, see it being prepared, download it once)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from privacy import selectors, services


class DataView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        exports = list(selectors.data_export_list(user=request.user)[: selectors.RECENT])
        return render(request, "privacy/data.html", {"exports": exports, "hours": settings.DATA_EXPORT_HOURS})

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            services.data_export_request(user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your data is being prepared. You will get an email when it is ready.")
        return redirect(reverse("privacy:data"))


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
