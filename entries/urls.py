from django.urls import path

from entries import views

app_name = "entries"

urlpatterns = [
    path("transactions/say/", views.SayView.as_view(), name="say"),
    path("transactions/say/confirm/", views.ConfirmView.as_view(), name="confirm"),
]
