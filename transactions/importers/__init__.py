"""Bank file importers: one module per format (csv_format, excel, ofx) and one shared pipeline.

Services call them through ``transactions.import_services``.
"""
