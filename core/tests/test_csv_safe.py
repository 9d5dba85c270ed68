"""A text cell that a spreadsheet would run as a formula is written as text, whatever look-alike starts it."""

from __future__ import annotations

import csv
import io

import pytest

from core.csv_safe import csv_cell, csv_lines

ASCII = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "\tTAB", "\rCR"]
LOOK_ALIKES = [
    "\uff1dHYPERLINK(\"http://evil\")",  # ＝ full-width equals
    "\uff0bSUM(A1)",  # ＋ full-width plus
    "\uff0d2+3",  # － full-width hyphen-minus
    "\uff20cmd",  # ＠ full-width commercial at
    "\ufe66cmd", "\ufe62cmd", "\ufe63cmd", "\ufe6bcmd",  # small forms ﹦ ﹢ ﹣ ﹫
    "\u2212 1+1",  # − minus sign
    "\u2013cmd", "\u2014cmd", "\u2010cmd", "\u2011cmd", "\u2012cmd", "\u2015cmd", "\ufe58cmd",  # dashes
    "\u207a1", "\u208a1", "\u207c1", "\u208c1", "\u207b1", "\u208b1",  # superscript and subscript signs
    "\u2795cmd", "\u2796cmd",  # heavy plus and minus
]
HIDDEN = [
    " =1+1", "   +1", "\u00a0=1", "\u3000\uff1d1", "\ufeff=1", "\u200b@cmd", "\u200e-1", " \u200b \uff0b1", "\n=1",
]
HARMLESS = ["REWE", "Café", "100 EUR", "a=b", "x-y", "", " REWE", "\u200bREWE", "'quoted", "(1)", "#1", "日本"]


@pytest.mark.parametrize("text", ASCII + LOOK_ALIKES + HIDDEN)
def test_formula_starts_are_neutralised_with_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_as_it_is(text):
    assert csv_cell(text) == text


def test_none_is_an_empty_cell():
    assert csv_cell(None) == ""


def test_a_neutralised_cell_reads_back_as_the_same_text_behind_the_quote():
    lines = "".join(csv_lines(["description"], [[csv_cell(text)] for text in LOOK_ALIKES]))
    cells = [row[0] for row in csv.reader(io.StringIO(lines))][1:]
    assert cells == ["'" + text for text in LOOK_ALIKES]
