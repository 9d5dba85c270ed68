"""The billing API: the plans, your subscription (checkout, cancel, resume) and your payments. A 404 for everything
while BILLING_ENABLED is false (after the sign-in check, so a missing token is still a 401)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import selectors, services
from billing.api.serializers import (
    CheckoutInput,
    CheckoutSerializer,
    InvoiceSerializer,
    MySubscriptionSerializer,
    BillingPlanSerializer,
)
from billing.models import Invoice, Plan
from core.api import BAD_REQUEST, NOT_FOUND, list_envelope, list_response
from core.converters import ID_REGEX


class BillingEnabled(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if not settings.BILLING_ENABLED:
            raise NotFound("Billing is not offered on this server.")
        return True


PERMISSIONS = [permissions.IsAuthenticated, BillingEnabled]
BILLING_OFF = OpenApiResponse(description="This server does not offer billing (BILLING_ENABLED is false).")


def _subscription_body(user) -> dict:
    current = selectors.subscription_current(user=user)
    _, features = services.features_for(user=user)
    if current is not None:
        current.grace_until = (current.past_due_since + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
                               if current.past_due_since else None)
    return {"plan": current.plan.slug if current else "free", "features": features, "subscription": current}


@extend_schema(tags=["billing"])
class PlanListView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(summary="The plans offered, in order, with what each unlocks",
                   responses={200: list_envelope(BillingPlanSerializer, "BillingPlanList"), 404: BILLING_OFF})
    def get(self, request):
        return list_response(request=request, view=self, items=list(selectors.plan_list()), serializer=BillingPlanSerializer)


@extend_schema(tags=["billing"])
class MySubscriptionView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(summary="Your plan, what you may use, and your subscription's state",
                   responses={200: MySubscriptionSerializer, 404: BILLING_OFF})
    def get(self, request):
        return Response(MySubscriptionSerializer(_subscription_body(request.user)).data)


@extend_schema(tags=["billing"])
class CheckoutView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(summary="Start paying for a plan: the URL of Stripe's payment page",
                   request=CheckoutInput, responses={201: CheckoutSerializer, 400: BAD_REQUEST, 404: BILLING_OFF})
    def post(self, request):
        given = CheckoutInput(data=request.data)
        given.is_valid(raise_exception=True)
        plan = Plan.objects.filter(slug=given.validated_data["plan"], active=True).first()
        if plan is None:
            raise ValidationError({"plan": "No such plan."})
        site = settings.SITE_URL.rstrip("/")
        url = services.checkout_start(
            user=request.user, plan=plan,
            success_url=f"{site}{reverse('billing:success')}?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{site}{reverse('billing:checkout_cancelled')}")
        return Response(CheckoutSerializer({"url": url}).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["billing"])
class CancelView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(summary="Cancel your plan at the end of the paid period", request=None,
                   responses={200: MySubscriptionSerializer, 400: BAD_REQUEST, 404: BILLING_OFF})
    def post(self, request):
        services.subscription_cancel(user=request.user)
        return Response(MySubscriptionSerializer(_subscription_body(request.user)).data)


@extend_schema(tags=["billing"])
class ResumeView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(summary="Keep your plan after cancelling it, before the period ends", request=None,
                   responses={200: MySubscriptionSerializer, 400: BAD_REQUEST, 404: BILLING_OFF})
    def post(self, request):
        services.subscription_resume(user=request.user)
        return Response(MySubscriptionSerializer(_subscription_body(request.user)).data)


@extend_schema_view(
    list=extend_schema(summary="Your payments for your plan, newest first"),
    retrieve=extend_schema(summary="One payment", responses={200: InvoiceSerializer, 404: NOT_FOUND}),
)
@extend_schema(tags=["billing"])
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your payment history: amount, date, status, and Stripe's invoice page."""

    permission_classes = PERMISSIONS
    lookup_value_regex = ID_REGEX
    queryset = Invoice.objects.none()
    serializer_class = InvoiceSerializer

    def get_queryset(self):
        return selectors.invoice_list(user=self.request.user)

    def get_object(self) -> Invoice:
        return selectors.invoice_get(user=self.request.user, pk=self.kwargs["pk"])
