"""Stored forecasts: computed by the nightly job and the Refresh button, read by the pages and the API."""

from __future__ import annotations

from django.db import models


class ForecastKind(models.TextChoices):
    DAILY_SPENDING = "daily_spending", "Daily spending"
    DAILY_INCOME = "daily_income", "Daily income"
    BALANCE = "balance", "Balance"


class ForecastMethod(models.TextChoices):
    # The labels are what the admin shows; pages word the method themselves (insights/forecast.html).
    PROPHET = "prophet", "Daily model learned from the history"
    BACKTEST = "backtest", "Monthly methods chosen by their own backtest"
    HEURISTIC = "heuristic", "Recent average by weekday"


class Forecast(models.Model):
    """The latest stored forecast of one series for one user (computed by the nightly job, never by a request).

    ``account`` empty with kind balance is the total of all accounts. ``points`` are daily
    [{"date", "yhat", "lower", "upper"}] as strings of Decimals; ``summary`` holds what pages show
    (month-end values with their interval, the lowest balance before the next income, ...).
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="forecasts")
    kind = models.CharField(max_length=20, choices=ForecastKind.choices)
    account = models.ForeignKey("transactions.Account", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="forecasts")
    method = models.CharField(max_length=10, choices=ForecastMethod.choices)
    method_note = models.CharField(max_length=300, blank=True, help_text="Why this method, e.g. too little history.")
    currency = models.CharField(max_length=3)
    start_date = models.DateField(help_text="The first forecast day.")
    horizon_days = models.PositiveSmallIntegerField()
    interval_width = models.DecimalField(max_digits=3, decimal_places=2, default=0.80)
    history_days = models.PositiveIntegerField(default=0)
    points = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    fit_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id", "kind", "account_id"]
        constraints = [
            models.UniqueConstraint("user", "kind", "account", name="insights_forecast_one_per_series"),
            models.UniqueConstraint("user", "kind", condition=models.Q(account__isnull=True),
                                    name="insights_forecast_one_total_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} forecast for {self.user_id} ({self.method}, {self.start_date})"


class RefreshState(models.Model):
    """When a user's ledger last changed, and when the figures insights stores (the forecast) caught up.

    A change to the ledger queues one refresh a short while later (changes in a burst share it); a page shows
    "updating" while the stored figures are older than the last change.
    """

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, primary_key=True,
                                related_name="insights_refresh")
    ledger_changed_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True, help_text="The ledger as of this moment is counted.")
    queued_at = models.DateTimeField(null=True, blank=True, help_text="A refresh is queued (None: none is).")

    def __str__(self) -> str:
        return f"Refresh state of user {self.user_id}"

    @property
    def is_stale(self) -> bool:
        return self.ledger_changed_at is not None and (self.refreshed_at is None
                                                       or self.refreshed_at < self.ledger_changed_at)
