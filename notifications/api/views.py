"""The notifications API: the inbox (list, read, delete, mark read), the unread count and preferences.
Thin: selectors read with the requesting user, notifications.services and .preferences write."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.converters import ID_REGEX
from notifications import selectors
from notifications.api import serializers as s
from notifications.models import Notification
from notifications.preferences import preferences_update
from notifications.services import notification_delete, notifications_mark_read, preferences_get
from core.api import BAD_REQUEST, NOT_FOUND

BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def unread_param(request) -> bool | None:
    raw = request.query_params.get("unread")
    if raw is None or raw == "":
        return None
    try:
        return BOOLEANS[raw.strip().lower()]
    except KeyError:
        raise ValidationError({"unread": [f"Use unread=true or unread=false, not {raw[:40]!r}."]}) from None


@extend_schema_view(
    list=extend_schema(summary="Your notifications, newest first", parameters=[
        OpenApiParameter("unread", OpenApiTypes.BOOL, description="true: only unread ones; false: only read ones.")],
        responses={200: s.NotificationSerializer(many=True), 400: BAD_REQUEST}),
    retrieve=extend_schema(responses={200: s.NotificationSerializer, 404: NOT_FOUND}),
    destroy=extend_schema(summary="Delete a notification", responses={204: None, 404: NOT_FOUND}),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                          viewsets.GenericViewSet):
    """What Finsight told you in the app: bills due or overdue, bills paid, subscriptions found, price rises."""

    lookup_value_regex = ID_REGEX
    queryset = Notification.objects.none()
    serializer_class = s.NotificationSerializer

    def get_queryset(self):
        unread = unread_param(self.request) if self.action == "list" else None
        return selectors.notification_list(user=self.request.user, unread=unread)

    def perform_destroy(self, instance):
        notification_delete(user=self.request.user, notification=instance)

    @extend_schema(summary="Mark one notification as read", request=None,
                   responses={200: s.NotificationSerializer, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        notifications_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary="Mark all your notifications as read", request=None, responses={200: s.MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="read-all", pagination_class=None)
    def read_all(self, request):
        return Response({"marked": notifications_mark_read(user=request.user)})

    @extend_schema(summary="How many of your notifications are unread", responses={200: s.UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.notification_unread_count(user=request.user)})


@extend_schema(tags=["notifications"])
class PreferencesView(GenericAPIView):
    """Which kinds reach you in the app and by email, how many days before a bill is due you are reminded,
    and whether the weekly digest is sent. A PATCH changes only the fields it names."""

    serializer_class = s.PreferencesSerializer

    def get_object(self):
        # The one object of this endpoint; DRF's OPTIONS asks for it to describe what a PUT accepts.
        return preferences_get(user=self.request.user)

    @extend_schema(summary="Your notification preferences")
    def get(self, request):
        return Response(self.get_serializer(preferences_get(user=request.user)).data)

    @extend_schema(summary="Replace your notification preferences", responses={200: s.PreferencesSerializer,
                                                                              400: BAD_REQUEST})
    def put(self, request):
        return self._save(request, partial=False)

    @extend_schema(summary="Change some of your notification preferences", responses={200: s.PreferencesSerializer,
                                                                                      400: BAD_REQUEST})
    def patch(self, request):
        return self._save(request, partial=True)

    def _save(self, request, *, partial: bool) -> Response:
        prefs = preferences_get(user=request.user)
        data = self.get_serializer(prefs, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = {
            "in_app_kinds": prefs.in_app_kinds, "email_kinds": prefs.email_kinds,
            "reminder_lead_days": prefs.reminder_lead_days, "weekly_digest": prefs.weekly_digest,
            **data.validated_data,
        }
        prefs = preferences_update(user=request.user, **values)
        return Response(self.get_serializer(prefs).data)
