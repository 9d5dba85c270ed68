"""Import a Finsight export (the zip from "Your data") into a new, empty account on this server."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from privacy.restore import archive_import, result_lines


class Command(BaseCommand):
    help = ("Import a Finsight export zip as the account with this email: created (without a password) when it "
            "does not exist, else it must be empty. Everything or nothing is imported.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The zip the other server's “Your data” page gave you.")
        parser.add_argument("--email", required=True, help="The account to import into.")

    def handle(self, *args, archive: Path, email: str, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        email = email.strip()
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                user = User.objects.create_user(email=email, password=None)  # an unusable password
            try:
                with archive.open("rb") as stream:
                    result = archive_import(user=user, path=stream)
            except ValidationError as error:
                transaction.set_rollback(True)  # a user created for this import goes too
                raise CommandError(" ".join(error.messages)) from None
            if created and result.profile.get("display_name"):
                User.objects.filter(pk=user.pk).update(display_name=str(result.profile["display_name"])[:150])
        self.stdout.write(self.style.SUCCESS(f"Imported into {user.email}:"))
        for line in result_lines(result):
            self.stdout.write(f"  {line}")
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        if created:
            self.stdout.write(f"Note: {user.email} was created without a password, so nobody can sign in as it yet; "
                              f"set one with `python manage.py changepassword {user.email}`.")
