from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.DataView.as_view(), name="data"),
    path("exports/<int:pk>/download/", views.DownloadView.as_view(), name="download"),
]
