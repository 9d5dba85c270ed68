from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.urls import register_converter

from core.converters import IdConverter
from core.sessions import session_signed_in


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Once, before any URLconf is loaded: every app's urls.py may use <id:pk>.
        register_converter(IdConverter, "id")
        user_logged_in.connect(session_signed_in, dispatch_uid="core.session_signed_in")
