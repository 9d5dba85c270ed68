from django.apps import AppConfig

from transactions.signals import category_chosen


class MlcoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mlcore"
    verbose_name = "Machine learning"

    def ready(self) -> None:
        from mlcore.tasks import on_category_chosen

        category_chosen.connect(on_category_chosen, dispatch_uid="mlcore-user-model-retrain")
