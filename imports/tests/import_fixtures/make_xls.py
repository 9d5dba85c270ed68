"""Writes swedish_statement.xls, the legacy-Excel fixture (xlrd can only read .xls).

Run once with xlwt on the path (it is not a project dependency):
    pip download xlwt==1.3.0 --no-deps -d /tmp/xlwt && unzip -q /tmp/xlwt/*.whl -d /tmp/xlwt
    PYTHONPATH=/tmp/xlwt python imports/tests/import_fixtures/make_xls.py
"""

from datetime import date
from pathlib import Path

import xlwt

ROWS = [
    (date(2024, 3, 1), "ICA SUPERMARKET SODERMALM", -412.50, 18_087.50),
    (date(2024, 3, 2), "SL ACCESS REFILL", -970.00, 17_117.50),
    (date(2024, 3, 13), "LON FRAN ARBETSGIVARE AB", 32_500.00, 49_617.50),
    (date(2024, 3, 15), "SPOTIFY P2B9C", -119.00, 49_498.50),
    (date(2024, 3, 15), "SPOTIFY P2B9C", -119.00, 49_379.50),
]

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Transaktioner")
dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
sheet.write(0, 0, "Kontoutdrag")
sheet.write(1, 0, "Konto: 8327-9, 123 456 789-0")
for column, name in enumerate(["Bokföringsdag", "Beskrivning", "Belopp", "Saldo"]):
    sheet.write(3, column, name)
for offset, (day, text, amount, balance) in enumerate(ROWS):
    sheet.write(4 + offset, 0, day, dates)
    sheet.write(4 + offset, 1, text)
    sheet.write(4 + offset, 2, amount)
    sheet.write(4 + offset, 3, balance)
sheet.write(4 + len(ROWS), 1, "Summa")
sheet.write(4 + len(ROWS), 2, sum(r[2] for r in ROWS))
book.save(str(Path(__file__).with_name("swedish_statement.xls")))
