"""Signals other apps listen to, so the ledger does not need to know about them."""

from django.dispatch import Signal

# Sent after new transactions are committed (an import, or one typed in): kwargs user, count.
# payments listens to match bills paid by them.
transactions_added = Signal()
