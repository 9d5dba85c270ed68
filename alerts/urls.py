from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.AlertListView.as_view(), name="list"),
    path("alerts/<id:pk>/", views.AlertDetailView.as_view(), name="detail"),
    path("alerts/<id:pk>/feedback/", views.AlertFeedbackView.as_view(), name="feedback"),
]
