"""manage.py outbox_send: hand the tasks that waited in the database while the queue was down to the queue now.

The schedule does the same every minute and every consumer at its start; this is for an operator who brought
Redis back and wants to see the backlog go.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from core.outbox import outbox_send, outbox_waiting


class Command(BaseCommand):
    help = "Hand the background tasks waiting in the database (the queue was down) to the queue."

    def handle(self, *args, **options) -> None:
        autodiscover_modules("tasks")  # every app's tasks, as the consumer knows them
        sent = 0
        while True:  # a sweep takes a bounded number of rows; go on while the queue takes them
            outcome = outbox_send()
            sent += outcome["sent"]
            if not outcome["sent"] or outcome["waiting"]:
                break
        left = outbox_waiting()
        self.stdout.write(f"{sent} waiting tasks handed to the queue; {left['waiting']} still waiting.")
        if left["waiting"]:
            self.stderr.write(f"The oldest has waited {left['oldest_seconds']} s. Is Redis up? The schedule tries "
                              f"again every minute.")
