from django.apps import AppConfig

from transactions.signals import transactions_added


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from alerts.tasks import on_transactions_added

        transactions_added.connect(on_transactions_added, dispatch_uid="alerts-protection-refresh")
