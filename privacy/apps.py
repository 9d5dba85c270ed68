from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Your data"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from privacy.deletion import deletion_signed_in

        user_logged_in.connect(deletion_signed_in, dispatch_uid="privacy.deletion_signed_in")
