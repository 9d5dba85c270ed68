from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.urls import register_converter
from huey.contrib.djhuey import HUEY

from core import rls
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
        # Row-level security on PostgreSQL (core.rls): the app role per connection, whose rows per request and
        # task, and the policies re-derived from the models after every migrate (all apps' tables exist then).
        connection_created.connect(rls.connection_prepare, dispatch_uid="core.rls.connection_prepare")
        request_finished.connect(rls.request_finished_reset, dispatch_uid="core.rls.request_finished_reset")
        post_migrate.connect(rls.post_migrate_sync, sender=self, dispatch_uid="core.rls.post_migrate_sync")
        HUEY.pre_execute(name="core.rls.task_started")(rls.task_started)
        HUEY.post_execute(name="core.rls.task_finished")(rls.task_finished)
