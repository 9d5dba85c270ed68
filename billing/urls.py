from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("plans/", views.PlansView.as_view(), name="plans"),
    path("plans/<slug:slug>/checkout/", views.CheckoutView.as_view(), name="checkout"),
    path("welcome/", views.SuccessView.as_view(), name="success"),
    path("not-now/", views.CheckoutCancelledView.as_view(), name="checkout_cancelled"),
    path("subscription/", views.SubscriptionView.as_view(), name="subscription"),
    path("subscription/cancel/", views.CancelView.as_view(), name="cancel"),
    path("subscription/resume/", views.ResumeView.as_view(), name="resume"),
    path("payments/", views.PaymentsView.as_view(), name="payments"),
    path("payments/export.csv", views.PaymentsExportView.as_view(), name="payments_export"),
    path("webhook/", views.webhook, name="webhook"),
]
