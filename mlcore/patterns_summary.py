"""A person's stored patterns in plain words and small charts, for the patterns page and its API.

Reads a SpendingPatterns already computed by a worker; computes nothing from the ledger. Sentences say what
is usual for the person ("about 4 times a month, mostly on Saturdays"); charts are SVG coordinates the
template draws (the Content-Security-Policy allows neither inline scripts nor inline styles).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import money_range_text, money_text
from mlcore.results import CategoryPattern, IncomePattern, MerchantPattern, MonthTotal, SpendingPatterns

TOP_MERCHANTS = 12
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# The sparkline's box: 100 wide, 30 high, with a pixel of room above and below the line.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 100, 30, 2
SEASONS_MIDDLE = Decimal(20)  # the average month's line in the seasons' 120 x 40 box


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def whole_percent(fraction: float) -> int:
    return int(Decimal(str(fraction * 100)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def rhythm_text(per_month: float, *, noun: str = "time") -> str:
    """"about 4 times a month", "about once a month", "about once every 3 months"."""
    if per_month <= 0:
        return ""
    if per_month >= 1.5:
        return f"about {round(per_month)} {noun}s a month"
    once = "once" if noun == "time" else f"one {noun}"
    if per_month >= 0.75:
        return f"about {once} a month"
    months = round(1 / per_month)
    if months >= 10:
        return f"about {once} a year"
    return f"about {once} every {months} months"


def typical_amount_text(median: Decimal, spread: Decimal, currency: str) -> str:
    if spread <= 0:
        return f"always {money_text(median, currency)}"
    return f"usually {money_text(median, currency)}, give or take {money_text(spread, currency)}"


def weekdays_usual(counts: tuple[int, ...]) -> tuple[int, ...]:
    """The weekdays with at least half the busiest day's charges, when they hold at least half of all charges;
    () when there are too few charges to say, or no weekday stands out."""
    total = sum(counts)
    if total < 3 or len(counts) != 7:
        return ()
    busiest = max(counts)
    usual = tuple(day for day in range(7) if counts[day] * 2 >= busiest)
    return usual if sum(counts[day] for day in usual) * 2 >= total else ()


def when_text(merchant: MerchantPattern) -> str:
    if merchant.days_of_month:
        return f"around the {and_list([ordinal(day) for day in sorted(merchant.days_of_month)])}"
    if sum(merchant.weekdays) < 3:
        return ""
    usual = weekdays_usual(merchant.weekdays)
    if usual == (0, 1, 2, 3, 4):
        return "on weekdays"
    if usual == (5, 6):
        return "at weekends"
    if not usual or len(usual) > 3:
        return "on any day of the week"
    return f"mostly on {and_list([f'{WEEKDAYS[day]}s' for day in usual])}"


def month_label(month: str) -> str:
    """"2026-11" -> "Nov 2026"."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1][:3]} {year}"


@dataclass(frozen=True, slots=True)
class Sparkline:
    points: str  # the polyline's points in a 100 x 30 box
    label: str  # what it shows, for a screen reader


def sparkline(monthly: tuple[MonthTotal, ...], currency: str) -> Sparkline | None:
    if len(monthly) < 2:
        return None
    totals = [month.total for month in monthly]
    highest = max(totals)
    usable = SPARK_HEIGHT - 2 * SPARK_PAD
    step = Decimal(SPARK_WIDTH) / (len(totals) - 1)
    points = []
    flat = min(totals) == highest
    for index, total in enumerate(totals):
        height = (total / highest * usable) if highest > 0 and not flat else Decimal(usable) / 2
        y = Decimal(SPARK_HEIGHT - SPARK_PAD) - height
        points.append(f"{(step * index).quantize(Decimal('0.1'))},{y.quantize(Decimal('0.1'))}")
    low = min(monthly, key=lambda month: month.total)
    high = max(monthly, key=lambda month: month.total)
    if low.total == high.total:
        return Sparkline(points=" ".join(points), label=(
            f"Monthly totals from {month_label(monthly[0].month)} to {month_label(monthly[-1].month)}: "
            f"{money_text(low.total, currency)} every month."))
    label = (f"Monthly totals from {month_label(monthly[0].month)} to {month_label(monthly[-1].month)}: "
             f"lowest {money_text(low.total, currency)} in {month_label(low.month)}, "
             f"highest {money_text(high.total, currency)} in {month_label(high.month)}.")
    return Sparkline(points=" ".join(points), label=label)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # "M", "Jan"
    name: str  # "Monday", "January"
    x: int
    y: Decimal
    height: Decimal
    high: bool  # above the usual (an average month; a weekday among the usual ones)
    text: str  # "Saturday: 5 charges", "March: 12% above an average month"


@dataclass(frozen=True, slots=True)
class CategoryShown:
    pattern: CategoryPattern
    share_percent: int
    range_text: str  # "EUR 300.00 to 420.00"
    charges_text: str  # "about 6 charges a month, usually EUR 52.00 each"
    summary: str
    chart: Sparkline | None


@dataclass(frozen=True, slots=True)
class MerchantShown:
    pattern: MerchantPattern
    category_name: str
    typical_text: str
    rhythm_text: str
    when_text: str
    usual_weekdays: tuple[str, ...]
    summary: str
    weekday_bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class IncomeShown:
    pattern: IncomePattern
    steadiness: str  # "Steady", "Fairly steady", "Irregular"
    sentence: str  # "Your income from ACME arrives around the 25th, every month; it varies by 2%."
    amount_text: str  # "About EUR 3,200.00 a month, usually EUR 3,150.00 to 3,250.00."


@dataclass(frozen=True, slots=True)
class CurrencyShown:
    currency: str
    charges: int


@dataclass(frozen=True, slots=True)
class PatternsShown:
    patterns: SpendingPatterns
    computed_at: dt.datetime
    usual_low: Decimal
    usual_high: Decimal
    overview: str
    history: str
    spending: tuple[CategoryShown, ...]  # expense categories, biggest usual month first
    earning: tuple[CategoryShown, ...]  # income categories
    merchants: tuple[MerchantShown, ...]
    merchants_total: int  # merchants known, beyond the ones shown
    income: IncomeShown | None
    seasonality: tuple[Bar, ...]
    seasonality_text: str
    currencies: tuple[CurrencyShown, ...]
    currencies_text: str

    @property
    def categories(self) -> tuple[CategoryShown, ...]:
        return self.spending + self.earning


def category_shown(category: CategoryPattern, currency: str) -> CategoryShown:
    share = whole_percent(category.share)
    of_what = "your income" if category.kind == "income" else "your spending"
    range_text = money_range_text(category.usual_low, category.usual_high, currency)
    charges = rhythm_text(category.charges_per_month, noun="payment" if category.kind == "income" else "charge")
    charges_text = f"{charges}, usually {money_text(category.amount_median, currency)} each" if charges else ""
    spread = f" ({range_text})" if category.usual_low != category.usual_high else ""
    summary = (f"{category.name}: usually {money_text(category.monthly_mean, currency)} a month{spread}, "
               f"{share}% of {of_what}.")
    return CategoryShown(pattern=category, share_percent=share, range_text=range_text, charges_text=charges_text,
                         summary=summary, chart=sparkline(category.monthly, currency))


def weekday_bars(counts: tuple[int, ...], usual: tuple[int, ...]) -> tuple[Bar, ...]:
    """Seven bars in a 70 x 20 box, Monday first."""
    if len(counts) != 7 or not any(counts):
        return ()
    highest = max(counts)
    bars = []
    for day, count in enumerate(counts):
        height = (Decimal(count) / highest * 18).quantize(Decimal("0.1")) if count else Decimal("0.8")
        bars.append(Bar(label=WEEKDAYS[day][0], name=WEEKDAYS[day], x=day * 10 + 1, y=Decimal(20) - height,
                        height=height, high=day in usual,
                        text=f"{WEEKDAYS[day]}: {count} charge{'s' if count != 1 else ''}"))
    return tuple(bars)


def merchant_shown(merchant: MerchantPattern, patterns: SpendingPatterns) -> MerchantShown:
    category = patterns.category(merchant.category_id)
    usual = weekdays_usual(merchant.weekdays) if not merchant.days_of_month else ()
    typical = typical_amount_text(merchant.amount_median, merchant.amount_mad, patterns.currency)
    rhythm = rhythm_text(merchant.per_30_days)
    when = when_text(merchant)
    parts = [part for part in (typical, rhythm, when) if part]
    summary = f"{merchant.name}: {', '.join(parts)}." if parts else f"{merchant.name}."
    return MerchantShown(pattern=merchant, category_name=category.name if category else "", typical_text=typical,
                         rhythm_text=rhythm, when_text=when, usual_weekdays=tuple(WEEKDAYS[day] for day in usual),
                         summary=summary[0].upper() + summary[1:],
                         weekday_bars=weekday_bars(merchant.weekdays, usual))


def income_shown(income: IncomePattern, currency: str) -> IncomeShown:
    if income.regularity >= 0.9:
        how_often = "every month"
    elif income.regularity >= 0.6:
        how_often = "most months"
    else:
        how_often = "in some months only"
    varies = whole_percent(income.variation)
    variation = "the amount hardly varies" if varies < 1 else f"the amount varies by {varies}%"
    source = f"Your income from {income.main_source}" if income.main_source else "Your main income"
    day = f" around the {ordinal(income.usual_day)}," if income.usual_day else ""
    if income.regularity >= 0.9 and income.variation <= 0.1:
        steadiness = "Steady"
    elif income.regularity >= 0.6 and income.variation <= 0.3:
        steadiness = "Fairly steady"
    else:
        steadiness = "Irregular"
    low = max(income.monthly_mean - income.monthly_spread, Decimal(0))
    amount = (f"About {money_text(income.monthly_mean, currency)} a month comes in, usually "
              f"{money_range_text(low, income.monthly_mean + income.monthly_spread, currency)}.")
    return IncomeShown(pattern=income, steadiness=steadiness,
                       sentence=f"{source} arrives{day} {how_often}; {variation}.", amount_text=amount)


def seasonality_bars(indices: tuple[float, ...]) -> tuple[Bar, ...]:
    """Twelve bars in a 120 x 40 box, January first, drawn up (more than an average month) or down (less) from
    the middle line; the largest difference (at least 25%) takes the whole half."""
    if len(indices) != 12:
        return ()
    scale = max(max(abs(Decimal(str(index)) - 1) for index in indices), Decimal("0.25"))
    bars = []
    for month, index in enumerate(indices):
        difference = Decimal(str(index)) - 1
        height = max(abs(difference) / scale * 18, Decimal("0.8")).quantize(Decimal("0.1"))
        y = SEASONS_MIDDLE - height if difference > 0 else SEASONS_MIDDLE
        percent = whole_percent(index - 1)
        text = (f"{MONTHS[month]}: {abs(percent)}% {'above' if percent > 0 else 'below'} an average month"
                if percent else f"{MONTHS[month]}: an average month")
        bars.append(Bar(label=MONTHS[month][:3], name=MONTHS[month], x=month * 10 + 1, y=y, height=height,
                        high=difference > 0, text=text))
    return tuple(bars)


def seasonality_text(indices: tuple[float, ...]) -> str:
    if len(indices) != 12:
        return ""
    high = max(range(12), key=lambda month: indices[month])
    low = min(range(12), key=lambda month: indices[month])
    above, below = whole_percent(indices[high] - 1), whole_percent(1 - indices[low])
    if above < 5 and below < 5:
        return "Your spending is about the same in every month of the year."
    return (f"You usually spend most in {MONTHS[high]} ({above}% more than in an average month) and least in "
            f"{MONTHS[low]} ({below}% less).")


def currencies_text(currencies: tuple[CurrencyShown, ...], home: str) -> str:
    if not currencies:
        return ""
    if len(currencies) == 1:
        only = currencies[0]
        return f"All your {only.charges:,} charges were in {only.currency}."
    main, others = currencies[0], currencies[1:]
    rest = and_list([f"{item.currency} ({item.charges:,})" for item in others])
    return (f"Mostly in {main.currency} ({main.charges:,} charges); also {rest}. "
            f"Amounts here are in {home}.")


def patterns_shown(patterns: SpendingPatterns, *, computed_at: dt.datetime,
                   top_merchants: int | None = TOP_MERCHANTS) -> PatternsShown:
    """What the page and the API show of ``patterns``: the page's most frequent spending merchants, or with
    ``top_merchants=None`` every merchant (payers of income too)."""
    currency = patterns.currency
    low = max(patterns.monthly_spending_mean - patterns.monthly_spending_spread, Decimal(0))
    high = patterns.monthly_spending_mean + patterns.monthly_spending_spread
    overview = (f"You usually spend about {money_text(patterns.monthly_spending_mean, currency)} a month; in most "
                f"months it is {money_range_text(low, high, currency)}.")
    months = round(patterns.months)
    history = (f"Learned from {patterns.transactions:,} transaction{'s' if patterns.transactions != 1 else ''} "
               f"between {patterns.history_start:%B %Y} and {patterns.history_end:%B %Y} "
               f"({months} month{'s' if months != 1 else ''}).")
    categories = [category_shown(category, currency) for category in patterns.categories]
    income_kinds = {category.category_id for category in patterns.categories if category.kind == "income"}
    # The page shows where you spend (the payers of your income are in the income card); the API shows all.
    spending_merchants = [merchant for merchant in patterns.merchants if merchant.category_id not in income_kinds]
    chosen = list(patterns.merchants) if top_merchants is None else spending_merchants[:top_merchants]
    currencies = tuple(CurrencyShown(currency=code, charges=count)
                       for code, count in sorted(patterns.currencies.items(), key=lambda item: (-item[1], item[0])))
    indices = patterns.seasonality or ()
    return PatternsShown(
        patterns=patterns, computed_at=computed_at, usual_low=low, usual_high=high, overview=overview,
        history=history,
        spending=tuple(shown for shown in categories if shown.pattern.kind != "income"),
        earning=tuple(shown for shown in categories if shown.pattern.kind == "income"),
        merchants=tuple(merchant_shown(merchant, patterns) for merchant in chosen),
        merchants_total=len(spending_merchants),
        income=income_shown(patterns.income, currency) if patterns.income else None,
        seasonality=seasonality_bars(indices),
        seasonality_text=seasonality_text(indices),
        currencies=currencies, currencies_text=currencies_text(currencies, currency))
