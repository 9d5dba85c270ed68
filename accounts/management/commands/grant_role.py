from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import role_grant


class Command(BaseCommand):
    help = "Give a user the role user, staff or admin (sets the Django group and is_staff/is_superuser)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=[r.value for r in Role])

    def handle(self, *args, email, role, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user has the email address {email!r}.") from None
        role_grant(user=user, role=role)
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {Role(role).label.lower()}."))
