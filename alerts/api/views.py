"""The alerts API: your alerts with their reasons, one alert, and your answer to it. Thin: alerts.selectors
read with the requesting user (another user's alert is a 404), alerts.services records the answer."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from alerts import selectors, services
from alerts.api.serializers import AlertSerializer, FeedbackInputSerializer, FeedbackOutputSerializer
from alerts.models import Alert, AlertLevel, AlertStatus
from core.api import BAD_REQUEST, NOT_FOUND
from core.converters import ID_REGEX


def _choice_param(request, name: str, values: list[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in values:
        raise ValidationError({name: [f"Choose one of: {', '.join(values)}."]})
    return value


@extend_schema_view(
    list=extend_schema(summary="Your alerts, newest first", parameters=[
        OpenApiParameter("level", str, enum=AlertLevel.values, description="Only alerts of this level."),
        OpenApiParameter("status", str, enum=AlertStatus.values, description="Only alerts with this answer "
                                                                               "(open: not answered yet)."),
    ], responses={200: AlertSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(responses={200: AlertSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["alerts"])
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Charges that do not look like your usual spending, each with a risk level (high, medium, low) and the
    reasons. High ones reach you by email too; low ones are only listed here."""

    lookup_value_regex = ID_REGEX
    queryset = Alert.objects.none()
    serializer_class = AlertSerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.alert_list(user=self.request.user)
        return selectors.alert_list(user=self.request.user,
                                    level=_choice_param(self.request, "level", AlertLevel.values),
                                    status=_choice_param(self.request, "status", AlertStatus.values))

    @extend_schema(summary="Answer an alert: fine, not_mine or duplicate (and delete one charge of a duplicate)",
                   request=FeedbackInputSerializer,
                   responses={200: FeedbackOutputSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        alert = self.get_object()
        data = FeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.alert_decide(user=request.user, alert=alert, verdict=data.validated_data["verdict"],
                                         delete_transaction_id=data.validated_data.get("delete_transaction"))
        alert = selectors.alert_get(user=request.user, pk=alert.pk)
        return Response(FeedbackOutputSerializer({"alert": alert, "message": decision.message,
                                                  "duplicates": decision.duplicates}).data)
