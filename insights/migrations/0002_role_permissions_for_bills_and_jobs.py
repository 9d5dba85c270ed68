"""Staff may look at bills, notifications and job runs in the admin and retry deliveries; Admin may do anything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_PERMISSIONS = [
    ("payments", "view_recurringpayment"), ("payments", "view_billoccurrence"),
    ("payments", "view_subscriptionsuggestion"), ("notifications", "view_notification"),
    ("notifications", "view_delivery"), ("notifications", "change_delivery"),
    ("notifications", "view_notificationpreferences"), ("insights", "view_jobrun"),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        # The models as of this migration (apps), not as of today: JobRun has since moved to core.
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _ = Group.objects.get_or_create(name="Staff")
    for app_label, codename in STAFF_PERMISSIONS:
        staff.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(Permission.objects.all())


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name="Staff").first()
    if staff is not None:
        for app_label, codename in STAFF_PERMISSIONS:
            staff.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("payments", "0001_initial"),
        ("notifications", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
