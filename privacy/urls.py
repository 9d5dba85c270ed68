from django.urls import path

from privacy import views, views_deletion

app_name = "privacy"

urlpatterns = [
    path("", views.DataView.as_view(), name="data"),
    path("exports/<id:pk>/download/", views.DownloadView.as_view(), name="download"),
    path("imports/", views.ImportView.as_view(), name="import"),
    path("imports/<id:pk>/status/", views.ImportStatusView.as_view(), name="import-status"),
    path("delete/", views_deletion.DeletionView.as_view(), name="deletion"),
    path("delete/cancel/", views_deletion.DeletionCancelView.as_view(), name="deletion-cancel"),
]
