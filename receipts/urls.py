from django.urls import path

from receipts import views

app_name = "receipts"

urlpatterns = [
    path("receipts/", views.ReceiptListView.as_view(), name="list"),
    path("receipts/<id:pk>/", views.ReceiptDetailView.as_view(), name="detail"),
    path("receipts/<id:pk>/status/", views.ReceiptStatusView.as_view(), name="status"),
    path("receipts/<id:pk>/file/", views.ReceiptFileView.as_view(), name="file"),
]
