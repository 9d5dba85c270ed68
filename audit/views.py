"""The signed-in person's security log, under the account settings."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from audit import selectors
from audit.activity import background_runs, job_describe
from audit.describe import entry_describe

PAGE_SIZE = 25
RUNS_SHOWN = 20


class SecurityLogView(LoginRequiredMixin, TemplateView):
    template_name = "audit/security_log.html"

    def get_context_data(self, **kwargs):
        paginator = Paginator(selectors.security_log(user=self.request.user), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        rows = [{"entry": entry, "sentence": entry_describe(entry)} for entry in page.object_list]
        runs = [{"run": run, "sentence": job_describe(run)}
                for run in background_runs(user=self.request.user, limit=RUNS_SHOWN)]
        return {**super().get_context_data(**kwargs), "page": page, "rows": rows, "runs": runs,
                "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)}
