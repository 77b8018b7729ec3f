"""Scheduling the on-site visit: the field team's calendar refuses past dates, holidays and closed hours
(the same check for the API, staff pages and the customer area: the form validation), and the technician
reads the service address."""
from datetime import date

import pytest

from tests.visit_dates import next_holiday_on_a_weekday, working_day

ADDRESS = "Av. Juárez 120, int. 4, Col. Centro, Puebla"


@pytest.fixture
def needs_visit(open_complaint):
    complaint = open_complaint(customer_number="C-1002", description="El módem no enciende",
                               service_address=ADDRESS)
    complaint.validate(category="equipo")
    complaint.diagnose("visita")
    return complaint


def refused(complaint, **data) -> dict:
    body = complaint.schedule_visit(**data, expect=422).json
    assert complaint.open_titles() == ["Coordinar visita"]  # nothing moved, nothing was mailed
    assert complaint.status != "visit_scheduled"
    return body["errors"]


def test_a_date_in_the_past_is_refused(needs_visit):
    errors = refused(needs_visit, date="2020-01-01")
    assert errors == {"visit_date": ["La fecha de la visita 01/01/2020 ya pasó: elija una fecha posterior."]}


def test_an_official_holiday_is_refused(needs_visit):
    holiday = next_holiday_on_a_weekday(date.fromisoformat(working_day()))
    errors = refused(needs_visit, date=holiday.isoformat())
    assert list(errors) == ["visit_date"]
    assert errors["visit_date"][0].startswith(f"El {holiday:%d/%m/%Y} es día festivo (")
    assert "la cuadrilla de campo no hace visitas ese día" in errors["visit_date"][0]


def test_a_window_outside_the_field_teams_hours_is_refused(needs_visit):
    weekday = date.fromisoformat(working_day())
    saturday = weekday.fromordinal(weekday.toordinal() + (5 - weekday.weekday()) % 7)
    errors = refused(needs_visit, date=saturday.isoformat(), window="13:00-17:00")
    assert errors == {"visit_window": [f"La cuadrilla de campo no trabaja el {saturday:%d/%m/%Y} de 13:00 a 17:00: "
                                       "elija otro horario u otra fecha."]}


def free_slots(api, complaint) -> dict[tuple[str, str], int]:
    task = api.ready_task("agente", complaint.number, "Coordinar visita")
    detail = api.get(f"/tasks/{task['id']}", "agente").json
    return {(slot["date"], slot["window"]): slot["free"] for slot in detail["visit_slots"]}


def test_the_agent_reads_the_field_teams_free_slots(api, needs_visit, open_complaint):
    offered = free_slots(api, needs_visit)
    assert offered[(working_day(), "09:00-13:00")] == 3  # the capacity of processes/visits/agendas.json
    needs_visit.schedule_visit(date=working_day(), window="09:00-13:00")
    other = open_complaint(customer_number="C-1003", description="El módem no enciende")
    other.validate(category="equipo")
    other.diagnose("visita")
    assert free_slots(api, other)[(working_day(), "09:00-13:00")] == 2


def test_a_working_day_is_accepted_and_the_technician_reads_the_address(api, needs_visit):
    needs_visit.schedule_visit(date=working_day(), window="17:00-20:00")
    assert needs_visit.status == "visit_scheduled"
    onsite = api.ready_task(needs_visit.technician, needs_visit.number, "Visita in situ")
    assert f"Domicilio del servicio: {ADDRESS}" in onsite["instructions"]


def test_the_visit_goes_to_the_field_team(api, open_complaint):
    complaint = open_complaint(service_address=ADDRESS)
    complaint.validate(category="lentitud")
    remote = complaint.technician
    assert complaint.ticket["team"]["code"] == "soporte_n1"
    complaint.diagnose("visita")
    complaint.schedule_visit()
    assert [t["title"] for t in api.tasks(remote, ticket=complaint.number)] == []
    onsite = api.ready_task("campo1", complaint.number, "Visita in situ")
    assert onsite["assignee"] is None  # any field technician takes it
    complaint.visit("campo1")
    assert "Pruebas de funcionalidad" in complaint.open_titles()
