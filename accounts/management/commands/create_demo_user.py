from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.services import profile_update

DEMO_EMAIL = "demo@finsight.local"
DEMO_PASSWORD = "finsight-demo-2026"


class Command(BaseCommand):
    help = "Create (or reset) the demo user for a local try-out and print its credentials."

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(email=DEMO_EMAIL, password=DEMO_PASSWORD, display_name="Demo")
        else:
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        profile_update(user=user, data={
            "monthly_net_income": "3200.00", "savings_rate_target": "20",
            "preferred_currency": "EUR", "timezone": "Europe/Berlin",
        })
        self.stdout.write(self.style.SUCCESS(f"Demo user ready: email {DEMO_EMAIL}  password {DEMO_PASSWORD}"))
