# An account's balance is anchored on a known balance at the end of a day (the user's current balance, or
# an opening balance the day before it), instead of an opening balance that left older rows out.
#
# An opening balance B on day D is the balance at the end of D - 1, and both rules give B plus every
# transaction dated D or later: every account's balance today is the same after this migration.

from datetime import timedelta
from decimal import Decimal

from django.db import migrations, models

import transactions.models

BATCH = 1000


def opening_to_known(apps, schema_editor):
    Account = apps.get_model("transactions", "Account")
    accounts = list(Account.objects.only("pk", "opening_balance", "opening_date").order_by("pk"))
    for account in accounts:
        account.known_balance = account.opening_balance
        account.known_balance_date = account.opening_date - timedelta(days=1)
    Account.objects.bulk_update(accounts, ["known_balance", "known_balance_date"], batch_size=BATCH)


def known_to_opening(apps, schema_editor):
    Account = apps.get_model("transactions", "Account")
    accounts = list(Account.objects.only("pk", "known_balance", "known_balance_date").order_by("pk"))
    for account in accounts:
        account.opening_balance = account.known_balance
        account.opening_date = account.known_balance_date + timedelta(days=1)
    Account.objects.bulk_update(accounts, ["opening_balance", "opening_date"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('transactions', '0006_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='account',
            name='known_balance',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), help_text='The balance at the end of the known balance date.', max_digits=14),
        ),
        migrations.AddField(
            model_name='account',
            name='known_balance_date',
            field=models.DateField(default=transactions.models._yesterday),
        ),
        migrations.RunPython(opening_to_known, known_to_opening, elidable=True),
        migrations.RemoveField(
            model_name='account',
            name='opening_balance',
        ),
        migrations.RemoveField(
            model_name='account',
            name='opening_date',
        ),
        migrations.AddField(
            model_name='importbatch',
            name='stated_balance',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='stated_balance_date',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='stated_balance_source',
            field=models.CharField(blank=True, choices=[('ledger', "the statement's booked balance (OFX LEDGERBAL)"), ('available', "the statement's available balance (OFX AVAILBAL)"), ('column', "the file's balance column")], default='', max_length=10),
        ),
        migrations.AlterField(
            model_name='transaction',
            name='source',
            field=models.CharField(choices=[('manual', 'Manual'), ('csv', 'CSV'), ('xlsx', 'Excel'), ('ofx', 'OFX/QFX'), ('receipt', 'Receipt'), ('voice', 'Voice'), ('api', 'API'), ('adjustment', 'Balance adjustment')], default='manual', max_length=10),
        ),
    ]
