"""The notifications pages: the inbox with read/unread tabs, mark read, delete, open a link, the nav's bell
badge and the preferences grid. Reads go through notifications.selectors with the signed-in user; another
user's notification is a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from core.pages import is_htmx, safe_next
from core.sessions import background_request
from notifications import selectors
from notifications.forms import PreferencesForm
from notifications.preferences import preferences_update
from notifications.services import notification_delete, notifications_mark_read, preferences_get

PAGE_SIZE = 20
SHOW_UNREAD = "unread"


def list_context(request, *, show: str, page_number) -> dict:
    unread_only = show == SHOW_UNREAD
    notifications = selectors.notification_list(user=request.user, unread=True if unread_only else None)
    paginator = Paginator(notifications, PAGE_SIZE)
    page = paginator.get_page(page_number)
    unread = paginator.count if unread_only else selectors.notification_unread_count(user=request.user)
    return {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "show": SHOW_UNREAD if unread_only else "all",
        "unread": unread,
        "recent_since": timezone.now() - dt.timedelta(minutes=1),
        "return_to": reverse("notifications:list") + list_query(unread_only=unread_only, page_number=page.number),
    }


def list_query(*, unread_only: bool, page_number: int) -> str:
    query = urlencode({key: value for key, value in [("show", SHOW_UNREAD if unread_only else None),
                                                     ("page", page_number if page_number > 1 else None)] if value})
    return f"?{query}" if query else ""


def list_swap(request, **extra) -> HttpResponse:
    """After an htmx action: the inbox card as the page shows it (same tab and page), and the nav bell."""
    show, page_number = request.POST.get("show", ""), request.POST.get("page")
    # The pagination partial builds its links from request.GET; give it the tab the rows came from.
    request.GET = QueryDict(f"show={SHOW_UNREAD}" if show == SHOW_UNREAD else "")
    context = list_context(request, show=show, page_number=page_number) | extra
    listing = render(request, "notifications/_list.html", context).content.decode()
    badge = render(request, "notifications/_badge.html", {"unread": context["unread"], "oob": True}).content.decode()
    return HttpResponse(listing + badge)


def list_url(request) -> str:
    return safe_next(request, reverse("notifications:list"))


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request):
        context = list_context(request, show=request.GET.get("show", ""), page_number=request.GET.get("page"))
        return render(request, "notifications/list.html", context)


class NotificationMarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        notification = selectors.notification_get(user=request.user, pk=pk)
        notifications_mark_read(user=request.user, ids=[notification.pk])
        if is_htmx(request):
            return list_swap(request)
        messages.success(request, f"Marked “{notification.title}” as read.")
        return redirect(list_url(request))


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        marked = notifications_mark_read(user=request.user)
        if is_htmx(request):
            return list_swap(request, marked=marked)
        if marked:
            messages.success(request, f"Marked {marked} notification{'' if marked == 1 else 's'} as read.")
        else:
            messages.info(request, "Nothing to mark: every notification was already read.")
        return redirect(list_url(request))


class NotificationDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        notification = selectors.notification_get(user=request.user, pk=pk)
        title = notification.title
        notification_delete(user=request.user, notification=notification)
        if is_htmx(request):
            return list_swap(request)
        messages.success(request, f"Deleted “{title}”.")
        return redirect(list_url(request))


class NotificationOpenView(LoginRequiredMixin, View):
    """Follow a notification's link, marking it read on the way; a link leaving Finsight goes to the list."""

    def get(self, request, pk: int):
        notification = selectors.notification_get(user=request.user, pk=pk)
        notifications_mark_read(user=request.user, ids=[notification.pk])
        return redirect(selectors.notification_safe_link(notification=notification) or reverse("notifications:list"))

    post = get


@background_request
class NotificationBadgeView(LoginRequiredMixin, View):
    """The nav's bell with the unread count; it re-fetches itself every minute."""

    def get(self, request):
        unread = selectors.notification_unread_count(user=request.user)
        return render(request, "notifications/_badge.html", {"unread": unread})


class PreferencesView(LoginRequiredMixin, View):
    def get(self, request):
        form = PreferencesForm.for_preferences(preferences_get(user=request.user))
        return render(request, "notifications/preferences.html", {"form": form})

    def post(self, request):
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                preferences_update(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, "Notification preferences saved.")
                return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form})
