from django.urls import path

from privacy import views, views_deletion

app_name = "privacy"

urlpatterns = [
    path("", views.DataView.as_view(), name="data"),
    path("exports/<int:pk>/download/", views.DownloadView.as_view(), name="download"),
    path("delete/", views_deletion.DeletionView.as_view(), name="deletion"),
    path("delete/cancel/", views_deletion.DeletionCancelView.as_view(), name="deletion-cancel"),
]
