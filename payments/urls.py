from django.urls import path

from payments import views

app_name = "payments"

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
    path("bills/suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("bills/suggestions/refresh/", views.SuggestionRefreshView.as_view(), name="suggestion_refresh"),
    path("bills/suggestions/<id:pk>/confirm/", views.SuggestionConfirmView.as_view(), name="suggestion_confirm"),
    path("bills/suggestions/<id:pk>/dismiss/", views.SuggestionDismissView.as_view(), name="suggestion_dismiss"),
    path("bills/suggestions/<id:pk>/restore/", views.SuggestionRestoreView.as_view(), name="suggestion_restore"),
]
