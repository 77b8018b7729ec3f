"""The procedure compliance page and its event-log downloads."""
from __future__ import annotations

from tests.api.conftest import api, open_complaint  # noqa: F401 - fixtures
from tests.api.test_lifecycle import close


def test_a_supervisor_checks_a_version_and_downloads_the_log(app, staff, open_complaint):  # noqa: F811
    complaint = open_complaint()
    complaint.validate(category="lentitud")
    complaint.diagnose("remota")
    complaint.fix_remotely()
    close(complaint)
    supervisor = staff("supervisor")

    page = supervisor.get("/staff/compliance?process=queja_atencion").get_data(True)
    assert "Instancias completadas" in page and "1 (100.0 %)" in page
    assert "Todas las instancias siguieron el diagrama." in page

    log = supervisor.get("/staff/compliance/log.csv?process=queja_atencion").get_data(True)
    assert log.splitlines()[0].startswith("case:concept:name,concept:name,time:timestamp,org:resource")
    assert complaint.number in log and "Diagnóstico" in log
    xes = supervisor.get("/staff/compliance/log.xes").data
    assert b"http://www.xes-standard.org/" in xes and complaint.number.encode() in xes


def test_the_page_explains_bad_filters_and_is_closed_to_technicians(app, staff):
    page = staff("analista").get("/staff/compliance?process=queja_atencion&version=x&date_from=ayer").get_data(True)
    assert "Valor no permitido." in page and "Indique una fecha." in page
    staff("tecnico1").get("/staff/compliance", expect=403)
    staff("supervisor").get("/staff/compliance?process=no_existe", expect=404)
