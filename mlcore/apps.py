from django.apps import AppConfig

from transactions.signals import category_chosen, transactions_added


class MlcoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mlcore"
    verbose_name = "Machine learning"

    def ready(self) -> None:
        from mlcore.tasks import on_category_chosen, on_transactions_added

        category_chosen.connect(on_category_chosen, dispatch_uid="mlcore-user-model-retrain")
        transactions_added.connect(on_transactions_added, dispatch_uid="mlcore-categorize-added")
