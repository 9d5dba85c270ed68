from django.apps import AppConfig

from insights.panels import dashboard_panel_register


class GoalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "goals"
    verbose_name = "Goals and readiness"

    def ready(self) -> None:
        from goals.dashboard import PANELS

        for panel in PANELS:
            dashboard_panel_register(panel)
