from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("security-log/", views.SecurityLogView.as_view(), name="security_log"),
]
