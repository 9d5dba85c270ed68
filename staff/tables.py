"""A figure on a staff page: a table, the chart drawn from the same numbers, and its CSV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Series:
    label: str
    values: Sequence[Any]
    kind: str = ""  # "line" over bars; empty: the chart's type


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
                "series": [{"label": s.label, "values": s.values, "kind": s.kind} for s in self.series]}

    @property
    def chart_id(self) -> str:
        return f"{self.key}-data"

    @property
    def labelled_rows(self) -> list[tuple[Any, list[tuple[str, Any]]]]:
        """Each row as its name and (column, value) pairs: narrow screens show the column beside each value."""
        return [(row[0], list(zip(self.columns[1:], row[1:], strict=True))) for row in self.rows]

    def csv(self) -> tuple[list[str], Sequence[Sequence[Any]]]:
        return (self.csv_columns or self.columns), (self.csv_rows if self.csv_rows is not None else self.rows)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"
