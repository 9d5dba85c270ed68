"""The bills API: recurring payments (CRUD, pause, resume), paying or skipping one occurrence, what is due soon
with the total due before the next payday, and subscription suggestions (list, confirm into a bill, dismiss,
undo a dismissal, look again). Thin: payments.services and payments.suggestions write, payments.selectors
reads; another user's bill or suggestion is a 404."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import BAD_REQUEST, NOT_FOUND, WholeListPagination, list_response
from core.converters import ID_REGEX
from payments import selectors, services, suggestions
from payments.api import serializers as s
from payments.models import RecurringPayment, SubscriptionSuggestion, SuggestionStatus

DUE_DATE = OpenApiParameter("due_date", OpenApiTypes.DATE, OpenApiParameter.PATH,
                            description="The occurrence's due date, YYYY-MM-DD.")
DUE_DATE_PATH = r"(?P<due_date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
ACTIVE = OpenApiParameter("active", OpenApiTypes.BOOL, OpenApiParameter.QUERY,
                          description="true: only active bills; false: only paused ones.")


def _today(request) -> dt.date:
    return request.user.financial_profile.local_today()


def _due_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError({"due_date": f"{value} is not a date: use YYYY-MM-DD."}) from None


@extend_schema_view(
    list=extend_schema(summary="Your bills, soonest due first", parameters=[ACTIVE]),
    retrieve=extend_schema(responses={200: s.BillSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Add a bill (a payment made in the last week already counts)",
                         responses={201: s.BillSerializer, 400: BAD_REQUEST}),
    update=extend_schema(responses={200: s.BillSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    partial_update=extend_schema(responses={200: s.BillSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a bill and its payment history (transactions are unchanged)",
                          responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["bills"])
class BillViewSet(viewsets.ModelViewSet):
    """Bills and subscriptions paid on a schedule. A payment to the payee marks an occurrence paid; a missed
    one becomes overdue. Paused bills are neither reminded nor matched."""

    lookup_value_regex = ID_REGEX
    queryset = RecurringPayment.objects.none()
    serializer_class = s.BillSerializer

    def get_queryset(self):
        active = None
        if self.action == "list" and "active" in self.request.query_params:
            value = self.request.query_params["active"].strip().lower()
            if value not in ("true", "false"):
                raise serializers.ValidationError({"active": "Use true or false."})
            active = value == "true"
        return selectors.recurring_payment_list(user=self.request.user, active=active)

    def get_object(self) -> RecurringPayment:
        return selectors.recurring_payment_get(user=self.request.user, pk=self.kwargs["pk"])

    def _respond(self, payment: RecurringPayment, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.recurring_payment_get(user=self.request.user, pk=payment.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.recurring_payment_create(user=request.user, today=_today(request),
                                                    **data.validated_data)
        return self._respond(payment, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        payment = self.get_object()
        data = self.get_serializer(payment, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        services.recurring_payment_update(payment=payment, data=dict(data.validated_data), today=_today(request))
        return self._respond(payment)

    def perform_destroy(self, instance: RecurringPayment) -> None:
        services.recurring_payment_delete(payment=instance)

    def _pause(self, request, *, paused: bool) -> Response:
        payment = self.get_object()
        services.recurring_payment_pause(payment=payment, paused=paused, today=_today(request))
        return self._respond(payment)

    @extend_schema(summary="Pause a bill: no reminders, no matching, left out of what is due", request=None,
                   responses={200: s.BillSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._pause(request, paused=True)

    @extend_schema(summary="Resume a paused bill (its next due date is worked out again)", request=None,
                   responses={200: s.BillSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._pause(request, paused=False)

    @extend_schema(summary="Mark one occurrence paid (the bill moves to its next due date)",
                   parameters=[DUE_DATE], request=s.OccurrencePaySerializer,
                   responses={200: s.OccurrenceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path=f"occurrences/{DUE_DATE_PATH}/pay", url_name="occurrence-pay")
    def occurrence_pay(self, request, pk=None, due_date=None):
        payment = self.get_object()
        due = _due_date(due_date)
        data = s.OccurrencePaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occurrence = services.occurrence_pay(
            payment=payment, due_date=due, paid_on=data.validated_data.get("paid_on") or _today(request),
            amount_paid=data.validated_data.get("amount_paid"))
        occurrence.recurring_payment = payment
        return Response(s.OccurrenceSerializer(occurrence).data)

    @extend_schema(summary="Skip one occurrence (nothing to pay or chase this time)", parameters=[DUE_DATE],
                   request=None, responses={200: s.OccurrenceSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path=f"occurrences/{DUE_DATE_PATH}/skip", url_name="occurrence-skip")
    def occurrence_skip(self, request, pk=None, due_date=None):
        payment = self.get_object()
        occurrence = services.occurrence_skip(payment=payment, due_date=_due_date(due_date))
        occurrence.recurring_payment = payment
        return Response(s.OccurrenceSerializer(occurrence).data)

    @extend_schema(summary="Bills due in the next N days, every overdue one, and what is due before payday",
                   parameters=[OpenApiParameter("days", OpenApiTypes.INT, OpenApiParameter.QUERY,
                                                description="How many days ahead, 1 to 366 (default 30).")],
                   responses={200: s.UPCOMING_LIST, 400: BAD_REQUEST})
    @action(detail=False, methods=["get"], pagination_class=WholeListPagination)
    def upcoming(self, request):
        query = s.UpcomingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = query.validated_data["days"]
        today = _today(request)
        before = selectors.due_before_payday(user=request.user, today=today)
        payday = before["payday"]
        period = s.UpcomingPeriodSerializer({
            "days": days, "from": today, "until": today + dt.timedelta(days=days),
            "next_payday": {"date": payday.date, "source": payday.source, "label": payday.label} if payday else None,
            "due_before_payday": [{"currency": currency, "total": total} for currency, total in before["totals"]],
        }).data
        return list_response(request=request, view=self, items=selectors.upcoming_bills(
            user=request.user, today=today, days=days), serializer=s.UpcomingBillSerializer, extra=period)


STATUS = OpenApiParameter("status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=SuggestionStatus.values,
                          description="Only suggestions in this state (pending, confirmed or dismissed).")


@extend_schema_view(
    list=extend_schema(summary="Subscriptions found in your history", parameters=[STATUS],
                       responses={200: s.SuggestionSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(responses={200: s.SuggestionSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["bills"])
class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Subscriptions detected in your history. Confirm one to make it a bill, or dismiss it: a dismissed
    suggestion is never brought back by detection (undo it with restore)."""

    lookup_value_regex = ID_REGEX
    queryset = SubscriptionSuggestion.objects.none()
    serializer_class = s.SuggestionSerializer

    def get_queryset(self):
        wanted = None
        if self.action == "list" and "status" in self.request.query_params:
            wanted = self.request.query_params["status"]
            if wanted not in SuggestionStatus.values:
                raise serializers.ValidationError(
                    {"status": f"Use one of {', '.join(SuggestionStatus.values)}, not {wanted[:40]!r}."})
        return suggestions.subscription_suggestion_list(user=self.request.user, status=wanted)

    def get_serializer_class(self):
        return s.SuggestionConfirmSerializer if self.action == "confirm" else s.SuggestionSerializer

    @extend_schema(summary="Add the suggestion to your bills", request=s.SuggestionConfirmSerializer,
                   responses={201: s.SuggestionConfirmedSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        suggestion = self.get_object()
        data = s.SuggestionConfirmSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        payment = suggestions.suggestion_confirm(user=request.user, suggestion=suggestion,
                                                 overrides=dict(data.validated_data),
                                                 today=request.user.financial_profile.local_today())
        body = {"recurring_payment": payment.pk, "name": payment.name, "next_due_date": payment.next_due_date,
                "suggestion": suggestion}
        return Response(s.SuggestionConfirmedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Dismiss the suggestion for good", request=None,
                   responses={200: s.SuggestionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._decide(suggestions.suggestion_dismiss)

    @extend_schema(summary="Undo a dismissal: the suggestion waits for you again", request=None,
                   responses={200: s.SuggestionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._decide(suggestions.suggestion_restore)

    def _decide(self, service):
        suggestion = self.get_object()
        service(user=self.request.user, suggestion=suggestion)
        return Response(s.SuggestionSerializer(suggestion).data)

    @extend_schema(summary="Look through your history now", request=None,
                   responses={200: s.SuggestionRefreshedSerializer})
    @action(detail=False, methods=["post"])
    def refresh(self, request):
        counts = suggestions.subscription_suggestions_refresh(user=request.user,
                                                              today=request.user.financial_profile.local_today())
        return Response(s.SuggestionRefreshedSerializer(counts).data)
