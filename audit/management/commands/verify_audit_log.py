"""Walk the audit log's hash chain and report the first broken link; exit status 1 when broken."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from audit.chain import audit_chain_verify
from audit.head import ChainHead, audit_chain_head, chain_head_parse, chain_head_problem
from audit.models import AuditEntry


def head_argument(text: str) -> ChainHead:
    try:
        return chain_head_parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class Command(BaseCommand):
    help = ("Check the audit log's hash chain in the order it was written: each entry's hash, and that it "
            "names the hash of the entry before it. Reports the first broken link; exits 1 if there is one.")

    def add_arguments(self, parser):
        parser.add_argument("--head", metavar="ID:HASH", type=head_argument, action="append", default=[],
                            help="A head of this log kept elsewhere (the daily audit_head job logs and mails it): "
                                 "the log must still hold that entry with that hash. May be given more than once.")
        parser.add_argument("--expect-last", metavar="HASH", default="",
                            help="A hash of this log kept elsewhere (e.g. logged daily): it must still be in the "
                                 "chain, which catches entries removed from the end.")

    def handle(self, *args, **options):
        report = audit_chain_verify()
        self.stdout.write(f"Checked {report.checked} audit entr{'y' if report.checked == 1 else 'ies'}.")
        if report.broken is not None:
            raise CommandError(f"Broken link at entry {report.broken.entry_id}: {report.broken.problem}: "
                               f"{report.broken.detail}.", returncode=1)
        for head in options["head"]:
            problem = chain_head_problem(head)
            if problem is not None:
                raise CommandError(f"The head {head} kept outside the database does not match: {problem}.",
                                   returncode=1)
            self.stdout.write(f"The log still holds entry {head.entry_id} with the hash kept outside the database.")
        expected = options["expect_last"].strip()
        if expected and not AuditEntry.objects.filter(hash=expected).exists():
            raise CommandError(f"The hash {expected} is not in the log: entries were removed from its end, or the "
                               "log was rewritten.", returncode=1)
        self.stdout.write(self.style.SUCCESS(
            f"The chain is intact. Latest hash: {report.last_hash or '(the log is empty)'}"))
        head = audit_chain_head()
        if head is not None:
            self.stdout.write(f"Head, to keep elsewhere and check later with --head: {head}")
