"""The API of deleting one's account: GET the state, POST to ask (with the password), DELETE to keep the account."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import BAD_REQUEST
from privacy import deletion


class DeletionRequestInput(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, write_only=True,
                                     help_text="The password you sign in with, to confirm it is you.")


class DeletionStateSerializer(serializers.Serializer):
    scheduled = serializers.BooleanField(help_text="Whether your account is set to be deleted.")
    requested_at = serializers.DateTimeField(allow_null=True, help_text="When you asked; null when not scheduled.")
    purge_after = serializers.DateTimeField(
        allow_null=True, help_text="When the account and everything it owns will be removed; until then signing in "
                                   "or DELETE keeps it. Null when not scheduled.")
    grace_days = serializers.IntegerField(help_text="Days between asking and the removal on this server.")


def _state(user) -> dict:
    pending = deletion.deletion_get(user=user)
    return {"scheduled": pending is not None, "requested_at": pending.requested_at if pending else None,
            "purge_after": pending.purge_after if pending else None,
            "grace_days": settings.ACCOUNT_DELETION_GRACE_DAYS}


@extend_schema(tags=["your data"])
class DeletionView(APIView):
    """Deleting your account: after you ask, a grace period (`grace_days`) during which signing in or DELETE keeps
    the account; then it and everything it owns is removed. In groups your past expenses stay, named Former member."""

    @extend_schema(summary="Whether your account is set to be deleted, and when",
                   responses={200: DeletionStateSerializer})
    def get(self, request):
        return Response(DeletionStateSerializer(_state(request.user)).data)

    @extend_schema(summary="Ask for your account to be deleted after the grace period; an email confirms the date",
                   request=DeletionRequestInput, responses={201: DeletionStateSerializer, 400: BAD_REQUEST})
    def post(self, request):
        given = DeletionRequestInput(data=request.data)
        given.is_valid(raise_exception=True)
        deletion.deletion_request(user=request.user, password=given.validated_data["password"], request=request)
        return Response(DeletionStateSerializer(_state(request.user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Keep your account: cancel its deletion (nothing to cancel is fine too)",
                   request=None, responses={200: DeletionStateSerializer})
    def delete(self, request):
        deletion.deletion_cancel(user=request.user, request=request)
        return Response(DeletionStateSerializer(_state(request.user)).data)
