"""Signals other apps listen to, so the ledger does not need to know about them (it never imports upward)."""

from django.dispatch import Signal

# Sent after new transactions are committed (an import, or one typed in): kwargs user, count, and ids (the new
# rows' ids; None for an import, whose rows were categorized before their insert).
# payments listens to match bills paid by them; budgets to check the user's budgets; mlcore to categorize a
# typed-in transaction that has no category of the person's choosing; alerts to queue a scan for anomalies
# (a worker, a minute later).
transactions_added = Signal()

# Sent when a person files transactions under a category themselves (an edit, a bulk re-categorize),
# inside the write's database transaction: kwargs user. mlcore listens to retrain the user's own model.
category_chosen = Signal()

# Sent after any write to a user's ledger is committed (accounts, transactions added, edited, split, moved or
# deleted): kwargs user. insights listens to refresh the figures it stores (forecast, dashboard).
ledger_changed = Signal()
