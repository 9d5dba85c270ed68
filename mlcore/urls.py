from django.urls import path

from mlcore import views

app_name = "mlcore"

urlpatterns = [
    path("review/", views.ReviewListView.as_view(), name="review"),
    path("review/count/", views.ReviewCountView.as_view(), name="review_count"),
    path("review/accept/", views.ReviewBulkAcceptView.as_view(), name="review_bulk_accept"),
    path("review/<id:pk>/accept/", views.ReviewAcceptView.as_view(), name="review_accept"),
    path("review/<id:pk>/correct/", views.ReviewCorrectView.as_view(), name="review_correct"),
    path("patterns/", views.PatternsView.as_view(), name="patterns"),
]
