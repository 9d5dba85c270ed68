"""Staff pages: recent background job runs and failures."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from core.models import JobStatus
from core.selectors import job_run_list, job_summary


@method_decorator(staff_member_required, name="dispatch")
class JobRunListView(View):
    def get(self, request):
        status = request.GET.get("status", "")
        status = status if status in JobStatus.values else ""
        name = request.GET.get("job", "")[:100]
        page = Paginator(job_run_list(status=status, name=name), 50).get_page(request.GET.get("page"))
        return render(request, "core/jobs.html", {
            "page": page, "page_numbers": page.paginator.get_elided_page_range(page.number),
            "runs": page.object_list, "summary": job_summary(), "status": status,
            "job": name, "statuses": JobStatus.choices,
        })
