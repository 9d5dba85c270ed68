"""The insights API for mobile: spending and savings analytics (the same selectors, and so the same numbers,
as the pages) and the stored forecasts with a refresh that queues the job (never fitted on request).

Query parameters are checked by input serializers; a bad one is a 400 that names it. Dates default to the
current month in the user's own time zone."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST, list_envelope, list_response
from core.outbox import outbox_enqueue
from insights import analytics
from insights.api import serializers as s
from insights.models import ForecastKind
from insights.refresh import figures_are_stale
from insights.selectors import forecast_list
from insights.tasks import forecast_refresh_task

# --- views ---------------------------------------------------------------------------------------------

class AnalyticsView(APIView):
    input_class: type[serializers.Serializer]

    def params(self, request: Request) -> dict:
        today = request.user.financial_profile.local_today()
        serializer = self.input_class(data=request.query_params, context={"today": today})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def period_response(self, request: Request, data: dict, rows, serializer) -> Response:
        return list_response(request=request, view=self, items=rows, serializer=serializer, extra={
            "currency": request.user.financial_profile.preferred_currency,
            "start": data["start"].isoformat(), "end": data["end"].isoformat(),
        })


@extend_schema(tags=["insights"], parameters=[s.CategoryInput],
               responses={200: s.period_list(s.CategorySpendingSerializer, "CategorySpendingList"), 400: BAD_REQUEST})
class SpendingCategoriesView(AnalyticsView):
    """Spending per category for a period, largest first; uncategorized is its own row (category_id null)."""

    input_class = s.CategoryInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        rows = analytics.spending_by_category(user=request.user, start=data["start"], end=data["end"],
                                              level=data["level"])
        return self.period_response(request, data, rows, s.CategorySpendingSerializer)


@extend_schema(tags=["insights"], parameters=[s.MerchantInput],
               responses={200: s.period_list(s.MerchantSpendingSerializer, "MerchantSpendingList"), 400: BAD_REQUEST})
class SpendingMerchantsView(AnalyticsView):
    """The merchants spent most with in a period (the stored merchant, else the cleaned description)."""

    input_class = s.MerchantInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        rows = analytics.spending_by_merchant(user=request.user, start=data["start"], end=data["end"],
                                              limit=data["limit"])
        return self.period_response(request, data, rows, s.MerchantSpendingSerializer)


@extend_schema(tags=["insights"], parameters=[s.MonthInput], responses={200: s.MonthOverMonthSerializer, 400: BAD_REQUEST})
class SpendingMonthOverMonthView(AnalyticsView):
    """A month's spending per top-level category against the month before and the 3 before, with the movers."""

    input_class = s.MonthInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        month = data.get("month") or request.user.financial_profile.local_today()
        return Response(s.MonthOverMonthSerializer(analytics.month_over_month(user=request.user, month=month)).data)


@extend_schema(tags=["insights"], parameters=[s.PeriodInput],
               responses={200: s.period_list(s.WeekdaySpendingSerializer, "WeekdaySpendingList"), 400: BAD_REQUEST})
class SpendingWeekdaysView(AnalyticsView):
    """Seven rows, Monday first: spending per weekday in the period and the average per such day."""

    input_class = s.PeriodInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        rows = analytics.spending_by_weekday(user=request.user, start=data["start"], end=data["end"])
        return self.period_response(request, data, rows, s.WeekdaySpendingSerializer)


@extend_schema(tags=["insights"], parameters=[s.CalendarInput],
               responses={200: s.period_list(s.DaySpendingSerializer, "DaySpendingList"), 400: BAD_REQUEST})
class SpendingCalendarView(AnalyticsView):
    """One row per day (at most 400) with its spending and a heatmap level from 0 to 4."""

    input_class = s.CalendarInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        rows = analytics.spending_calendar(user=request.user, start=data["start"], end=data["end"])
        return self.period_response(request, data, rows, s.DaySpendingSerializer)


@extend_schema(tags=["insights"], parameters=[s.HistoryInput], responses={200: list_envelope(s.SavingsMonthSerializer, "SavingsMonthList"),
                                                                        400: BAD_REQUEST})
class SavingsHistoryView(AnalyticsView):
    """Income, spending, savings and savings rate per month, oldest first; the last is this month so far."""

    input_class = s.HistoryInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        rows = analytics.savings_history(user=request.user, months=data["months"])
        return list_response(request=request, view=self, items=rows, serializer=s.SavingsMonthSerializer)


@extend_schema(tags=["insights"], parameters=[s.GoalInput], responses={200: s.SavingsProjectionSerializer,
                                                                     400: BAD_REQUEST})
class SavingsProjectionView(AnalyticsView):
    """Where saving at the last six full months' average takes your savings: the goal, or the next round number."""

    input_class = s.GoalInput

    def get(self, request: Request) -> Response:
        data = self.params(request)
        projection = analytics.savings_projection(user=request.user, goal=data.get("goal"))
        return Response(s.SavingsProjectionSerializer(projection).data)


class ForecastListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("kind", enum=ForecastKind.values, required=False)],
                   responses={200: list_envelope(s.ForecastSerializer, "ForecastList", updating=serializers.BooleanField(
                       help_text="Your ledger changed after these were computed (created_at); new ones are on their "
                                 "way, usually within a minute.")), 400: BAD_REQUEST})
    def get(self, request):
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in ForecastKind.values:
            raise ValidationError({"kind": [f"Unknown kind {kind[:40]!r}; use one of "
                                            f"{', '.join(ForecastKind.values)}."]})
        return list_response(request=request, view=self, items=forecast_list(user=request.user, kind=kind),
                             serializer=s.ForecastSerializer,
                             extra={"updating": figures_are_stale(user=request.user)})


class ForecastRefreshView(APIView):
    @extend_schema(request=None, responses={202: inline_serializer("ForecastRefreshQueued", {
        "status": serializers.CharField()})})
    def post(self, request):
        outbox_enqueue(forecast_refresh_task, request.user.pk)
        return Response({"status": "queued"}, status=status.HTTP_202_ACCEPTED)
