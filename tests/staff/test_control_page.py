"""The control dashboard page: the hand-worked month's figures, its tables exported as CSV and XLSX with the
filter applied, and only for supervisors (data set: tests/services/control/test_control_figures.py)."""
from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook

NOVEMBER = "from=2026-11-01&to=2026-11-30"


def test_the_page_shows_every_section_with_charts_and_tables(staff, november):
    page = staff("supervisor").get(f"/staff/control?{NOVEMBER}").get_data(True)
    for title in ("Casos del periodo", "Pendientes abiertos", "Cumplimiento del SLA",
                  "Incidencias por cada 1,000 clientes activos", "Satisfacción de los clientes"):
        assert title in page
    charts = [json.loads(c.replace("&#39;", "'")) for c in re.findall(r"data-chart='([^']*)'", page)]
    csat = next(c for c in charts if c["title"] == "Calificaciones de la encuesta")
    assert csat["type"] == "bar" and csat["data"]["labels"] == ["1", "2", "3", "4", "5"]
    assert csat["data"]["datasets"][0]["data"] == [0, 1, 0, 1, 1]
    assert "Tardaron mucho" in page and "/staff/vendor/chart.umd.min.js" in page


def test_a_table_exports_as_csv_and_xlsx_with_the_filter(staff, november):
    supervisor = staff("supervisor")
    response = supervisor.get(f"/staff/control/breaches.csv?{NOVEMBER}&kind=incident")
    assert response.headers["Content-Disposition"] == 'attachment; filename="breaches_2026-11-01_2026-11-30.csv"'
    lines = list(csv.reader(io.StringIO(response.get_data(True).lstrip("\ufeff"))))
    assert lines[0] == ["Periodo", "2026-11-01", "2026-11-30"] and lines[1] == ["Tipo", "incident"]
    assert [line[0] for line in lines[4:]] == ["T3", "T4"]
    book = load_workbook(io.BytesIO(supervisor.get(f"/staff/control/csat_by_team.xlsx?{NOVEMBER}").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2:] == [("Equipo", "Encuestas", "Calificación media"), (rows[3][0], 2, 3.5), (rows[4][0], 1, 4)]


def test_only_supervisors_and_a_wrong_filter_is_explained(staff, november):
    staff("tecnico1").get("/staff/control", expect=403)
    staff("tecnico1").get("/staff/control/breaches.csv", expect=403)
    supervisor = staff("supervisor")
    supervisor.get("/staff/control/nothing.csv", expect=404)
    supervisor.get("/staff/control/breaches.pdf", expect=404)
    page = supervisor.get("/staff/control?from=2026-11-30&to=2026-11-01&priority=urgente").get_data(True)
    assert "Valor no permitido." in page


def test_the_report_of_the_period_prints_as_pdf(staff, november):
    page = staff("supervisor").get(f"/staff/control?{NOVEMBER}").get_data(True)
    assert f"/staff/control/report.pdf?{NOVEMBER.replace('&', '&amp;')}" in page
    pdf = staff("supervisor").get(f"/staff/control/report.pdf?{NOVEMBER}&kind=incident")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert 'filename="informe-control-2026-11-01-2026-11-30.pdf"' in pdf.headers["Content-Disposition"]
    staff("tecnico1").get(f"/staff/control/report.pdf?{NOVEMBER}", expect=403)
