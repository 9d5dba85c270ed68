"""The signed-in person's security log: GET /api/v1/me/security-log/."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView

from audit import selectors
from audit.api import serializers as s
from audit.models import AuditEntry


@extend_schema(tags=["me"], summary="Your security log, newest first")
class SecurityLogView(ListAPIView):
    """Sign-ins (web and app), failed sign-ins with your address, sign-outs, password changes and other
    sensitive actions on your account, newest first, in the list envelope. Only your own entries."""

    queryset = AuditEntry.objects.none()
    serializer_class = s.SecurityLogEntrySerializer

    def get_queryset(self):
        return selectors.security_log(user=self.request.user)
