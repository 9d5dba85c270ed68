"""Monthly budgets: one row per user, category (or overall) and month, so every month keeps its own history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.currencies import currency_choices
from transactions.models import MONEY


class BudgetSource(models.TextChoices):
    MANUAL = "manual", "Set by you"
    SUGGESTED = "suggested", "Accepted suggestion"
    CARRIED = "carried", "Carried from last month"


class BudgetQuerySet(models.QuerySet["Budget"]):
    def for_user(self, user) -> BudgetQuerySet:
        return self.filter(user=user)

    def for_month(self, month) -> BudgetQuerySet:
        return self.filter(month=month.replace(day=1))


class Budget(models.Model):
    """A spending limit for one month. ``category`` empty is the overall budget (all spending).

    A budget on a top-level category covers its subcategories. With ``rollover``, what was left unspent
    last month (or overspent, as a negative) is added: ``rolled_over`` stores that amount when the month
    is opened, so the history shows what was available then.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budgets")
    category = models.ForeignKey("transactions.Category", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="budgets")
    month = models.DateField(help_text="The first day of the month.")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, choices=currency_choices)
    rollover = models.BooleanField(default=False, help_text="Carry unspent (or overspent) amounts into next month.")
    rolled_over = models.DecimalField(**MONEY, default=Decimal("0.00"))
    source = models.CharField(max_length=10, choices=BudgetSource.choices, default=BudgetSource.MANUAL)
    explanation = models.CharField(max_length=300, blank=True, help_text="Why, for an accepted suggestion.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["month", "category__name", "id"]
        constraints = [
            models.UniqueConstraint("user", "category", "month", condition=Q(category__isnull=False),
                                    name="budgets_budget_once_per_category_month"),
            models.UniqueConstraint("user", "month", condition=Q(category__isnull=True),
                                    name="budgets_budget_one_overall_per_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budgets_budget_amount_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="budgets_budget_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["user", "month"])]

    def __str__(self) -> str:
        what = self.category.name if self.category_id else "Overall"
        return f"{what} {self.month:%Y-%m}: {self.amount} {self.currency}"

    @property
    def available(self) -> Decimal:
        return self.amount + (self.rolled_over if self.rollover else Decimal("0.00"))
