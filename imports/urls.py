from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("transactions/import/", views.ImportView.as_view(), name="upload"),
    path("transactions/import/<id:pk>/", views.ImportBatchView.as_view(), name="batch"),
    path("transactions/import/<id:pk>/status/", views.ImportBatchStatusView.as_view(), name="status"),
]
