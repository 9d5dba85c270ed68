"""JobRun now belongs to core (core.0001_initial); the table stays, only the model state leaves insights."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0003_forecast"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="JobRun")],
            database_operations=[],
        ),
    ]
