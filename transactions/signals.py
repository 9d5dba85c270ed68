"""Signals other apps listen to, so the ledger does not need to know about them (it never imports upward)."""

from django.dispatch import Signal

# Sent after new transactions are committed (an import, or one typed in): kwargs user, count.
# payments listens to match bills paid by them; budgets to check the user's budgets.
transactions_added = Signal()

# Sent when a person files transactions under a category themselves (an edit, a bulk re-categorize),
# inside the write's database transaction: kwargs user. mlcore listens to retrain the user's own model.
category_chosen = Signal()
