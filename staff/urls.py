from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("users/", views.UsersView.as_view(), name="users"),
    path("revenue/", views.RevenueView.as_view(), name="revenue"),
    path("system/", views.SystemView.as_view(), name="system"),
    path("users/activity/", views.ActivityFindView.as_view(), name="activity_find"),
    path("users/<id:pk>/activity/", views.ActivityView.as_view(), name="activity"),
]
