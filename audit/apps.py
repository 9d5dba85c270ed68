from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from audit import handlers

        user_logged_in.connect(handlers.signed_in, dispatch_uid="audit.signed_in")
        user_login_failed.connect(handlers.sign_in_failed, dispatch_uid="audit.sign_in_failed")
        user_logged_out.connect(handlers.signed_out, dispatch_uid="audit.signed_out")
