from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("staff/jobs/", views.JobRunListView.as_view(), name="jobs"),
]
