from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/badge/", views.NotificationBadgeView.as_view(), name="badge"),
    path("notifications/preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("notifications/read-all/", views.NotificationMarkAllReadView.as_view(), name="mark_all_read"),
    path("notifications/<id:pk>/read/", views.NotificationMarkReadView.as_view(), name="mark_read"),
    path("notifications/<id:pk>/delete/", views.NotificationDeleteView.as_view(), name="delete"),
    path("notifications/<id:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
]
