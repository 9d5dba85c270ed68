from django.apps import AppConfig


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # The periodic jobs of every app are declared in config/schedule.py; importing it registers them
        # with Huey in the web process (to enqueue) and in the consumer (to run and schedule).
        import config.schedule  # noqa: F401
