"""Staff pages (recent background job runs and failures), and the answers to errors outside a view."""

from __future__ import annotations

import sys

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
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
    # Django calls this handler inside its ``except`` around the view and every middleware, so the error at hand
    # is sys.exc_info()'s. A lost database connection (a restart, a failover, a killed backend) is not a bug:
    # say so and when to come back; the next request reconnects (CONN_HEALTH_CHECKS).
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    if is_api_request(request):
        return error_response(status=500, message="Something went wrong on the server; nothing was changed.",
                              code="server_error")
    return defaults.server_error(request)


DATABASE_RETRY_SECONDS = 5


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 when the database could not be reached. A read says to try again; a write may have been committed
    before the connection went (a service's transaction, then a later read), so it says to check first."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        message = "The database could not be reached. Try again in a moment."
    else:
        message = ("The database could not be reached, so this may not have been saved. "
                   "Check, then try again in a moment.")
    if is_api_request(request):
        response: HttpResponse = error_response(status=503, message=message, code="database_unavailable")
    else:
        # Rendered without the request, like Django's 500 page: nothing on it may need the database.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response
