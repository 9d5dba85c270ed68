"""The grounding check: a number or date a model writes must be among that turn's sources, whatever the format."""

from __future__ import annotations

import json

import pytest

from advisor.grounding import ungrounded_numbers

RESULT = json.dumps({
    "tool": "spending_breakdown", "arguments": {"period": "this_month"}, "available": True, "note": "",
    "computed_at": "2026-12-05T02:00",
    "facts": [
        {"label": "All spending, December 2026 so far", "value": "EUR 1,187.40", "period": "2026-12-01..2026-12-06"},
        {"label": "Groceries's share of all spending", "value": "31.5%", "period": "2026-12-01..2026-12-06"},
        {"label": "Holiday: reached at this pace", "value": "15 Mar 2027"},
        {"label": "Change in spending", "value": "EUR -250.00", "period": "2026-12"},
        {"label": "Holiday: target", "value": "EUR 12,345.00"},
        {"label": "Balance that day, low end (1 in 10 chance of less)", "value": "EUR 2,000.00"},
        {"label": "Lowest balance", "value": "EUR 980.00", "period": "2027-01-03"},
    ]}, ensure_ascii=False)
SOURCES = [RESULT, "How much did I spend this month?"]

GROUNDED = [
    "You spent EUR 1,187.40 so far in December 2026.",
    "You spent 1.187,40 € so far.",
    "You spent 1 187,40 €.",
    "You spent €1187.4.",
    # Whole units, up or down.
    "You spent EUR 1,187.",
    "You spent EUR 1,188.",
    # To the nearest ten or hundred, keeping two significant figures, only when hedged.
    "You spent about EUR 1,200.",
    "You spent roughly 1,190 euros.",
    "You spent ~1.2k.",
    "You spent around EUR 12,300, or about 12,000.",
    # Trailing zeros and percents.
    "The low end is EUR 2,000 (EUR 2000.00).",
    "Groceries were 31.5% of it, 31.5 percent; call it 32%.",
    # Signs are the words' job.
    "Spending fell by EUR 250.",
    "The change was minus EUR 250 (-250.00), shown as (250.00).",
    "The target is EUR 12,345 (12.345 €).",
    # Dates in other words and formats.
    "At this pace you reach it by 15 March 2027.",
    "At this pace you reach it by March 15th, 2027.",
    "At this pace you reach it on 15/03/2027 or 03/15/2027.",
    "At this pace you reach it in March 2027, on the 15th.",
    "You reach it in 2027, on 15 Mar.",
    "This covers 1–6 December 2026, and your balance is lowest on 3 January 2027.",
    "This covers 2026-12-01 to 2026-12-06.",
    # Counting words.
    "Over the next 3 months, your top 5 categories, a 1 in 10 chance; 12 weeks.",
    "Today, 6 December 2026, you have spent EUR 1,187.40.",
    # A worked-out time, as the tool gave it.
    "These figures were worked out on 5 Dec 2026 at 02:00.",
]

UNGROUNDED = [
    ("You spent EUR 1,190.", ["1,190"]),
    ("You spent EUR 1,200.", ["1,200"]),
    ("You spent about EUR 1,100.", ["1,100"]),
    ("You spent about EUR 1,000.", ["1,000"]),
    ("You spent EUR 999.99 and 12.5% on groceries.", ["999.99", "12.5%"]),
    ("Groceries were 33% of it.", ["33%"]),
    ("You spent EUR 1,187.40, that is EUR 100 more than usual.", ["100"]),
    ("You will reach it on 16 March 2027.", ["16 March 2027"]),
    ("You will reach it in April 2027.", ["April 2027"]),
    ("You will reach it in 2028.", ["2028"]),
    ("On the 16th you will be short.", ["16"]),
    ("This covers 1-7 December 2026.", ["1-7 December 2026"]),
    ("Over 13 weeks you spend EUR 5 a day, 5% more.", ["13", "5", "5%"]),
    ("You spent EUR 1,234.56 and EUR 1,234.56 again.", ["1,234.56"]),
    ("These figures were worked out on 5 Dec 2026 at 03:00.", ["03:00"]),
]


@pytest.mark.parametrize("answer", GROUNDED)
def test_the_figures_of_the_sources_in_any_format_are_grounded(answer):
    sources = [*SOURCES, "Today is 2026-12-06."]
    assert ungrounded_numbers(answer, sources) == []


@pytest.mark.parametrize(("answer", "expected"), UNGROUNDED)
def test_figures_not_in_the_sources_are_returned_as_written_once_each(answer, expected):
    assert ungrounded_numbers(answer, SOURCES) == expected


def test_an_answer_without_tool_results_has_only_the_question_to_stand_on():
    question = "Can I afford 500 on 20 December?"

    assert ungrounded_numbers("Yes, EUR 500 on 20 December is fine.", [question]) == []
    assert ungrounded_numbers("Yes: your balance then is EUR 2,340.00.", [question]) == ["2,340.00"]


def test_a_german_question_grounds_an_english_answer():
    assert ungrounded_numbers("EUR 1,500.00 is within your budget.", ["Kann ich mir 1.500,00 € leisten?"]) == []


def test_an_answer_without_numbers_needs_no_source():
    assert ungrounded_numbers("I don't have that figure yet.", []) == []
