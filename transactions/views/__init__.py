"""The ledger's pages, one module per page family: ledger (transactions), accounts, categories, rules."""
