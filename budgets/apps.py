from django.apps import AppConfig

from transactions.signals import transactions_added


class BudgetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budgets"
    verbose_name = "Budgets"

    def ready(self) -> None:
        from budgets.tasks import on_transactions_added

        transactions_added.connect(on_transactions_added, dispatch_uid="budgets-alerts-check")
