from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transactions"
    verbose_name = "Transactions"

    def ready(self) -> None:
        from transactions.selectors import ledger_version_receivers_connect  # noqa: PLC0415 - models load first

        ledger_version_receivers_connect()
