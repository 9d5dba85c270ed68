"""Walk the audit log's hash chain and report the first broken link; exit status 1 when broken."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit.chain import audit_chain_verify
from audit.models import AuditEntry


class Command(BaseCommand):
    help = ("Check the audit log's hash chain in the order it was written: each entry's hash, and that it "
            "names the hash of the entry before it. Reports the first broken link; exits 1 if there is one.")

    def add_arguments(self, parser):
        parser.add_argument("--expect-last", metavar="HASH", default="",
                            help="A hash of this log kept elsewhere (e.g. logged daily): it must still be in the "
                                 "chain, which catches entries removed from the end.")

    def handle(self, *args, **options):
        report = audit_chain_verify()
        self.stdout.write(f"Checked {report.checked} audit entr{'y' if report.checked == 1 else 'ies'}.")
        if report.broken is not None:
            raise CommandError(f"Broken link at entry {report.broken.entry_id}: {report.broken.problem}: "
                               f"{report.broken.detail}.", returncode=1)
        expected = options["expect_last"].strip()
        if expected and not AuditEntry.objects.filter(hash=expected).exists():
            raise CommandError(f"The hash {expected} is not in the log: entries were removed from its end, or the "
                               "log was rewritten.", returncode=1)
        self.stdout.write(self.style.SUCCESS(
            f"The chain is intact. Latest hash: {report.last_hash or '(the log is empty)'}"))

