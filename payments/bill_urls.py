"""Bills pages, spliced into payments/urls.py (app_name "payments")."""

from django.urls import path

from payments import views

urlpatterns = [
    path("bills/", views.BillListView.as_view(), name="bills"),
    path("bills/new/", views.BillFormView.as_view(), name="bill_create"),
    path("bills/upcoming/", views.UpcomingView.as_view(), name="upcoming"),
    path("bills/calendar/", views.CalendarView.as_view(), name="calendar"),
    path("bills/<id:pk>/edit/", views.BillFormView.as_view(), name="bill_edit"),
    path("bills/<id:pk>/delete/", views.BillDeleteView.as_view(), name="bill_delete"),
    path("bills/<id:pk>/pause/", views.BillPauseView.as_view(), name="bill_pause"),
    path("bills/<id:pk>/occurrences/<str:due>/pay/", views.OccurrenceActionView.as_view(action="pay"),
         name="occurrence_pay"),
    path("bills/<id:pk>/occurrences/<str:due>/skip/", views.OccurrenceActionView.as_view(action="skip"),
         name="occurrence_skip"),
]
