"""Bank file importers.

detect (what a file is, how its text is encoded), one reader per format (csv_format, excel, ofx), parsing
(dates, amounts, debit/credit markers, header names), pipeline (header, column mapping, rows) and saving
(fingerprints, conversion, the insert). Pages, API and commands call them through
``transactions.import_services``.
"""
