from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The composition root: URLs, the API router and the schedule of every periodic job."""

    name = "config"
    label = "project"
    verbose_name = "Finsight"

    def ready(self) -> None:
        # Importing the schedule registers its periodic jobs with Huey in the web process (to enqueue) and
        # in the consumer (to run them); app-level task modules are found by Huey's autodiscovery.
        from config import schedule  # noqa: F401, PLC0415 - needs the app registry ready
