"""Goals, their contributions and linked savings, and the stored plan and readiness the worker computes.

A request reads ``GoalPlan`` and ``ReadinessReport``; only the worker (after a goal changes, at each month start
and nightly when the inputs moved) writes them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 14, "decimal_places": 2}


class GoalKind(models.TextChoices):
    EMERGENCY = "emergency", "Emergency fund"
    SHORT_TERM = "short_term", "Short-term (under 2 years)"
    LONG_TERM = "long_term", "Long-term (2 years or more)"


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class GoalQuerySet(models.QuerySet["Goal"]):
    def for_user(self, user) -> GoalQuerySet:
        return self.filter(user=user)


class Goal(models.Model):
    """Something the person saves for. An emergency fund's target is worked out from their essential spending
    times ``emergency_months`` (stored in ``target_amount`` by the worker, so it moves with their spending);
    any other goal's target is the person's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=GoalKind.choices)
    target_amount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    currency = models.CharField(max_length=3)
    target_date = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    emergency_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(3), MaxValueValidator(6)],
        help_text="An emergency fund: months of essential spending to hold (3 to 6).")
    # Progress already reached when the goal was created (what was saved before Finsight knew of it).
    starting_amount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["priority", models.F("target_date").asc(nulls_last=True), "id"]  # the same on every database
        constraints = [
            models.UniqueConstraint("user", "name", name="goals_goal_user_name_unique"),
            models.UniqueConstraint("user", condition=Q(kind="emergency"), name="goals_goal_one_emergency_fund"),
            models.CheckConstraint(condition=Q(target_amount__gte=0), name="goals_goal_target_not_negative"),
            models.CheckConstraint(condition=~Q(kind="emergency") | (Q(emergency_months__gte=3)
                                                                     & Q(emergency_months__lte=6)),
                                   name="goals_goal_emergency_months_3_to_6"),
        ]

    def __str__(self) -> str:
        return self.name


class GoalAccount(models.Model):
    """A savings account whose balance (or a share of it) counts toward the goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="linked_accounts")
    account = models.ForeignKey("transactions.Account", on_delete=models.CASCADE, related_name="goal_links")
    share = models.PositiveSmallIntegerField(default=100, validators=[MinValueValidator(1), MaxValueValidator(100)],
                                             help_text="The percentage of the balance that counts for this goal.")

    class Meta:
        constraints = [
            models.UniqueConstraint("goal", "account", name="goals_goalaccount_once"),
            models.CheckConstraint(condition=Q(share__gte=1) & Q(share__lte=100), name="goals_goalaccount_share"),
        ]


class Contribution(models.Model):
    """Money put toward a goal by hand (negative: taken back out)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="contributions")
    date = models.DateField()
    amount = models.DecimalField(**MONEY)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="goals_contribution_not_zero")]


class GoalPlan(models.Model):
    """The user's latest allocation plan, as the worker computed it, with the inputs it came from."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goal_plan")
    month = models.DateField(help_text="The plan's first month.")
    inputs = models.JSONField(help_text="goals.planning.PlanInputs as JSON: what the what-if starts from.")
    fingerprint = models.CharField(max_length=32, help_text="Of the inputs: equal inputs make the same plan.")
    result = models.JSONField(help_text="goals.planning.Plan as JSON.")
    reason = models.CharField(max_length=40, help_text="Why it was recomputed: month start, goal changed, ...")
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Plan of {self.user_id} for {self.month:%Y-%m}"


class ReadinessReport(models.Model):
    """The user's latest investment-readiness score with its gates, as the worker computed it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    ready = models.BooleanField(help_text="Every gate passed.")
    result = models.JSONField(help_text="goals.readiness.Readiness as JSON: gates, components, amounts, why.")
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(score__lte=100), name="goals_readiness_score_0_to_100")]

    def __str__(self) -> str:
        return f"Readiness of {self.user_id}: {self.score}"


class RiskProfile(models.Model):
    """The person's answers to the short risk questionnaire (goals.readiness.QUESTIONS)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="risk_profile")
    answers = models.JSONField(default=dict)
    answered_at = models.DateTimeField(auto_now=True)
