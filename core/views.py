"""Staff pages (recent background job runs and failures), and the answers to errors outside a view."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View, defaults

from core.api import error_response, is_api_request
from core.models import JobStatus
from core.selectors import job_run_list, job_summary


@method_decorator(staff_member_required, name="dispatch")
class JobRunListView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        status = status if status in JobStatus.values else ""
        name = request.GET.get("job", "")[:100]
        page = Paginator(job_run_list(status=status, name=name), 50).get_page(request.GET.get("page"))
        return render(request, "core/jobs.html", {
            "page": page, "page_numbers": page.paginator.get_elided_page_range(page.number),
            "runs": page.object_list, "summary": job_summary(), "status": status,
            "job": name, "statuses": JobStatus.choices,
        })


# --- errors outside a view: JSON under /api/, the site's pages elsewhere -----------------------------------

def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_response(status=400, message="The request could not be read (too large, or malformed).",
                              code="bad_request")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_response(status=403, message="You may not do this.", code="permission_denied")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_response(status=404, message=f"There is no API endpoint at {request.path}.",
                              code="not_found")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return error_response(status=500, message="Something went wrong on the server; nothing was changed.",
                              code="server_error")
    return defaults.server_error(request)
