"""The advisor in the admin: what staff may see to look after the service, never what people asked or were told.
Conversations show their counts and dates, messages their kind, intent, method and status; a conversation's title
(its first question), the messages' text, figures, links and reasons, and the letters' words are left out. Nothing
is added or changed here; a conversation may be deleted (a person's request)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from advisor.models import AdvisorSettings, Conversation, Message, MonthlyLetter


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    search_fields = ["user__email"]  # never the words: a search would show which conversations hold them

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MessageInline(admin.TabularInline):
    model = Message
    fields = readonly_fields = ["role", "intent", "method", "status", "created_at"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "messages_count", "created_at", "updated_at"]
    fields = readonly_fields = ["user", "messages_count", "created_at", "updated_at"]
    date_hierarchy = "updated_at"
    inlines = [MessageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return super().get_queryset(request).annotate(messages_total=Count("messages"))

    @admin.display(description="messages", ordering="messages_total")
    def messages_count(self, conversation: Conversation) -> int:
        return int(getattr(conversation, "messages_total", 0))


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "conversation_id", "user", "role", "intent", "method", "status", "created_at"]
    list_filter = ["role", "method", "status"]
    fields = readonly_fields = ["conversation_id", "user", "role", "intent", "method", "status", "created_at"]
    list_select_related = ["conversation__user"]
    raw_id_fields = []
    search_fields = ["conversation__user__email", "intent"]
    date_hierarchy = "created_at"

    @admin.display(description="user", ordering="conversation__user__email")
    def user(self, message: Message) -> str:
        return str(message.conversation.user)


@admin.register(AdvisorSettings)
class AdvisorSettingsAdmin(ReadOnlyAdmin):
    list_display = ["user", "retention_days", "updated_at"]
    list_filter = ["retention_days"]
    fields = readonly_fields = ["user", "retention_days", "updated_at"]


@admin.register(MonthlyLetter)
class MonthlyLetterAdmin(ReadOnlyAdmin):
    list_display = ["user", "month", "created_at"]
    fields = readonly_fields = ["user", "month", "created_at"]
    date_hierarchy = "month"
