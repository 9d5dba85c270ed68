"""Invitation links' secrets stored only as their SHA-256: the column is renamed and every stored token hashed.

Backwards keeps the hashes (a secret cannot be recovered from its hash): links sent before the migration then
stop working, and the owner can send new invitations."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    Invite = apps.get_model("groups", "Invite")
    # A token is 43 characters, a hash 64: a row already hashed (a rerun) is left alone.
    for invite in Invite.objects.exclude(token_hash__regex=r"^[0-9a-f]{64}$").only("pk", "token_hash").iterator():
        Invite.objects.filter(pk=invite.pk).update(token_hash=hashlib.sha256(invite.token_hash.encode()).hexdigest())


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0003_encrypted_text'),
    ]

    operations = [
        migrations.RenameField(
            model_name='invite',
            old_name='token',
            new_name='token_hash',
        ),
        migrations.AlterField(
            model_name='invite',
            name='token_hash',
            field=models.CharField(help_text="SHA-256 of the link's secret.", max_length=64, unique=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
