"""JobRun moves here from insights; its table (insights_jobrun) and its permissions stay as they are."""

from django.db import migrations, models


def content_type_to_core(apps, schema_editor):
    # Renaming the content type keeps the permission rows, and so the Staff group's view_jobrun.
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="insights", model="jobrun").update(app_label="core")


def content_type_to_insights(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model="jobrun").update(app_label="insights")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The table is created by insights' first migration, and the Staff group granted its view permission.
        ("insights", "0003_forecast"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="JobRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=100)),
                        ("status", models.CharField(choices=[("running", "Running"), ("ok", "Succeeded"),
                                                             ("failed", "Failed")], default="running",
                                                    max_length=10)),
                        ("started_at", models.DateTimeField()),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("user_id", models.BigIntegerField(
                            blank=True, help_text="For per-user jobs; no link, users come and go.", null=True)),
                        ("outcome", models.JSONField(
                            blank=True, default=dict, help_text="Counts the job reports, e.g. reminders sent.")),
                        ("error", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "insights_jobrun",
                        "ordering": ["-started_at", "-id"],
                        "indexes": [
                            models.Index(fields=["name", "-started_at"], name="insights_jo_name_bdeb9c_idx"),
                            models.Index(fields=["status", "-started_at"], name="insights_jo_status_f110aa_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_core, content_type_to_insights, elidable=False),
    ]
