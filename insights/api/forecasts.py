"""The forecasts API: the user's stored forecasts (never fitted on request) and a refresh that queues the job."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from insights.forecasts import forecast_list
from insights.models import Forecast, ForecastKind


class ForecastSerializer(serializers.ModelSerializer):
    account = serializers.IntegerField(source="account_id", allow_null=True,
                                       help_text="The account's id; null is the total of all accounts.")
    account_name = serializers.SerializerMethodField()

    class Meta:
        model = Forecast
        fields = ["kind", "account", "account_name", "method", "method_note", "currency", "start_date",
                  "horizon_days", "interval_width", "history_days", "created_at", "summary", "points"]

    def get_account_name(self, forecast: Forecast) -> str | None:
        return forecast.account.name if forecast.account_id else None


class ForecastListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("kind", enum=ForecastKind.values, required=False)],
                   responses=ForecastSerializer(many=True))
    def get(self, request):
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in ForecastKind.values:
            return Response({"kind": [f"Unknown kind {kind[:40]!r}; use one of {', '.join(ForecastKind.values)}."]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(ForecastSerializer(forecast_list(user=request.user, kind=kind), many=True).data)


class ForecastRefreshView(APIView):
    @extend_schema(request=None, responses={202: inline_serializer("ForecastRefreshQueued", {
        "status": serializers.CharField()})})
    def post(self, request):
        from insights.tasks import forecast_refresh_task

        user_id = request.user.pk
        transaction.on_commit(lambda: forecast_refresh_task(user_id))
        return Response({"status": "queued"}, status=status.HTTP_202_ACCEPTED)
