from django.urls import path, re_path

from advisor import views

app_name = "advisor"

urlpatterns = [
    path("advisor/", views.CoachView.as_view(), name="coach"),
    path("advisor/stream/", views.AskStreamView.as_view(), name="stream"),
    path("advisor/conversations/", views.ConversationListView.as_view(), name="conversations"),
    path("advisor/conversations/delete/", views.ConversationsDeleteView.as_view(), name="conversations_delete"),
    path("advisor/conversations/<id:pk>/", views.ConversationView.as_view(), name="conversation"),
    path("advisor/conversations/<id:pk>/stream/", views.AskStreamView.as_view(), name="conversation_stream"),
    path("advisor/conversations/<id:pk>/delete/", views.ConversationDeleteView.as_view(), name="delete"),
    path("advisor/settings/", views.RetentionView.as_view(), name="settings"),
    path("advisor/letters/", views.LetterListView.as_view(), name="letters"),
    re_path(r"^advisor/letters/(?P<month>\d{4}-\d{2})/$", views.LetterView.as_view(), name="letter"),
]
