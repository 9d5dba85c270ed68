from django.db import migrations

from transactions.taxonomy import taxonomy_sync


def sync(apps, schema_editor):
    taxonomy_sync(apps.get_model("transactions", "Category"))


class Migration(migrations.Migration):
    dependencies = [("transactions", "0001_initial")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
