"""Procedure compliance through the API."""
from __future__ import annotations

from tests.api.test_lifecycle import close


def test_conformance_and_the_event_log(api, open_complaint):
    complaint = open_complaint()
    complaint.validate(category="lentitud")
    complaint.diagnose("remota")
    complaint.fix_remotely()
    close(complaint)

    report = api.get("/reports/compliance", "analista", query_string={"process": "queja_atencion"}).json
    assert (report["cases"], report["fitting_cases"], report["log_fitness"]) == (1, 1, 1.0)
    assert report["variants"][0]["activities"][:2] == ["Informar diagnóstico en curso", "Diagnóstico"]

    log = api.get("/reports/event-log.csv", "supervisor", query_string={"process": "queja_reparacion"})
    assert log.mimetype == "text/csv" and "Validar reporte" in log.get_data(True)
    xes = api.get("/reports/event-log.xes", "supervisor", query_string={"process": "queja_reparacion"})
    assert xes.mimetype == "application/xml" and b"Validar reporte" in xes.data

    api.get("/reports/compliance", "tecnico1", query_string={"process": "queja_atencion"}, expect=403)
    api.get("/reports/compliance", "analista", query_string={"process": "queja_atencion", "version": "0"},
            expect=422)
