"""Create (or reset) the demo user with a realistic, deterministic ledger ending today.

The rows are what a German bank would export (raw descriptions such as "CARD PAYMENT REWE SAGT DANKE 1234
BERLIN") with a cleaned merchant and a standard category, and they enter the ledger through the importer's
own service, so the demo exercises the same path as a real bank file.
"""

from __future__ import annotations

import calendar
import random
import string
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction as db_transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import profile_update
from transactions import services
from transactions.ingest import ImportRow, transactions_import_rows
from transactions.models import Account, Category, ImportBatch, Source, Tag

CENT = Decimal("0.01")

DEMO_EMAIL = "demo@finsight.local"
DEMO_PASSWORD = "finsight-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    name: str
    kind: str
    opening_balance: Decimal


ACCOUNTS = [
    DemoAccount("checking", "Main checking", "checking", Decimal("2450.00")),
    DemoAccount("savings", "Savings", "savings", Decimal("6000.00")),
    DemoAccount("card", "Credit card", "credit_card", Decimal("0.00")),
]


@dataclass(frozen=True)
class DemoRow:
    account: str  # a DemoAccount key
    date: date
    amount: Decimal
    description: str
    merchant: str
    category: str | None  # a taxonomy key; None leaves it for review


# (raw description with {n} for a reference number, cleaned merchant, taxonomy key, low, high)
GROCERS = [
    ("CARD PAYMENT REWE SAGT DANKE 4471 BERLIN", "REWE"),
    ("CARD PAYMENT REWE SAGT DANKE 1234 BERLIN", "REWE"),
    ("CARD PAYMENT EDEKA CENTER 2210 BERLIN", "EDEKA"),
    ("CARD PAYMENT ALDI SE U. CO. KG 0312 BERLIN", "ALDI"),
    ("CARD PAYMENT LIDL DIENSTLEISTUNG 0893 BERLIN", "Lidl"),
]
CAFES = [
    ("CARD PAYMENT STARBUCKS COFFEE 1127 BERLIN", "Starbucks"),
    ("SUMUP *BALZAC COFFEE BERLIN", "Balzac Coffee"),
    ("CARD PAYMENT EINSTEIN KAFFEE FRIEDRICHSTR", "Einstein Kaffee"),
]
RESTAURANTS = [
    ("SUMUP *TRATTORIA DA MARIO BERLIN", "Trattoria Da Mario"),
    ("PAYPAL *LIEFERANDO.DE {n}", "Lieferando"),
    ("CARD PAYMENT VAPIANO BERLIN POTSDAMER", "Vapiano"),
    ("CARD PAYMENT BURGERMEISTER KREUZBERG", "Burgermeister"),
    ("SUMUP *PHO VIET BERLIN", "Pho Viet"),
]
FUEL = [
    ("CARD PAYMENT ARAL STATION 281734 BERLIN", "Aral"),
    ("CARD PAYMENT SHELL 10245 BERLIN", "Shell"),
    ("CARD PAYMENT TOTALENERGIES STATION 1172", "TotalEnergies"),
]
TRIPS = [
    ("PARIS", "AIR FRANCE {n}", "Air France", "BOOKING.COM HOTEL PARIS {n}", "Booking.com"),
    ("LISBON", "TAP AIR PORTUGAL {n}", "TAP Air Portugal", "HOTEL AVENIDA LISBOA", "Hotel Avenida"),
    ("ROME", "LUFTHANSA {n}", "Lufthansa", "BOOKING.COM HOTEL ROMA {n}", "Booking.com"),
    ("BARCELONA", "VUELING AIRLINES {n}", "Vueling", "HOTEL CATALONIA BARCELONA", "Hotel Catalonia"),
    ("VIENNA", "AUSTRIAN AIRLINES {n}", "Austrian Airlines", "AIRBNB * HMQ{n}", "Airbnb"),
    ("COPENHAGEN", "SAS SCANDINAVIAN {n}", "SAS", "BOOKING.COM HOTEL KOBENHAVN {n}", "Booking.com"),
]
BIG_PURCHASES = [
    ("CARD PAYMENT MEDIAMARKT BERLIN ALEXA", "MediaMarkt", "shopping.electronics", 499, 1099),
    ("AMZN Mktp DE*{code}", "Amazon", "shopping.electronics", 149, 399),
    ("APPLE STORE R358 BERLIN", "Apple", "shopping.electronics", 799, 1299),
    ("CARD PAYMENT IKEA DEUTSCHLAND TEMPELHOF", "IKEA", "shopping.home_goods", 189, 890),
    ("HOME24 SE BERLIN", "home24", "shopping.home_goods", 590, 1290),
]


def demo_user_get(email: str, *, command: str) -> User:
    """The demo user a later seed step (seed_demo_bills, _insights, _goals, _advisor) works on: refused when it is
    missing (seed_demo first) or a staff account (those steps only take the demo address)."""
    user = User.objects.select_related("financial_profile").filter(email__iexact=email).first()
    if user is None:
        raise CommandError(f"No user {email}; run manage.py seed_demo first.")
    if user.is_staff or user.is_superuser:
        raise CommandError(f"{email} is a staff account; {command} only takes the demo address.")
    return user


def _shift_to_workday(day: date, *, earlier: bool = False) -> date:
    """Banks book on working days: a weekend date moves to the Monday after (or the Friday before)."""
    while day.weekday() >= 5:
        day += timedelta(days=-1 if earlier else 1)
    return day


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class _History:
    def __init__(self, *, seed: int, start: date, today: date):
        self.rng = random.Random(seed)
        self.start, self.today = start, today
        self.rows: list[DemoRow] = []

    def add(self, account: str, day: date, amount: Decimal | int | str, description: str, merchant: str,
            category: str | None) -> None:
        if self.start <= day <= self.today:
            self.rows.append(DemoRow(account, day, Decimal(amount).quantize(CENT), description, merchant, category))

    def money(self, low: float, high: float) -> Decimal:
        return Decimal(self.rng.randint(round(low * 100), round(high * 100))) / 100

    def ref(self, digits: int = 8) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(digits))

    def code(self) -> str:
        # Amazon's order reference: "AMZN Mktp DE*2K4L71XY5"
        return "".join(self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(9))

    def fill(self, template: str) -> str:
        return template.format(n=self.ref(), code=self.code())


def demo_rows(*, seed: int, months: int, today: date) -> list[DemoRow]:
    """The demo ledger for ``months`` months up to ``today``: the same seed and day always give the same rows."""
    start = _months_back(today, months) + timedelta(days=1)
    h = _History(seed=seed, start=start, today=today)
    _monthly(h)
    _daily(h)
    _trips(h)
    _big_purchases(h)
    _card_settlements(h)
    _savings_top_ups(h, opening=ACCOUNTS[0].opening_balance)
    # Within a day, money in before money out, as a bank books a salary before the standing orders it pays.
    return sorted(h.rows, key=lambda r: (r.date, r.account, r.amount < 0, r.description, r.amount))


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _monthly(h: _History) -> None:
    for number, (year, month) in enumerate(_months(h.start, h.today)):
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        later = number >= 12  # the second year: a raise, new prices

        salary = Decimal("3620.00") if later else Decimal("3480.00")
        h.add("checking", _shift_to_workday(date(year, month, 27), earlier=True), salary,
              f"LOHN/GEHALT ACME GMBH {month:02d}/{year} PERS-NR 004711", "Acme GmbH", "income.salary")
        h.add("checking", _shift_to_workday(first), -1150, "DAUERAUFTRAG MIETE MUELLERSTR 12 WHG 3 HAUSVERWALTUNG "
              "KRAUSE", "Hausverwaltung Krause", "housing.rent")
        h.add("checking", _shift_to_workday(first), -39, f"SEPA-LASTSCHRIFT URBAN SPORTS CLUB GMBH MITGLIED "
              f"{h.ref(6)}", "Urban Sports Club", "health_wellness.gym_fitness")
        ticket = -58 if first >= date(2025, 1, 1) else -49
        h.add("checking", _shift_to_workday(first), ticket, "SEPA-LASTSCHRIFT BVG DEUTSCHLANDTICKET ABO", "BVG",
              "transportation.public_transit")
        h.add("checking", _shift_to_workday(date(year, month, 5)), "-44.95",
              f"SEPA-LASTSCHRIFT TELEKOM DEUTSCHLAND GMBH FESTNETZ KD-NR {h.ref(10)}", "Telekom",
              "housing.internet_phone")
        h.add("checking", _shift_to_workday(date(year, month, 10)), "-19.99",
              "SEPA-LASTSCHRIFT TELEFONICA GERMANY GMBH O2 MOBILFUNK", "O2", "housing.internet_phone")
        h.add("checking", _shift_to_workday(date(year, month, 15)), -79 if later else -72,
              f"SEPA-LASTSCHRIFT VATTENFALL EUROPE SALES GMBH ABSCHLAG STROM {h.ref(9)}", "Vattenfall",
              "housing.utilities")
        # The one price rise among the subscriptions, half-way through.
        netflix = "-17.99" if number >= 14 else "-13.99"
        h.add("checking", date(year, month, 12), netflix, "SEPA-LASTSCHRIFT NETFLIX.COM", "Netflix",
              "entertainment.streaming_services")
        h.add("card", date(year, month, 3), "-10.99", f"Spotify P{h.ref(10)} Stockholm", "Spotify",
              "entertainment.streaming_services")
        h.add("card", date(year, month, 21), "-2.99", "APPLE.COM/BILL ITUNES.COM", "Apple iCloud", "subscriptions")
        h.add("checking", _shift_to_workday(date(year, month, 28), earlier=True), -400,
              "DAUERAUFTRAG UEBERTRAG AUF TAGESGELD", "Savings transfer", "transfers.savings_transfer")
        h.add("savings", _shift_to_workday(date(year, month, 28), earlier=True), 400,
              "GUTSCHRIFT UEBERTRAG VON GIROKONTO", "Savings transfer", "transfers.savings_transfer")
        h.add("checking", last, "-4.90", "ENTGELTABSCHLUSS KONTOFUEHRUNG", "Bank fee", "fees_charges.bank_fees")
        if month in (3, 6, 9, 12):
            h.add("savings", last, h.money(14, 38), "ZINSGUTSCHRIFT TAGESGELD", "Interest", "income.interest")
        if month in (1, 4, 7, 10):
            h.add("checking", _shift_to_workday(date(year, month, 15)), "-55.08",
                  f"RUNDFUNK ARD ZDF DRADIO BEITRAGSNR {h.ref(9)}", "ARD ZDF Beitragsservice", "taxes")
        if month == 1:
            h.add("checking", _shift_to_workday(date(year, month, 2)), "-64.80",
                  "SEPA-LASTSCHRIFT HUK-COBURG HAFTPFLICHT JAHRESBEITRAG", "HUK-Coburg", "housing.insurance")
        if month == 3:
            # The yearly electricity statement: a refund one year, a top-up the next.
            amount = h.money(20, 90) * (1 if year % 2 else -1)
            h.add("checking", _shift_to_workday(date(year, month, 18)), amount,
                  f"VATTENFALL EUROPE SALES GMBH JAHRESABRECHNUNG {year - 1}", "Vattenfall",
                  "income.refunds" if amount > 0 else "housing.utilities")
        if month == 12:
            h.add("checking", date(year, month, 15), -50, "SEPA-UEBERWEISUNG AERZTE OHNE GRENZEN SPENDE",
                  "Ärzte ohne Grenzen", "gifts_donations.charity")
            for _ in range(3):
                h.add("card", date(year, month, h.rng.randint(1, 22)), -h.money(15, 80),
                      "CARD PAYMENT THALIA BUCHHANDLUNG BERLIN", "Thalia", "gifts_donations.gifts")


# Chance per weekday (Monday first) of one purchase of each kind.
GROCERY_ODDS = (0.15, 0.4, 0.15, 0.4, 0.3, 0.75, 0.0)
RESTAURANT_ODDS = (0.05, 0.08, 0.1, 0.12, 0.4, 0.45, 0.15)


def _daily(h: _History) -> None:
    day = h.start
    next_fuel = day + timedelta(days=h.rng.randint(2, 10))
    next_cash = day + timedelta(days=h.rng.randint(3, 14))
    next_haircut = day + timedelta(days=h.rng.randint(5, 40))
    while day <= h.today:
        weekday = day.weekday()
        if h.rng.random() < GROCERY_ODDS[weekday]:
            description, merchant = h.rng.choice(GROCERS)
            amount = h.money(45, 115) if weekday == 5 else h.money(6, 38)
            h.add("checking", day, -amount, description, merchant, "food_drink.groceries")
        if weekday < 5 and h.rng.random() < 0.45:
            description, merchant = h.rng.choice(CAFES)
            h.add("checking", day, -h.money(2.9, 6.4), description, merchant, "food_drink.coffee_shops")
        if h.rng.random() < RESTAURANT_ODDS[weekday]:
            description, merchant = h.rng.choice(RESTAURANTS)
            h.add(h.rng.choice(("card", "checking")), day, -h.money(14, 68), h.fill(description), merchant,
                  "food_drink.restaurants")
        if day >= next_fuel:
            description, merchant = h.rng.choice(FUEL)
            h.add("card", day, -h.money(48, 82), description, merchant, "transportation.gas_fuel")
            next_fuel = day + timedelta(days=h.rng.randint(9, 16))
        if day >= next_cash:
            h.add("checking", day, -h.rng.choice((50, 100, 100, 150)), f"GELDAUTOMAT SPARKASSE BERLIN {h.ref(6)}",
                  "Cash withdrawal", "transfers.cash_withdrawal")
            next_cash = day + timedelta(days=h.rng.randint(10, 18))
        if day >= next_haircut:
            h.add("checking", day, -h.money(32, 45), "SUMUP *SALON HAARWERK BERLIN", "Salon Haarwerk",
                  "personal_care.hair_beauty")
            next_haircut = day + timedelta(days=h.rng.randint(35, 49))
        _occasional(h, day, weekday)
        day += timedelta(days=1)


def _occasional(h: _History, day: date, weekday: int) -> None:
    roll = h.rng.random()
    if roll < 0.05:
        h.add("checking", day, -h.money(4, 32), f"CARD PAYMENT DM DROGERIE MARKT {h.ref(4)} BERLIN", "dm",
              "personal_care")
    elif roll < 0.08:
        h.add("checking", day, -h.money(6, 28), "CARD PAYMENT APOTHEKE AM MARKT BERLIN", "Apotheke am Markt",
              "health_wellness.pharmacy")
    elif roll < 0.15:
        amount = h.money(9, 79)
        code = h.code()
        h.add("card", day, -amount, f"AMZN Mktp DE*{code}", "Amazon", "shopping.online_shopping")
        if h.rng.random() < 0.08:  # sent back: refunded a week or two later
            h.add("card", day + timedelta(days=h.rng.randint(6, 15)), amount, f"AMZN Mktp DE REFUND*{code}",
                  "Amazon", "income.refunds")
    elif roll < 0.18:
        if h.rng.random() < 0.5:
            h.add("card", day, -h.money(25, 120), f"ZALANDO SE BERLIN {h.ref()}", "Zalando", "shopping.clothing")
        else:
            h.add("checking", day, -h.money(19, 89), "CARD PAYMENT H&M 0421 BERLIN", "H&M", "shopping.clothing")
    elif roll < 0.20 and weekday >= 4:
        h.add("card", day, -h.money(11, 28), "CARD PAYMENT CINEMAXX BERLIN POTSDAMER PL", "CinemaxX",
              "entertainment.movies_events")
    elif roll < 0.23:
        h.add("card", day, -h.money(9, 28), "UBER *TRIP HELP.UBER.COM", "Uber", "transportation.rideshare")
    elif roll < 0.24:
        h.add("card", day, -h.money(3, 12), f"APCOA PARKING BERLIN {h.ref(4)}", "APCOA Parking",
              "transportation.parking")
    elif roll < 0.26:
        # Not obvious from the text: left for the user to review.
        h.add("checking", day, -h.money(8, 60), f"PAYPAL EUROPE S.A.R.L. ET CIE S.C.A {h.ref(12)}", "PayPal", None)


def _trips(h: _History) -> None:
    """Two or three trips a year: flights booked weeks ahead, a hotel and meals at the destination."""
    for year in range(h.start.year, h.today.year + 1):
        months = sorted(h.rng.sample(range(1, 13), h.rng.choice((2, 3))))
        for month in months:
            city, flight, airline, hotel, hotel_name = h.rng.choice(TRIPS)
            departure = date(year, month, h.rng.randint(1, 24))
            nights = h.rng.randint(2, 6)
            h.add("card", departure - timedelta(days=h.rng.randint(25, 70)), -h.money(89, 420), h.fill(flight),
                  airline, "travel.flights")
            h.add("card", departure + timedelta(days=nights), -h.money(70, 160) * nights, h.fill(hotel), hotel_name,
                  "travel.hotels")
            for night in range(nights):
                h.add("card", departure + timedelta(days=night), -h.money(18, 75),
                      f"CARD PAYMENT RESTAURANT {city} {h.ref(4)}", f"Restaurant in {city.title()}",
                      "food_drink.restaurants")
                h.add("card", departure + timedelta(days=night), "-1.50", "AUSLANDSEINSATZENTGELT", "Card fee",
                      "fees_charges.bank_fees")
            h.add("checking", departure - timedelta(days=1), -h.money(29, 119),
                  f"DB VERTRIEB GMBH FAHRKARTE {h.ref(10)}", "Deutsche Bahn", "transportation.public_transit")


def _big_purchases(h: _History) -> None:
    span = (h.today - h.start).days
    for description, merchant, category, low, high in BIG_PURCHASES:
        day = h.start + timedelta(days=h.rng.randint(0, span))
        h.add("card", day, -h.money(low, high), h.fill(description), merchant, category)
    # One of them went back to the shop.
    returned = h.start + timedelta(days=h.rng.randint(0, span))
    amount = h.money(60, 240)
    h.add("card", returned, -amount, "CARD PAYMENT SATURN BERLIN ALEXA", "Saturn", "shopping.electronics")
    h.add("card", returned + timedelta(days=9), amount, "GUTSCHRIFT SATURN BERLIN ALEXA RUECKGABE", "Saturn",
          "income.refunds")


def _card_settlements(h: _History) -> None:
    """The credit card is settled from the checking account on the 20th for the previous month."""
    spent: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in h.rows:
        if row.account == "card":
            spent[row.date.year, row.date.month] += row.amount
    for year, month in _months(h.start, h.today):
        previous = (year - 1, 12) if month == 1 else (year, month - 1)
        total = spent.get(previous)
        if total:
            day = _shift_to_workday(date(year, month, 20))
            h.add("checking", day, total, f"KREDITKARTENABRECHNUNG VISA {previous[1]:02d}/{previous[0]}",
                  "Credit card payment", "transfers.credit_card_payment")
            h.add("card", day, -total, "ZAHLUNG ERHALTEN - DANKE", "Credit card payment",
                  "transfers.credit_card_payment")


def _savings_top_ups(h: _History, *, opening: Decimal) -> None:
    """Move money back from savings on the 19th when the month ahead would take checking below 300."""
    checking = sorted((r for r in h.rows if r.account == "checking"), key=lambda r: r.date)
    topped_up = Decimal(0)
    for year, month in _months(h.start, h.today):
        day = max(_shift_to_workday(date(year, month, 19), earlier=True), h.start)
        balance = opening + topped_up + sum((r.amount for r in checking if r.date < day), Decimal(0))
        lowest = balance
        for row in checking:
            if day <= row.date < day + timedelta(days=31):
                balance += row.amount
                lowest = min(lowest, balance)
        if lowest < 300 and day <= h.today:
            amount = -((lowest - 800) // 500) * 500  # enough to stay above 800, in round 500s
            topped_up += amount
            h.add("checking", day, amount, "GUTSCHRIFT UEBERTRAG VON TAGESGELD", "Savings transfer",
                  "transfers.savings_transfer")
            h.add("savings", day, -amount, "UEBERTRAG AUF GIROKONTO", "Savings transfer",
                  "transfers.savings_transfer")


# --- the command ----------------------------------------------------------------------------------

def demo_user_reset(*, email: str, password: str) -> User:
    """The demo user, created or with its password restored and its whole ledger removed."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, display_name="Demo")
    else:
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        # Accounts first: their transactions (and the split parts that protect categories) go with them.
        Account.objects.filter(owner=user).delete()
        ImportBatch.objects.filter(owner=user).delete()
        Category.objects.filter(owner=user).delete()
        Tag.objects.filter(owner=user).delete()
        user.hidden_categories.clear()
    profile_update(user=user, data={
        "monthly_net_income": "3620.00", "savings_rate_target": "15",
        "preferred_currency": "EUR", "timezone": "Europe/Berlin",
    })
    return user


class Command(BaseCommand):
    help = "Create (or reset) the demo user with two years of realistic, deterministic history; print its login."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same rows (default 42).")
        parser.add_argument("--email", default=DEMO_EMAIL, help=f"Demo user's email (default {DEMO_EMAIL}).")
        parser.add_argument("--months", type=int, default=24, help="Months of history up to today (default 24).")

    def handle(self, *args, seed: int, email: str, months: int, **options):
        if not 1 <= months <= 120:
            raise CommandError("--months must be between 1 and 120.")
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and (existing.is_staff or existing.is_superuser):
            raise CommandError(f"{email} is a staff account; seed_demo resets its user's ledger and password, so it "
                               f"only takes a demo address.")
        today = timezone.localdate()
        rows = demo_rows(seed=seed, months=months, today=today)
        by_account: dict[str, list[DemoRow]] = defaultdict(list)
        for row in rows:
            by_account[row.account].append(row)
        categories = {c.key: c for c in Category.objects.filter(owner__isnull=True)}
        start = _months_back(today, months) + timedelta(days=1)
        created = 0
        with db_transaction.atomic():
            user = demo_user_reset(email=email, password=DEMO_PASSWORD)
            for spec in ACCOUNTS:
                account = services.account_create(user=user, name=spec.name, kind=spec.kind, currency="EUR",
                                                  opening_balance=spec.opening_balance, opening_date=start)
                import_rows = [
                    ImportRow(date=r.date, amount=r.amount, description=r.description, merchant=r.merchant,
                              category=categories[r.category] if r.category else None, row_number=number)
                    for number, r in enumerate(by_account[spec.key], start=1)
                ]
                added, _ = transactions_import_rows(user=user, account=account, rows=import_rows,
                                                    source=Source.CSV)
                created += added
        self.stdout.write(self.style.SUCCESS(
            f"Demo user ready: email {email}  password {DEMO_PASSWORD}  "
            f"({created} transactions in {len(ACCOUNTS)} accounts, {start} to {today})"
        ))
