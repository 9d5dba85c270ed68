"""A figure on a staff page: a table, the chart drawn from the same numbers, and its CSV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass
class Series:
    label: str
    values: Sequence[Any]
    kind: str = ""  # "line" over bars; empty: the chart's type
    colour: str = ""  # one of COLOURS' names; empty: the next of the palette


@dataclass
class Table:
    key: str  # in the CSV link and the file name
    title: str
    definition: str  # what the figures count, in words
    columns: list[str]
    rows: list[list[Any]]  # shown: the first cell names the row
    csv_columns: list[str] = field(default_factory=list)  # the CSV's, when not the shown ones
    csv_rows: Sequence[Sequence[Any]] | None = None
    chart_type: str = "bar"  # bar, line, hbar; "" for a table alone
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    stacked: bool = False
    percent: bool = False  # the values are percentages
    empty: str = "Nothing in this range."
    open: bool = False  # the table unfolded

    @property
    def chart(self) -> dict[str, Any] | None:
        if not self.chart_type or not self.rows:
            return None
        return {"type": self.chart_type, "labels": self.labels, "stacked": self.stacked, "percent": self.percent,
                "series": [{"label": s.label, "values": s.values, "kind": s.kind, "colour": s.colour}
                           for s in self.series]}

    @property
    def chart_id(self) -> str:
        return f"{self.key}-data"

    @property
    def body_html(self) -> SafeString:
        """The table's rows, each cell labelled with its column for narrow screens. Built here rather than by
        the template language: a year of days in several tables is thousands of cells."""
        labels = [escape(column) for column in self.columns[1:]]
        return mark_safe("".join(  # noqa: S308 - every text is escaped here; numbers need no escaping
            '<tr><th scope="row" class="py-2 pr-4 font-normal text-slate-700">' + _html(row[0]) + "</th>"
            + "".join(f'<td data-label="{label}" class="py-2 pr-4 text-right tabular-nums">{_html(value)}</td>'
                      for label, value in zip(labels, row[1:], strict=True))
            + "</tr>" for row in self.rows))

    def csv(self) -> tuple[list[str], Sequence[Sequence[Any]]]:
        return (self.csv_columns or self.columns), (self.csv_rows if self.csv_rows is not None else self.rows)


def _html(value: Any) -> str:
    return str(value) if type(value) is int else escape(value)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"
