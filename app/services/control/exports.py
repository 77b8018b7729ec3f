"""Any dashboard table as CSV or XLSX (openpyxl), with the filter that produced it written above the rows."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from app.i18n import _
from app.services.control.filters import ControlFilter
from app.services.control.tables import Table

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def safe_cell(value):
    """A spreadsheet never runs a cell as a formula: comments and names are anyone's text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return "" if value is None else value


def render(table: Table, flt: ControlFilter, fmt: str) -> bytes:
    lines = [[_("Period"), flt.start.isoformat(), flt.end.isoformat()],
             *[[label, value] for label, value in flt.described()], [],
             [column.label for column in table.columns],
             *[[row.get(column.key) for column in table.columns] for row in table.rows]]
    lines = [[safe_cell(value) for value in line] for line in lines]
    return _csv(lines) if fmt == "csv" else _xlsx(table.title, lines)


def filename(table: Table, flt: ControlFilter, fmt: str) -> str:
    return f"{table.key}_{flt.start.isoformat()}_{flt.end.isoformat()}.{fmt}"


def _csv(lines: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells spreadsheets it is UTF-8 (accents)


def _xlsx(title: str, lines: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return "".join(" " if c in "[]:*?/\\" else c for c in title)[:31] or "Datos"
