from django.apps import AppConfig

from transactions.signals import transactions_added


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments.tasks import on_transactions_added

        transactions_added.connect(on_transactions_added, dispatch_uid="payments-bills-match")
