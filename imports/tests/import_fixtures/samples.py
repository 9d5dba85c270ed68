"""Bank exports written for these tests, in the layouts real banks use (no real customer data).

Each function returns the file's bytes; the expected transactions sit next to it in EXPECTED.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).parent


def german_cp1252() -> bytes:
    """A Sparkasse-style export: preamble, ';', cp1252, Soll/Haben columns, thousands dots, a closing balance."""
    text = (
        '"Kontoumsätze Girokonto Nr. 1234567";\r\n'
        '"Zeitraum: 01.03.2024 - 31.03.2024";\r\n'
        ";\r\n"
        '"Buchungstag";"Valuta";"Auftraggeber/Empfänger";"Verwendungszweck";"Soll";"Haben";"Währung"\r\n'
        '"01.03.2024";"01.03.2024";"Müller Hausverwaltung";"Miete März Wohnung 3. OG";"1.150,00";"";"EUR"\r\n'
        '"04.03.2024";"04.03.2024";"REWE Markt GmbH";"Kartenzahlung Köln Südstadt";"54,37";"";"EUR"\r\n'
        '"15.03.2024";"15.03.2024";"Arbeitgeber AG";"Gehalt März";"";"3.250,00";"EUR"\r\n'
        '"18.03.2024";"19.03.2024";"Bäckerei Schäfer";"Brötchen & Kaffee";"4,80";"";"EUR"\r\n'
        ";\r\n"
        '"Kontostand am 31.03.2024";;;;;"2.345,67";"EUR"\r\n'
    )
    return text.encode("cp1252")


def dutch_af_bij() -> bytes:
    """An ING-style export: YYYYMMDD dates, decimal commas, an Af/Bij column instead of signs."""
    return (
        '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)","Mutatiesoort",'
        '"Mededelingen"\n'
        '"20240302","Albert Heijn 1403","NL01INGB0001234567","","BA","Af","23,45","Betaalautomaat",'
        '"Pasvolgnr: 001 02-03-2024 14:02"\n'
        '"20240305","Belastingdienst","NL01INGB0001234567","NL86INGB0002445588","OV","Bij","1.312,00",'
        '"Overschrijving","Teruggave 2023"\n'
        '"20240311","NS Groep IZ NS Reizigers","NL01INGB0001234567","","BA","Af","4,10","Betaalautomaat",""\n'
    ).encode("utf-8")


def uk_monzo_like() -> bytes:
    """A Monzo-style export: UTF-8 with a BOM, DD/MM/YYYY, its own transaction ids, Money Out/In beside Amount."""
    return (
        "\ufeffTransaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,Local currency,"
        "Notes and #tags,Address,Receipt,Description,Category split,Money Out,Money In\n"
        "tx_0000AbC1,01/03/2024,08:14:03,Card payment,Pret A Manger,,Eating out,-3.20,GBP,-3.20,GBP,,,,"
        "PRET A MANGER LONDON GBR,,-3.20,\n"
        "tx_0000AbC2,01/03/2024,12:40:55,Card payment,Tesco,,Groceries,-28.75,GBP,-28.75,GBP,,,,"
        "TESCO STORES 3113 LONDON GBR,,-28.75,\n"
        "tx_0000AbC3,28/02/2024,09:00:00,Faster payment,ACME LTD,,Income,2150.00,GBP,2150.00,GBP,,,,"
        "ACME LTD SALARY FEB,,,2150.00\n"
        "tx_0000AbC4,02/03/2024,19:22:10,Card payment,Bella Italia,,Eating out,-36.60,GBP,-41.00,EUR,,,,"
        "BELLA ITALIA ROMA ITA,,-36.60,\n"
    ).encode("utf-8")


def us_checking() -> bytes:
    """A Bank of America-style export: a summary block first, MM/DD/YYYY, $ and parentheses negatives."""
    return (
        "Description,,Summary Amt.\n"
        'Beginning balance as of 03/01/2024,,"5,000.00"\n'
        'Total credits,,"2,500.00"\n'
        'Total debits,,"-1,234.56"\n'
        'Ending balance as of 03/31/2024,,"6,265.44"\n'
        "\n"
        "Date,Description,Amount,Running Bal.\n"
        '03/01/2024,Beginning balance as of 03/01/2024,,"5,000.00"\n'
        '03/04/2024,"WHOLE FOODS MARKET #10234 AUSTIN TX","($84.12)","4,915.88"\n'
        '03/15/2024,"PAYROLL ACME INC DES:DIR DEP","$2,500.00","7,415.88"\n'
        '03/20/2024,"CITY OF AUSTIN UTILITIES","(1,150.44)","6,265.44"\n'
    ).encode("utf-8")


def utf16_tab() -> bytes:
    """UTF-16 with a BOM, tab-separated, ISO dates, Swiss apostrophes and trailing minus signs."""
    return (
        "Datum\tBuchungstext\tBetrag\tWährung\n"
        "2024-03-04\tMigros Zürich HB\t86.35-\tCHF\n"
        "2024-03-05\tSBB Halbtax Abo\t190.00-\tCHF\n"
        "2024-03-25\tLohn März Beispiel AG\t6'480.00\tCHF\n"
    ).encode("utf-16")


def pipe_delimited() -> bytes:
    return (
        "Datum|Omschrijving|Bedrag|Valuta\n"
        "2024-03-05|Jumbo Supermarkten|-12,50|EUR\n"
        "2024-03-06|Vattenfall Energie|-97,00|EUR\n"
    ).encode("utf-8")


def czech_cp1250() -> bytes:
    return (
        "Datum;Popis;Částka;Měna\n"
        "05.03.2024;Platba kartou Plzeň Žižkov;-249,90;CZK\n"
        "07.03.2024;Příchozí platba Dvořák;1 500,00;CZK\n"
    ).encode("cp1250")


def ambiguous_dates() -> bytes:
    """Every date reads both ways (01/02 ... 12/11): the importer must ask."""
    return (
        "Date,Description,Amount\n"
        "01/02/2024,COFFEE HOUSE,-3.50\n"
        "03/04/2024,BOOK SHOP,-12.00\n"
        "05/06/2024,SALARY,2000.00\n"
    ).encode("utf-8")


def headerless() -> bytes:
    """No header row (as some Austrian banks export): date, description, value date, amount, currency."""
    return (
        "18.03.2024;HOFER DANKT 0527 K2 18.03. 17:20;18.03.2024;-33,87;EUR\n"
        "19.03.2024;LIDL DANKT 0391 K2 19.03. 17:10;19.03.2024;-24,11;EUR\n"
        "25.03.2024;Gehalt Maerz;25.03.2024;2.400,00;EUR\n"
    ).encode("utf-8")


def with_pending_and_cr_flag() -> bytes:
    """A UK credit-card export: pending rows, spending as positive amounts, CR beside money in."""
    return (
        "Date Processed,Description,Amount,\n"
        "Pending,DELIVEROO LONDON GBR,£18.89,\n"
        "12-Mar-2024,NETFLIX.COM,£10.99,\n"
        "11-Mar-2024,SAINSBURYS LONDON GBR,\"£1,104.20\",\n"
        "02-Mar-2024,PAYMENT RECEIVED - THANK YOU,\"+ £1,100.00\",CR\n"
    ).encode("utf-8")


def continuation_lines() -> bytes:
    """An OCBC-style export: account details first, Withdrawals/Deposits columns, descriptions on two lines."""
    return (
        "Account details for:,Everyday Account 123-456789-001\n"
        'Available Balance,"1,234.56"\n'
        "\n"
        "Transaction History\n"
        "Transaction date,Value date,Description,Withdrawals (SGD),Deposits (SGD)\n"
        "18/04/2024,18/04/2024,DEBIT PURCHASE,12.40,\n"
        ",,15/04/24 UBER EATS SINGAPORE\n"
        "17/04/2024,17/04/2024,SALARY,,\"4,200.00\"\n"
        ",,GIRO ACME PTE LTD\n"
    ).encode("utf-8")


def rows_csv(count: int, *, start: int = 0, bad_date_on_row: int | None = None) -> bytes:
    """A plain export of ``count`` distinct rows, numbered from ``start`` (for overlaps and big files)."""
    lines = ["Date,Description,Amount"]
    for index in range(start, start + count):
        day = date(2024, 1, 13).toordinal() + index // 30
        lines.append(f"{date.fromordinal(day):%d/%m/%Y},CARD PAYMENT SHOP {index},-{1 + index % 50}.{index % 100:02d}")
    if bad_date_on_row is not None:
        # Row numbers count the header as row 1, as a spreadsheet shows them.
        lines[bad_date_on_row - 1] = "31/02/2024,CARD PAYMENT BROKEN,-5.00"
    return ("\n".join(lines) + "\n").encode("utf-8")


def identical_rows() -> bytes:
    return (
        "Date,Description,Amount\n"
        "15/03/2024,TFL TRAVEL CH,-2.80\n"
        "15/03/2024,TFL TRAVEL CH,-2.80\n"
        "16/03/2024,TFL TRAVEL CH,-2.80\n"
    ).encode("utf-8")


def xlsx_statement() -> bytes:
    """An .xlsx with a title row, typed dates and numbers, Debit/Credit columns and a text date."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Statement"
    sheet.append(["Current account statement"])
    sheet.append([])
    sheet.append(["Date", "Details", "Debit", "Credit", "Balance"])
    sheet.append([date(2024, 3, 1), "DIRECT DEBIT GYM", 39.99, None, 960.01])
    sheet.append([date(2024, 3, 8), "TRANSFER FROM SAVINGS", None, 500, 1460.01])
    sheet.append(["19/03/2024", "CARD PAYMENT BOOTS", 7.45, None, 1452.56])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_statement() -> bytes:
    return (HERE / "swedish_statement.xls").read_bytes()


def ofx_sgml() -> bytes:
    """OFX 1.02 (SGML, unclosed leaf tags), a checking account statement."""
    return (
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n"
        "COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
        "<OFX>\r\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<DTSERVER>20240331120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\r\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n"
        "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>1234567890<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n"
        "<BANKTRANLIST><DTSTART>20240301<DTEND>20240331\r\n"
        "<STMTTRN>\r\n<TRNTYPE>DEBIT\r\n<DTPOSTED>20240305120000.000[-5:EST]\r\n<TRNAMT>-45.20\r\n"
        "<FITID>2024030501\r\n<NAME>SHELL OIL 5744\r\n<MEMO>SHELL OIL 57442 HOUSTON TX\r\n</STMTTRN>\r\n"
        "<STMTTRN>\r\n<TRNTYPE>CREDIT\r\n<DTPOSTED>20240315\r\n<TRNAMT>2500.00\r\n"
        "<FITID>2024031501\r\n<NAME>ACME PAYROLL\r\n</STMTTRN>\r\n"
        "<STMTTRN>\r\n<TRNTYPE>DEBIT\r\n<DTPOSTED>20240315\r\n<TRNAMT>-2500.00\r\n"
        "<FITID>2024031502\r\n<NAME>ACME PAYROLL\r\n</STMTTRN>\r\n"
        "</BANKTRANLIST><LEDGERBAL><BALAMT>1954.80<DTASOF>20240331</LEDGERBAL></STMTRS></STMTTRNRS>"
        "</BANKMSGSRSV1>\r\n</OFX>\r\n"
    ).encode("cp1252")


def ofx_xml() -> bytes:
    """OFX 2.11 (XML), a credit-card statement."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
        "<DTSERVER>20240401</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>\n"
        "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY>"
        "</STATUS><CCSTMTRS><CURDEF>EUR</CURDEF><CCACCTFROM><ACCTID>4111111111111111</ACCTID></CCACCTFROM>\n"
        "<BANKTRANLIST><DTSTART>20240301</DTSTART><DTEND>20240331</DTEND>\n"
        "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240310</DTPOSTED><TRNAMT>-129.99</TRNAMT>"
        "<FITID>CC-0001</FITID><NAME><![CDATA[MEDIAMARKT & SATURN]]></NAME></STMTTRN>\n"
        "<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20240320</DTPOSTED><TRNAMT>20.00</TRNAMT>"
        "<FITID>CC-0002</FITID><NAME>REFUND ZALANDO</NAME></STMTTRN>\n"
        "</BANKTRANLIST><LEDGERBAL><BALAMT>-109.99</BALAMT><DTASOF>20240331</DTASOF></LEDGERBAL></CCSTMTRS>"
        "</CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>\n"
    ).encode("utf-8")


def ofx_unusual_header() -> bytes:
    """OFX with an indented header and empty tags, which ofxtools rejects: the tolerant reader takes it."""
    return (
        "\n   OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS></SONRS>"
        "</SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS><TRNUID>0</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO"
        "</SEVERITY></STATUS><STMTRS><CURDEF></CURDEF><BANKACCTFROM><ACCTID>99</ACCTID></BANKACCTFROM>"
        "<BANKTRANLIST><STMTTRN><TRNTYPE>Credit</TRNTYPE><DTPOSTED>20240507</DTPOSTED><TRNAMT>12.34</TRNAMT>"
        "<FITID></FITID><NAME></NAME><MEMO>Transfer from savings</MEMO></STMTTRN></BANKTRANLIST>"
        "<LEDGERBAL><BALAMT></BALAMT><DTASOF></DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode("utf-8")


def ofx_error_response() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" '
        'OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>"
        "<DTSERVER>20240401</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>42</TRNUID><STATUS><CODE>2000</CODE><SEVERITY>ERROR</SEVERITY>"
        "<MESSAGE>General Server Error</MESSAGE></STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode("utf-8")


def ofx_investment_only() -> bytes:
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240401"
        "<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<STATUS><CODE>0"
        "<SEVERITY>INFO</STATUS><INVSTMTRS><DTASOF>20240401<CURDEF>USD<INVACCTFROM><BROKERID>broker.example"
        "<ACCTID>555</INVACCTFROM><INVTRANLIST><DTSTART>20240301<DTEND>20240331<BUYMF><INVBUY><INVTRAN>"
        "<FITID>B1<DTTRADE>20240305</INVTRAN><SECID><UNIQUEID>922908769<UNIQUEIDTYPE>CUSIP</SECID>"
        "<UNITS>10<UNITPRICE>250<TOTAL>-2500<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY><BUYTYPE>BUY</BUYMF>"
        "</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>\n"
    ).encode("cp1252")


def pdf_statement() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"


def random_text() -> bytes:
    return (
        "Dear customer,\n\nthank you for banking with us. Your statement is attached as a PDF.\n"
        "Kind regards, your bank\n"
    ).encode("utf-8")


EXPECTED = {
    # (date, amount, description, merchant)
    "german_cp1252": [
        (date(2024, 3, 1), Decimal("-1150.00"), "Miete März Wohnung 3. OG", "Müller Hausverwaltung"),
        (date(2024, 3, 4), Decimal("-54.37"), "Kartenzahlung Köln Südstadt", "REWE Markt GmbH"),
        (date(2024, 3, 15), Decimal("3250.00"), "Gehalt März", "Arbeitgeber AG"),
        (date(2024, 3, 18), Decimal("-4.80"), "Brötchen & Kaffee", "Bäckerei Schäfer"),
    ],
    "dutch_af_bij": [
        (date(2024, 3, 2), Decimal("-23.45"), "Albert Heijn 1403", ""),
        (date(2024, 3, 5), Decimal("1312.00"), "Belastingdienst", ""),
        (date(2024, 3, 11), Decimal("-4.10"), "NS Groep IZ NS Reizigers", ""),
    ],
    "uk_monzo_like": [
        (date(2024, 3, 1), Decimal("-3.20"), "PRET A MANGER LONDON GBR", "Pret A Manger"),
        (date(2024, 3, 1), Decimal("-28.75"), "TESCO STORES 3113 LONDON GBR", "Tesco"),
        (date(2024, 2, 28), Decimal("2150.00"), "ACME LTD SALARY FEB", "ACME LTD"),
        (date(2024, 3, 2), Decimal("-36.60"), "BELLA ITALIA ROMA ITA", "Bella Italia"),
    ],
    "us_checking": [
        (date(2024, 3, 4), Decimal("-84.12"), "WHOLE FOODS MARKET #10234 AUSTIN TX", ""),
        (date(2024, 3, 15), Decimal("2500.00"), "PAYROLL ACME INC DES:DIR DEP", ""),
        (date(2024, 3, 20), Decimal("-1150.44"), "CITY OF AUSTIN UTILITIES", ""),
    ],
    "utf16_tab": [
        (date(2024, 3, 4), Decimal("-86.35"), "Migros Zürich HB", ""),
        (date(2024, 3, 5), Decimal("-190.00"), "SBB Halbtax Abo", ""),
        (date(2024, 3, 25), Decimal("6480.00"), "Lohn März Beispiel AG", ""),
    ],
    "pipe_delimited": [
        (date(2024, 3, 5), Decimal("-12.50"), "Jumbo Supermarkten", ""),
        (date(2024, 3, 6), Decimal("-97.00"), "Vattenfall Energie", ""),
    ],
    "czech_cp1250": [
        (date(2024, 3, 5), Decimal("-249.90"), "Platba kartou Plzeň Žižkov", ""),
        (date(2024, 3, 7), Decimal("1500.00"), "Příchozí platba Dvořák", ""),
    ],
    "with_pending_and_cr_flag": [
        (date(2024, 3, 12), Decimal("-10.99"), "NETFLIX.COM", ""),
        (date(2024, 3, 11), Decimal("-1104.20"), "SAINSBURYS LONDON GBR", ""),
        (date(2024, 3, 2), Decimal("1100.00"), "PAYMENT RECEIVED - THANK YOU", ""),
    ],
    "continuation_lines": [
        (date(2024, 4, 18), Decimal("-12.40"), "DEBIT PURCHASE 15/04/24 UBER EATS SINGAPORE", ""),
        (date(2024, 4, 17), Decimal("4200.00"), "SALARY GIRO ACME PTE LTD", ""),
    ],
    "xlsx_statement": [
        (date(2024, 3, 1), Decimal("-39.99"), "DIRECT DEBIT GYM", ""),
        (date(2024, 3, 8), Decimal("500.00"), "TRANSFER FROM SAVINGS", ""),
        (date(2024, 3, 19), Decimal("-7.45"), "CARD PAYMENT BOOTS", ""),
    ],
    "xls_statement": [
        (date(2024, 3, 1), Decimal("-412.50"), "ICA SUPERMARKET SODERMALM", ""),
        (date(2024, 3, 2), Decimal("-970.00"), "SL ACCESS REFILL", ""),
        (date(2024, 3, 13), Decimal("32500.00"), "LON FRAN ARBETSGIVARE AB", ""),
        (date(2024, 3, 15), Decimal("-119.00"), "SPOTIFY P2B9C", ""),
        (date(2024, 3, 15), Decimal("-119.00"), "SPOTIFY P2B9C", ""),
    ],
    "ofx_sgml": [
        (date(2024, 3, 5), Decimal("-45.20"), "SHELL OIL 57442 HOUSTON TX", "SHELL OIL 5744"),
        (date(2024, 3, 15), Decimal("2500.00"), "ACME PAYROLL", ""),
        (date(2024, 3, 15), Decimal("-2500.00"), "ACME PAYROLL", ""),
    ],
    "ofx_xml": [
        (date(2024, 3, 10), Decimal("-129.99"), "MEDIAMARKT & SATURN", ""),
        (date(2024, 3, 20), Decimal("20.00"), "REFUND ZALANDO", ""),
    ],
    "ofx_unusual_header": [
        (date(2024, 5, 7), Decimal("12.34"), "Transfer from savings", ""),
    ],
}
