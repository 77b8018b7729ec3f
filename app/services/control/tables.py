"""What a control section hands to the page, the exports and the API: figures, tables and charts of them.

A section is one concept (times, satisfaction, incident rate…); the dashboard lists the sections in order
and a new concept adds its module and one line to ``dashboard.SECTIONS``."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass
class Table:
    key: str  # unique on the dashboard: the export's name
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title,
                "columns": [{"key": c.key, "label": c.label} for c in self.columns], "rows": self.rows}


@dataclass(frozen=True)
class Chart:
    """A chart of one table: ``label`` column along the axis, one series per ``series`` column."""

    table: str
    kind: str  # Chart.js type: bar, line, doughnut
    label: str
    series: tuple[str, ...]


@dataclass
class Section:
    key: str
    title: str
    figures: dict = field(default_factory=dict)  # name -> number (None: nothing to measure)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    labels: dict = field(default_factory=dict)  # figure name -> what the page calls it

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "figures": self.figures,
                "tables": [t.as_dict() for t in self.tables]}

    def chart_specs(self) -> list[dict]:
        """Chart.js configurations (type and data) of the section's charts, for static/js/charts.js."""
        tables = {t.key: t for t in self.tables}
        specs = []
        for chart in self.charts:
            table = tables[chart.table]
            labels = {c.key: c.label for c in table.columns}
            specs.append({"type": chart.kind, "title": table.title, "data": {
                "labels": [str(row[chart.label]) for row in table.rows],
                "datasets": [{"label": labels[key], "data": [row[key] for row in table.rows]}
                             for key in chart.series]}})
        return specs


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None
