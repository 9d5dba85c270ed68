"""The budgets API: budgets of a month with their progress, suggestions and accepting them, and the history.
Thin: budgets.selectors and budgets.services do the work; another user's budget is a 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from budgets import selectors, services
from budgets.api.serializers import (
    BudgetHistoryMonthSerializer,
    BudgetInputSerializer,
    BudgetOutputSerializer,
    BudgetSuggestionAcceptAllSerializer,
    BudgetSuggestionAcceptSerializer,
    BudgetSuggestionSerializer,
    BudgetUpdateSerializer,
    MonthField,
)
from budgets.models import Budget
from core.api import BAD_REQUEST, NOT_FOUND, WholeListPagination, list_response
from core.converters import ID_REGEX

MONTH_PARAM = OpenApiParameter("month", str, description="YYYY-MM; this month (your time zone) when left out.")


def _month_param(request):
    """The ?month= of the request, or this local month; a bad value is a 400 naming the parameter."""
    value = request.query_params.get("month")
    if value in (None, ""):
        return selectors.month_start(request.user.financial_profile.local_today())
    try:
        return MonthField().to_internal_value(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"month": error.detail}) from None


def _progress_of(user, budget: Budget) -> selectors.BudgetProgress:
    return selectors.budget_progress(user=user, month=budget.month, budgets=[budget])[0]


@extend_schema_view(
    list=extend_schema(summary="Your budgets for a month, with spending and what is left",
                       parameters=[MONTH_PARAM], responses={200: BudgetOutputSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(responses={200: BudgetOutputSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Set a budget (creates it, or changes that month's budget for the category)",
                         request=BudgetInputSerializer, responses={201: BudgetOutputSerializer, 400: BAD_REQUEST}),
    update=extend_schema(request=BudgetUpdateSerializer,
                         responses={200: BudgetOutputSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    partial_update=extend_schema(request=BudgetUpdateSerializer,
                                 responses={200: BudgetOutputSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a budget (that month only)", responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["budgets"])
class BudgetViewSet(viewsets.GenericViewSet):
    """Monthly budgets per expense category (a top category covers its sub-categories) and one overall.
    Spending is money out minus refunds, in your preferred currency; transfers and income do not count."""

    lookup_value_regex = ID_REGEX
    queryset = Budget.objects.none()
    serializer_class = BudgetOutputSerializer
    pagination_class = WholeListPagination  # one month has tens of budgets at most

    def get_queryset(self):
        return selectors.budget_list(user=self.request.user)

    def get_object(self) -> Budget:
        return selectors.budget_get(user=self.request.user, pk=self.kwargs["pk"])

    def list(self, request):
        month = _month_param(request)
        services.budget_month_open(user=request.user, month=month)
        progress = selectors.budget_progress(user=request.user, month=month)
        return list_response(request=request, view=self, items=progress, serializer=BudgetOutputSerializer)

    def retrieve(self, request, pk=None):
        return Response(BudgetOutputSerializer(_progress_of(request.user, self.get_object())).data)

    def create(self, request):
        data = BudgetInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        month = values.get("month") or selectors.month_start(request.user.financial_profile.local_today())
        budget = services.budget_set(user=request.user, category=values["category"], month=month,
                                     amount=values["amount"], rollover=values["rollover"])
        return Response(BudgetOutputSerializer(_progress_of(request.user, budget)).data,
                        status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        budget = self.get_object()
        data = BudgetUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        budget = services.budget_set(user=request.user, category=budget.category, month=budget.month,
                                     amount=values.get("amount", budget.amount),
                                     rollover=values.get("rollover", budget.rollover))
        return Response(BudgetOutputSerializer(_progress_of(request.user, budget)).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request, pk=None):
        services.budget_delete(user=request.user, budget=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Suggested budgets for a month (model or heuristic), with the current budget if any",
                   parameters=[MONTH_PARAM], responses={200: BudgetSuggestionSerializer(many=True), 400: BAD_REQUEST})
    @action(detail=False, methods=["get"], url_path="suggestions", url_name="suggestions")
    def suggestions(self, request):
        month = _month_param(request)
        current = {b.category_id: b.amount for b in selectors.budget_list(user=request.user, month=month)}
        suggestions = selectors.suggestion_list(user=request.user, month=month)
        return list_response(request=request, view=self, items=suggestions, serializer=BudgetSuggestionSerializer,
                             context={"current": current})

    @extend_schema(summary="Accept one suggestion: set that month's budget for the category to it",
                   request=BudgetSuggestionAcceptSerializer, responses={200: BudgetOutputSerializer, 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="suggestions/accept", url_name="suggestions-accept")
    def suggestion_accept(self, request):
        data = BudgetSuggestionAcceptSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        budget = services.suggestion_accept(user=request.user, month=data.validated_data["month"],
                                            category=data.validated_data["category"])
        return Response(BudgetOutputSerializer(_progress_of(request.user, budget)).data)

    @extend_schema(summary="Accept every suggestion for a month",
                   request=BudgetSuggestionAcceptAllSerializer,
                   responses={200: BudgetOutputSerializer(many=True), 400: BAD_REQUEST})
    @action(detail=False, methods=["post"], url_path="suggestions/accept-all", url_name="suggestions-accept-all")
    def suggestions_accept_all(self, request):
        data = BudgetSuggestionAcceptAllSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        month = data.validated_data["month"]
        services.suggestions_accept_all(user=request.user, month=month)
        progress = selectors.budget_progress(user=request.user, month=month)
        return list_response(request=request, view=self, items=progress, serializer=BudgetOutputSerializer)

    @extend_schema(summary="Budget and spending per month, oldest first",
                   parameters=[OpenApiParameter("months", int, description="How many months, 1 to 36 (12).")],
                   responses={200: BudgetHistoryMonthSerializer(many=True), 400: BAD_REQUEST})
    @action(detail=False, methods=["get"], url_path="history", url_name="history")
    def history(self, request):
        value = request.query_params.get("months", "12")
        if not value.isdigit() or len(value) > 2 or not 1 <= int(value) <= 36:
            raise serializers.ValidationError({"months": "Enter a number of months from 1 to 36."})
        history = selectors.budget_history(user=request.user, months=int(value))
        return list_response(request=request, view=self, items=history, serializer=BudgetHistoryMonthSerializer)
