from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("staff/jobs/", views.JobRunListView.as_view(), name="jobs"),
]
