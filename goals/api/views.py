"""The goals API: goals with what they have saved and their row of the stored plan, contributions, the plan and
the what-if, investment readiness and its questionnaire. Thin: goals.selectors read with the requesting user
(another user's goal or contribution is a 404), goals.services write and check the rules (their refusals are 400s
through core.api's handler). The plan and the readiness are the worker's: a request reads them (the what-if
recomputes from the stored inputs) and never works them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST, NOT_FOUND, ApiError
from core.converters import ID_REGEX
from core.months import month_add, month_start
from goals import readiness, selectors, services
from goals.api import serializers as s
from goals.models import Contribution, Goal, GoalKind
from goals.refresh import goal_saved
from goals.services import GoalFields

GOAL_ROUTE = rf"goals/(?P<goal_pk>{ID_REGEX})"
PLAN_NOT_READY = ("Your goal plan appears once Finsight has worked it out; that happens within a minute or so of "
                  "adding a goal, and each night.")
READINESS_NOT_READY = ("Your investment readiness appears once Finsight has worked it out; that happens within a "
                       "minute or so of adding a goal or answering the questionnaire, and each night.")
PLAN_NOT_READY_RESPONSE = OpenApiResponse(description=(
    "No plan worked out yet (`code`: `plan_not_ready`): it appears shortly after your first goal, and nightly. "
    "Nothing is worked out by this request; ask again later."))
READINESS_NOT_READY_RESPONSE = OpenApiResponse(description=(
    "Not worked out yet (`code`: `readiness_not_ready`): it appears shortly after your first goal or answers, and "
    "nightly. Nothing is worked out by this request; ask again later."))


# ---- goals ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GoalShown:
    """A goal with what it has saved now and its row of the stored plan (goals.api.serializers.GoalSerializer)."""

    goal: Goal
    saved: Decimal
    progress: float | None
    plan: dict[str, Any] | None
    plan_computed_at: dt.datetime | None


def goals_shown(*, user, goals: list[Goal]) -> list[GoalShown]:
    """Two reads beside the goals' own, whatever their number: the stored plan and (when a goal links any) the
    accounts' balances. ``progress`` never goes below 0 (more taken out than put in)."""
    stored = selectors.plan_get(user=user)
    balances = selectors.account_balances(user=user) if any(g.linked_accounts.all() for g in goals) else {}
    shown = []
    for goal in goals:
        saved = goal_saved(goal, balances)
        target = goal.target_amount
        progress = float(min(max(saved, Decimal(0)) / target, Decimal(1))) if target > 0 else None
        shown.append(GoalShown(goal=goal, saved=saved, progress=progress,
                               plan=stored.goal(goal.pk) if stored else None,
                               plan_computed_at=stored.computed_at if stored else None))
    return shown


def _today(request: Request) -> dt.date:
    return request.user.financial_profile.local_today()


def _goal_fields(data: dict[str, Any], goal: Goal | None = None) -> GoalFields:
    """What the service takes: the fields sent, and for a PATCH the goal's own for the rest."""
    def kept(name: str, current: Any) -> Any:
        return data[name] if name in data else current

    kind = kept("kind", goal.kind if goal else "")
    linked = tuple((link.account_id, link.share) for link in goal.linked_accounts.all()) if goal else ()
    # A PATCH leaves the nested defaults out too: a share not sent is the whole balance.
    accounts = (tuple((row["account"], row.get("share", 100)) for row in data["accounts"]) if "accounts" in data
                else linked)
    return GoalFields(
        name=kept("name", goal.name if goal else ""), kind=kind,
        # An emergency fund's target is worked out from the person's essential spending, never given.
        target_amount=None if kind == GoalKind.EMERGENCY else kept("target_amount",
                                                                   goal.target_amount if goal else None),
        target_date=kept("target_date", goal.target_date if goal else None),
        priority=kept("priority", goal.priority if goal else 2),
        emergency_months=kept("emergency_months", goal.emergency_months if goal else None),
        starting_amount=kept("starting_amount", goal.starting_amount if goal else Decimal("0.00")),
        accounts=accounts)


GOAL_400 = OpenApiResponse(description="Invalid input, or against the goal rules (`fields` names each field: "
                                       "`name` used already, `emergency_months` not 3 to 6, `target_date` not "
                                       "after today, `target_amount` not above 0, `accounts` not yours or "
                                       "in another currency...).")


@extend_schema_view(
    list=extend_schema(summary="Your goals, most important first, each with its row of the stored plan",
                       responses={200: s.GoalSerializer(many=True)}),
    retrieve=extend_schema(summary="One goal", responses={200: s.GoalSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Add a goal (the plan counts it shortly after)", request=s.GoalInputSerializer,
                         responses={201: s.GoalSerializer, 400: GOAL_400}),
    update=extend_schema(summary="Replace a goal: the fields left out take their defaults",
                         request=s.GoalInputSerializer, responses={200: s.GoalSerializer, 400: GOAL_400,
                                                                   404: NOT_FOUND}),
    partial_update=extend_schema(summary="Change some of a goal's fields", request=s.GoalInputSerializer,
                                 responses={200: s.GoalSerializer, 400: GOAL_400, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a goal and its contributions", responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["goals"])
class GoalViewSet(viewsets.GenericViewSet):
    """What you save for: an emergency fund (3 to 6 months of essential spending), short- and long-term goals.
    What a goal has saved is its starting amount, its contributions and its linked accounts' shares; the plan
    (how much of your safe monthly surplus goes to each, when each is reached) is worked out by the worker after
    every change and nightly."""

    lookup_value_regex = ID_REGEX  # digits only: goals/plan/ and goals/what-if/ are never read as an id
    parser_classes = [JSONParser]  # bodies nest (linked accounts, what-if dates)
    queryset = Goal.objects.none()
    serializer_class = s.GoalSerializer

    def get_queryset(self):
        return selectors.goal_list(user=self.request.user)

    def get_object(self) -> Goal:
        return selectors.goal_get(user=self.request.user, pk=self.kwargs["pk"])

    def _respond(self, goal: Goal, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.goal_get(user=self.request.user, pk=goal.pk)
        [shown] = goals_shown(user=self.request.user, goals=[fresh])
        return Response(s.GoalSerializer(shown).data, status=code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        goals = list(page if page is not None else self.get_queryset())
        data = s.GoalSerializer(goals_shown(user=request.user, goals=goals), many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, pk: int | None = None) -> Response:
        return self._respond(self.get_object())

    def create(self, request: Request) -> Response:
        data = s.GoalInputSerializer(data=request.data, context={"today": _today(request)})
        data.is_valid(raise_exception=True)
        goal = services.goal_create(user=request.user, fields=_goal_fields(data.validated_data))
        return self._respond(goal, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: int | None = None, partial: bool = False) -> Response:
        goal = self.get_object()
        data = s.GoalInputSerializer(data=request.data, partial=partial, context={"today": _today(request)})
        data.is_valid(raise_exception=True)
        fields = _goal_fields(data.validated_data, goal if partial else None)
        goal = services.goal_update(user=request.user, goal=goal, fields=fields)
        return self._respond(goal)

    def partial_update(self, request: Request, pk: int | None = None) -> Response:
        return self.update(request, pk=pk, partial=True)

    def destroy(self, request: Request, pk: int | None = None) -> Response:
        services.goal_delete(user=request.user, goal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="The stored plan: the safe surplus and each goal's allocation, date and chance",
                   responses={200: s.StoredPlanSerializer, 404: PLAN_NOT_READY_RESPONSE})
    @action(detail=False, methods=["get"], url_path="plan", url_name="plan", pagination_class=None)
    def plan(self, request: Request) -> Response:
        stored = selectors.plan_get(user=request.user)
        if stored is None:
            raise ApiError(PLAN_NOT_READY, status=status.HTTP_404_NOT_FOUND, code="plan_not_ready")
        return Response(s.StoredPlanSerializer({
            **stored.plan, "computed_at": stored.computed_at, "reason": stored.reason,
            "updating": _plan_behind(request.user, stored)}).data)

    @extend_schema(summary="What if: the plan again with more saved a month, or other dates (nothing is stored)",
                   request=s.WhatIfInputSerializer,
                   responses={200: s.PlanSerializer, 400: OpenApiResponse(description=(
                       "A bad `extra` (not a number, negative, too large) or date (`dates.<goal id>`: not after "
                       "today, over 50 years ahead, not a goal of the plan, an emergency fund)")),
                              404: PLAN_NOT_READY_RESPONSE})
    @action(detail=False, methods=["post"], url_path="what-if", url_name="what-if", pagination_class=None)
    def what_if(self, request: Request) -> Response:
        data = s.WhatIfInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stored = selectors.plan_get(user=request.user)
        if stored is None:
            raise ApiError(PLAN_NOT_READY, status=status.HTTP_404_NOT_FOUND, code="plan_not_ready")
        dates = _what_if_dates(data.validated_data["dates"], stored=stored, today=_today(request))
        plan = selectors.what_if(user=request.user, extra=data.validated_data["extra"], dates=dates)
        return Response(s.PlanSerializer(plan).data)


def _what_if_dates(sent: dict[str, dt.date | None], *, stored: selectors.StoredPlan,
                   today: dt.date) -> dict[int, dt.date | None]:
    kinds = {str(goal["id"]): goal["kind"] for goal in stored.inputs["goals"]}
    latest = month_add(month_start(today), 12 * s.MAX_YEARS_AHEAD)  # as the page's what-if
    errors: dict[str, str] = {}
    for key, day in sent.items():
        if key not in kinds:
            errors[f"dates.{key}"] = "Not a goal of your plan: give the id of one of your goals."
        elif kinds[key] == GoalKind.EMERGENCY:
            errors[f"dates.{key}"] = "An emergency fund has no date."
        elif day is not None and day <= today:
            errors[f"dates.{key}"] = "Choose a date after today."
        elif day is not None and day > latest:
            errors[f"dates.{key}"] = f"Choose a date within {s.MAX_YEARS_AHEAD} years."
    if errors:
        raise serializers.ValidationError(errors)
    return {int(key): day for key, day in sent.items()}


def _plan_behind(user, stored: selectors.StoredPlan) -> bool:
    """True while the stored plan does not count a change yet: a goal added, changed or removed after it was
    worked out, a contribution recorded since, or one taken back (what a goal without linked accounts has saved
    moved)."""
    goals = list(selectors.goal_page_list(user=user))
    if {row["goal_id"] for row in stored.plan["goals"]} != {goal.pk for goal in goals}:
        return True
    for goal in goals:
        last = vars(goal).get("last_contribution_at")
        if goal.updated_at > stored.computed_at or (last is not None and last > stored.computed_at):
            return True
        row = stored.goal(goal.pk)
        if row is not None and not goal.linked_accounts.all() and goal_saved(goal, {}) != Decimal(row["saved"]):
            return True
    return False


# ---- contributions -------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="A goal's contributions, newest first",
                       responses={200: s.ContributionSerializer(many=True), 404: NOT_FOUND}),
    create=extend_schema(summary="Record money put toward the goal (negative: taken back out)",
                         request=s.ContributionInputSerializer,
                         responses={201: s.ContributionSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a contribution", responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["goals"])
class ContributionViewSet(viewsets.GenericViewSet):
    """Money put toward a goal by hand; a goal's linked accounts count on their own."""

    lookup_value_regex = ID_REGEX
    parser_classes = [JSONParser]
    queryset = Contribution.objects.none()
    serializer_class = s.ContributionSerializer

    @cached_property
    def goal(self) -> Goal:
        return selectors.goal_get(user=self.request.user, pk=self.kwargs["goal_pk"])

    def get_queryset(self):
        return selectors.contribution_list(user=self.request.user, goal=self.goal)

    def list(self, request: Request, goal_pk: int | None = None) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ContributionSerializer(page, many=True).data)

    def create(self, request: Request, goal_pk: int | None = None) -> Response:
        goal = self.goal  # another user's goal is a 404 before the body is read
        data = s.ContributionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        contribution = services.contribution_add(user=request.user, goal=goal, amount=values["amount"],
                                                 date=values.get("date"), note=values["note"])
        return Response(s.ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, goal_pk: int | None = None, pk: int | None = None) -> Response:
        contribution = selectors.contribution_get(user=request.user, goal=self.goal, pk=self.kwargs["pk"])
        services.contribution_delete(user=request.user, contribution=contribution)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- readiness -----------------------------------------------------------------------------------------------

@extend_schema(tags=["readiness"])
class ReadinessView(APIView):
    """Investment readiness, 0 to 100: gates that must all pass (each with its figures), a score from weighted
    components and, once ready, a safe amount, a horizon, a broad category and a projected range. Educational,
    not financial advice: no security is ever named."""

    @extend_schema(summary="Your stored investment readiness", operation_id="readiness",
                   responses={200: s.ReadinessSerializer, 404: READINESS_NOT_READY_RESPONSE})
    def get(self, request: Request) -> Response:
        report = selectors.readiness_get(user=request.user)
        if report is None:
            raise ApiError(READINESS_NOT_READY, status=status.HTTP_404_NOT_FOUND, code="readiness_not_ready")
        profile = selectors.risk_profile_get(user=request.user)
        updating = profile is not None and profile.answered_at > report.computed_at
        return Response(s.ReadinessSerializer({**report.result, "computed_at": report.computed_at,
                                               "updating": updating}).data)


@extend_schema(tags=["readiness"])
class QuestionnaireView(APIView):
    """The short risk questionnaire behind the readiness's horizon and category."""

    parser_classes = [JSONParser]

    def _respond(self, request: Request) -> Response:
        profile = selectors.risk_profile_get(user=request.user)
        answers = profile.answers if profile else {}
        questions = [{"key": key, "text": spec["text"],
                      "choices": [{"value": value, "label": label} for value, label in spec["choices"].items()]}
                     for key, spec in readiness.QUESTIONS.items()]
        return Response(s.QuestionnaireSerializer({
            "questions": questions, "answers": {key: answers.get(key) for key in readiness.QUESTIONS},
            "answered_at": profile.answered_at if profile else None}).data)

    @extend_schema(summary="The questions, their choices and your answers", operation_id="readiness_questionnaire",
                   responses={200: s.QuestionnaireSerializer})
    def get(self, request: Request) -> Response:
        return self._respond(request)

    @extend_schema(summary="Answer every question (the readiness counts them shortly after)",
                   operation_id="readiness_questionnaire_answer", request=s.RiskAnswersInputSerializer,
                   responses={200: s.QuestionnaireSerializer, 400: OpenApiResponse(description=(
                       "A question left out or answered with something not among its choices: `fields` names "
                       "it."))})
    def put(self, request: Request) -> Response:
        data = s.RiskAnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.risk_answers_save(user=request.user, answers=dict(data.validated_data))
        return self._respond(request)
