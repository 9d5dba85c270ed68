"""This app's API routes, included by config/api_router.py under /api/v1/.

Conversations are routed by hand: the list answers GET and DELETE (all of mine), which a router does not map."""

from django.urls import path

from advisor.api import views

conversations = views.ConversationViewSet.as_view({"get": "list", "delete": "destroy_all"})
conversation = views.ConversationViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("advisor/ask/", views.AskView.as_view(), name="advisor-ask"),
    path("advisor/conversations/", conversations, name="advisor-conversation-list"),
    path("advisor/conversations/<id:pk>/", conversation, name="advisor-conversation-detail"),
    path("advisor/settings/", views.RetentionView.as_view(), name="advisor-settings"),
    path("advisor/letters/", views.LetterViewSet.as_view({"get": "list"}), name="advisor-letter-list"),
    path("advisor/letters/<id:pk>/", views.LetterViewSet.as_view({"get": "retrieve"}), name="advisor-letter-detail"),
]
