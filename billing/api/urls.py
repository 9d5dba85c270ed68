"""This app's API routes, included by config/api_router.py under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from billing.api import views

router = SimpleRouter()
router.register("me/invoices", views.InvoiceViewSet, basename="invoices")

urlpatterns = [
    path("billing/plans/", views.PlanListView.as_view(), name="billing-plans"),
    path("me/subscription/", views.MySubscriptionView.as_view(), name="subscription"),
    path("me/subscription/checkout/", views.CheckoutView.as_view(), name="subscription-checkout"),
    path("me/subscription/cancel/", views.CancelView.as_view(), name="subscription-cancel"),
    path("me/subscription/resume/", views.ResumeView.as_view(), name="subscription-resume"),
    *router.urls,
]
