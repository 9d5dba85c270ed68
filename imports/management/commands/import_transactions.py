from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from imports import services as import_services
from transactions.models import Account, ImportStatus


class Command(BaseCommand):
    help = ("Import a bank export (CSV, Excel, OFX/QFX) into one of a user's accounts and print a JSON summary; "
            "exits non-zero, importing nothing, when the file is refused or its columns need a mapping.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the bank export.")
        parser.add_argument("--user", required=True, help="The owner's email address.")
        parser.add_argument("--account", required=True, help="The account's name.")
        parser.add_argument("--mapping", help='Column mapping as JSON, e.g. \'{"date": "Datum", "amount": '
                                              '"Betrag", "description": ["Verwendungszweck"], "date_order": "dmy"}\'')

    def _finish(self, summary: dict, failed: bool) -> None:
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError(summary["errors"][0]["message"] if summary["errors"] else "Import failed.")

    def _refuse(self, message: str, **extra) -> None:
        self._finish({"created": 0, "duplicates": 0, "errors": [{"row": None, "column": None, "message": message}],
                      **extra}, failed=True)

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = User.objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            return self._refuse(f"No user with the email {options['user']!r}.")
        account = Account.objects.filter(owner=user, name__iexact=options["account"].strip()).first()
        if account is None:
            return self._refuse(f"{user.email} has no account called {options['account']!r}.")
        mapping = None
        if options["mapping"]:
            try:
                mapping = json.loads(options["mapping"])
            except json.JSONDecodeError as error:
                return self._refuse(f"--mapping is not valid JSON: {error}.")
            if not isinstance(mapping, dict):
                return self._refuse("--mapping must be a JSON object.")
        if not path.is_file():
            return self._refuse(f"No file at {str(path)!r}.")
        with path.open("rb") as upload:
            batch = import_services.import_start(user=user, account=account, upload=upload, mapping=mapping,
                                                 run_async=False)
        if batch.status == ImportStatus.NEEDS_MAPPING:
            proposal = batch.mapping
            preview = import_services.import_batch_preview(batch=batch)
            import_services.import_cancel(batch=batch, reason="The columns need a mapping.")
            return self._refuse(
                "The columns could not be recognised with confidence; run again with --mapping (the proposal "
                "below is a starting point).", batch=batch.pk, status="needs_mapping", columns=preview.columns,
                proposed_mapping=proposal, problems=preview.problems)
        summary = {"created": batch.created_count, "duplicates": batch.duplicate_count, "errors": batch.errors,
                   "status": batch.status, "batch": batch.pk, "rows": batch.rows_total}
        self._finish(summary, failed=batch.status != ImportStatus.DONE)
