"""The shared-expenses API: groups, members, invites, expenses, settlements, balances, the settle-up plan and
the activity log. Thin: groups.services writes, groups.selectors reads.

Everything under a group is looked up through the member's groups first, so a group you are not in (and
anything in it) is a 404; an owner-only action by a member is a 403 with the reason.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import BAD_REQUEST, NOT_FOUND, WholeListPagination, list_response
from core.converters import ID_REGEX
from groups import selectors, services
from groups.api import serializers as s
from groups.models import Group, GroupExpense, Invite, Membership, Settlement, cents_to_decimal
from groups.services import Part

FORBIDDEN = OpenApiResponse(description="You are a member but not the group's owner; `message` says why.")
NOT_YOURS = OpenApiResponse(description="Only whoever added it, its payer(s) and the group's owner may change it; "
                                        "`message` says so.")
NOT_YOUR_INVITE = OpenApiResponse(description="The invitation was sent to another address (shown masked in "
                                              "`message`); only that account may answer it.")
GROUP = OpenApiParameter("group_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The group's id.")
GROUP_ROUTE = rf"groups/(?P<group_pk>{ID_REGEX})"
TOKEN_REGEX = r"[A-Za-z0-9_\-]{1,64}"


class InGroupMixin:
    """For routes under groups/<group_pk>/: the group, found among the requesting user's groups (else 404)."""

    @cached_property
    def group(self) -> Group:
        return selectors.group_get(user=self.request.user, pk=self.kwargs["group_pk"])

    def require_owner(self, group: Group) -> None:
        if not selectors.is_owner(group=group, user=self.request.user):
            raise PermissionDenied("Only the group's owner can manage its members.")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()  # type: ignore[misc]
        if "group_pk" in self.kwargs:
            context["is_owner"] = selectors.is_owner(group=self.group, user=self.request.user)
        return context


# --- groups ------------------------------------------------------------------------------------------------

def _groups_with_role(user):
    """The user's groups with their role and the member count, in one query."""
    mine = Membership.objects.filter(group=OuterRef("pk"), user=user, left_at__isnull=True)
    current = (Membership.objects.filter(group=OuterRef("pk"), left_at__isnull=True)
               .values("group").annotate(n=Count("id")).values("n"))
    return selectors.group_list(user=user).annotate(
        my_role=Subquery(mine.values("role")[:1]),
        member_count=Subquery(current, output_field=IntegerField()),
    ).order_by("name", "id")


def _group_with_role(user, pk: int) -> Group:
    group = _groups_with_role(user).filter(pk=pk).first()
    if group is None:
        raise Http404("No such group.")
    return group


@extend_schema_view(
    list=extend_schema(summary="The groups you are a member of"),
    retrieve=extend_schema(responses={200: s.GroupSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Start a group (you are its owner)", request=s.GroupCreateSerializer,
                         responses={201: s.GroupSerializer, 400: BAD_REQUEST}),
    partial_update=extend_schema(summary="Rename a group (owner only)", request=s.GroupRenameSerializer,
                                 responses={200: s.GroupSerializer, 400: BAD_REQUEST, 403: FORBIDDEN,
                                            404: NOT_FOUND}),
)
@extend_schema(tags=["groups"])
class GroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Groups that share expenses in one currency. Only members see a group."""

    lookup_value_regex = ID_REGEX
    queryset = Group.objects.none()
    serializer_class = s.GroupSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _groups_with_role(self.request.user)

    def get_object(self) -> Group:
        return _group_with_role(self.request.user, self.kwargs["pk"])

    def _respond(self, group: Group, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.GroupSerializer(self.get_queryset().get(pk=group.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        data = s.GroupCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.group_create(user=request.user, **data.validated_data)
        return self._respond(group, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        group = self.get_object()
        data = s.GroupRenameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.group_update(group=group, user=request.user, name=data.validated_data["name"])
        return self._respond(group)

    @extend_schema(summary="Leave the group (only with a zero balance)", request=None,
                   responses={204: None, 400: BAD_REQUEST, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        group = self.get_object()
        services.member_leave(group=group, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="What the group owes each member (negative: what they owe)",
                   responses={200: s.GroupBalanceSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=WholeListPagination)
    def balances(self, request, pk=None):
        summary = selectors.group_summary(group=self.get_object())
        rows = [{"user": row["user"].pk, "name": s.person_name(row["user"]), "balance": cents_to_decimal(row["cents"])}
                for row in summary["balances"]]
        return list_response(request=request, view=self, items=rows, serializer=s.GroupBalanceSerializer)

    @extend_schema(summary="The fewest payments that settle every balance (at most members - 1)",
                   responses={200: s.GroupTransferSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="settle-up", url_name="settle-up",
            pagination_class=WholeListPagination)
    def settle_up(self, request, pk=None):
        summary = selectors.group_summary(group=self.get_object())
        rows = [{"from": t["payer"].pk, "from_name": s.person_name(t["payer"]), "to": t["payee"].pk,
                 "to_name": s.person_name(t["payee"]), "amount": cents_to_decimal(t["cents"])}
                for t in summary["plan"]]
        return list_response(request=request, view=self, items=rows, serializer=s.GroupTransferSerializer)

    @extend_schema(summary="Who added, edited or deleted what, newest first",
                   responses={200: s.GroupActivitySerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def activity(self, request, pk=None):
        page = self.paginate_queryset(selectors.activity_list(group=self.get_object()))
        return self.get_paginated_response(s.GroupActivitySerializer(page, many=True).data)


# --- members -----------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="The group's current members"),
    destroy=extend_schema(summary="Remove a member (owner only; their balance must be zero)",
                          parameters=[OpenApiParameter("user_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                                       description="The member's user id.")],
                          responses={204: None, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}),
)
@extend_schema(tags=["groups"], parameters=[GROUP])
class GroupMemberViewSet(InGroupMixin, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_url_kwarg = "user_id"
    lookup_value_regex = ID_REGEX
    queryset = Membership.objects.none()
    serializer_class = s.GroupMemberSerializer
    pagination_class = WholeListPagination  # a group is a household or a trip: a handful of people

    def get_queryset(self):
        return selectors.member_list(group=self.group)

    def destroy(self, request, *args, **kwargs):
        group = self.group
        self.require_owner(group)
        membership = group.memberships.filter(user_id=self.kwargs["user_id"], left_at__isnull=True) \
            .select_related("user").first()
        if membership is None:
            raise Http404("No such member.")
        services.member_remove(group=group, owner=request.user, member=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invites -----------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Invitations waiting for an answer (owner only)",
                       responses={200: s.GroupInviteSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND}),
    create=extend_schema(summary="Invite someone by email (owner only); they get an email and, with an account, "
                                 "a notification", request=s.GroupInviteCreateSerializer,
                         responses={201: s.GroupInviteSerializer, 400: BAD_REQUEST, 403: FORBIDDEN,
                                    404: NOT_FOUND}),
    destroy=extend_schema(summary="Withdraw a waiting invitation (owner only)",
                          responses={204: None, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND}),
)
@extend_schema(tags=["groups"], parameters=[GROUP])
class GroupInviteViewSet(InGroupMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX
    queryset = Invite.objects.none()
    serializer_class = s.GroupInviteSerializer
    pagination_class = WholeListPagination  # a handful of invitations at a time

    def get_queryset(self):
        self.require_owner(self.group)
        return selectors.invite_list(group=self.group)

    def create(self, request, *args, **kwargs):
        group = self.group
        self.require_owner(group)
        data = s.GroupInviteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invite = services.invite_create(group=group, inviter=request.user, email=data.validated_data["email"])
        return Response(s.GroupInviteSerializer(invite).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        self.require_owner(self.group)
        invite = self.group.invites.filter(pk=self.kwargs["pk"]).first()
        if invite is None:
            raise Http404("No such invitation.")
        services.invite_revoke(invite=invite, owner=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["groups"], request=None,
               parameters=[OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH,
                                            description="The secret from the invitation link.")])
class GroupInviteAnswerViewSet(viewsets.GenericViewSet):
    """Answering an invitation: only the account with the invited address may accept or decline, until it
    expires. Another account gets a 403 saying whom it was sent to (masked); an unknown token is a 404."""

    lookup_field = "token"
    lookup_value_regex = TOKEN_REGEX
    queryset = Invite.objects.none()
    serializer_class = s.GroupSerializer

    @extend_schema(summary="Accept an invitation and join the group (only the invited address, before it expires)",
                   responses={200: s.GroupSerializer, 400: BAD_REQUEST, 403: NOT_YOUR_INVITE, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def accept(self, request, token=None):
        invite = selectors.invite_by_token(token=token)
        services.invite_accept(invite=invite, user=request.user)
        return Response(s.GroupSerializer(_group_with_role(request.user, invite.group_id)).data)

    @extend_schema(summary="Decline an invitation (only the invited address)",
                   responses={204: None, 400: BAD_REQUEST, 403: NOT_YOUR_INVITE, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def decline(self, request, token=None):
        invite = selectors.invite_by_token(token=token)
        services.invite_decline(invite=invite, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- expenses ----------------------------------------------------------------------------------------------

EXPENSE_FILTERS = [
    OpenApiParameter("member", OpenApiTypes.INT, description="Expenses this member paid for or shares."),
    OpenApiParameter("category", OpenApiTypes.INT, description="A category id."),
    OpenApiParameter("start", OpenApiTypes.DATE, description="On or after this date."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="On or before this date."),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words in the description."),
]


def _expense_arguments(data: dict) -> dict:
    return {
        "description": data["description"], "amount": data["amount"], "currency": data.get("currency"),
        "on": data["date"], "split_mode": data["split_mode"], "category": data.get("category"),
        "notes": data.get("notes") or "",
        "payers": [Part(user_id=p["user"], value=p.get("amount")) for p in data["payers"]],
        "shares": [Part(user_id=p["user"], value=p.get("value")) for p in data["shares"]],
    }


@extend_schema_view(
    list=extend_schema(summary="The group's expenses, newest first", parameters=EXPENSE_FILTERS,
                       responses={200: s.GroupExpenseSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND}),
    retrieve=extend_schema(responses={200: s.GroupExpenseSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Add an expense: who paid, and how it is split",
                         request=s.GroupExpenseInputSerializer,
                         responses={201: s.GroupExpenseSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    update=extend_schema(summary="Change an expense (the whole of it, as when adding); whoever added it, its "
                                 "payers or the group's owner",
                         request=s.GroupExpenseInputSerializer,
                         responses={200: s.GroupExpenseSerializer, 400: BAD_REQUEST, 403: NOT_YOURS,
                                    404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete an expense (whoever added it, its payers or the group's owner; the "
                                  "activity log keeps a line about it)",
                          responses={204: None, 403: NOT_YOURS, 404: NOT_FOUND}),
)
@extend_schema(tags=["groups"], parameters=[GROUP])
class GroupExpenseViewSet(InGroupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX
    queryset = GroupExpense.objects.none()
    serializer_class = s.GroupExpenseSerializer
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_queryset(self):
        filters = {}
        if self.action == "list":
            query = s.GroupExpenseFilterSerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            data = query.validated_data
            filters = {"member_id": data.get("member"), "category_id": data.get("category"),
                       "start": data.get("start"), "end": data.get("end"), "search": data.get("search", "")}
        return selectors.expense_list(group=self.group, **filters).select_related("group")

    def get_object(self) -> GroupExpense:
        expense = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if expense is None:
            raise Http404("No such expense.")
        return expense

    def _input(self) -> dict:
        data = s.GroupExpenseInputSerializer(data=self.request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def _respond(self, expense: GroupExpense, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=expense.pk)
        return Response(s.GroupExpenseSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        group = self.group
        data = self._input()
        expense = services.expense_create(group=group, user=request.user,
                                          transaction_id=data.get("transaction"), **_expense_arguments(data))
        return self._respond(expense, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        expense = self.get_object()
        data = self._input()
        services.expense_update(expense=expense, user=request.user, **_expense_arguments(data))
        return self._respond(expense)

    def perform_destroy(self, instance: GroupExpense) -> None:
        services.expense_delete(expense=instance, user=self.request.user)


# --- settlements -------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Payments between members, newest first"),
    create=extend_schema(summary="Record a payment from one member to another (partial allowed)",
                         request=s.GroupSettlementInputSerializer,
                         responses={201: s.GroupSettlementSerializer, 400: BAD_REQUEST, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a recorded payment (whoever recorded it, its payer or the group's "
                                  "owner; the activity log keeps a line about it)",
                          responses={204: None, 403: NOT_YOURS, 404: NOT_FOUND}),
)
@extend_schema(tags=["groups"], parameters=[GROUP])
class GroupSettlementViewSet(InGroupMixin, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                             viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX
    queryset = Settlement.objects.none()
    serializer_class = s.GroupSettlementSerializer

    def get_queryset(self):
        return selectors.settlement_list(group=self.group)

    def get_object(self) -> Settlement:
        settlement = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if settlement is None:
            raise Http404("No such payment.")
        return settlement

    def create(self, request, *args, **kwargs):
        group = self.group
        data = s.GroupSettlementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        settlement = services.settlement_create(
            group=group, user=request.user, payer_id=values["payer"], payee_id=values["payee"],
            amount=values["amount"], on=values.get("date"), note=values.get("note") or "")
        fresh = self.get_queryset().get(pk=settlement.pk)
        return Response(s.GroupSettlementSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Settlement) -> None:
        services.settlement_delete(settlement=instance, user=self.request.user)
