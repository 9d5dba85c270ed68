"""The home page: the landing page for visitors, the dashboard once logged in."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from insights.dashboard import dashboard_get


class HomeView(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return render(request, "home.html")
        return render(request, "insights/dashboard.html", dashboard_get(user=request.user))
