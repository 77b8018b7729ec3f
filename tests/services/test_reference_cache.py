"""Kinds, statuses, calendars and pause statuses are kept across transactions (app/models/reference.py): an
edit counts from the next transaction, whether this process or another one made it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text, update

from app.businesstime import calendar as calendars
from app.businesstime import ticket_clock
from app.extensions import db
from app.models import CalendarDayOff, CaseStatus, ReferenceVersion, SlaPauseStatus
from tests.kinds_fixtures import restore_case_data  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("restore_case_data")


def _other_process(statement: str, **params) -> None:
    """An edit made on another connection, as another process would (with its stamp)."""
    with db.engine.begin() as connection:
        connection.execute(text(statement), params)
        connection.execute(update(ReferenceVersion.__table__).values(version=ReferenceVersion.version + 1))


def test_another_process_edit_counts_from_the_next_transaction():
    assert CaseStatus.info("complaint", "received").label == "Recibida"
    db.session.commit()
    _other_process("UPDATE case_status SET label = :label WHERE kind_code = 'complaint' AND code = 'received'",
                   label="Registrada")
    assert CaseStatus.info("complaint", "received").label == "Registrada"


def test_an_orm_edit_is_read_back_in_its_own_transaction_and_after_it():
    assert CaseStatus.info("complaint", "received").customer_label != "Ya la tenemos"
    db.session.commit()
    CaseStatus.of("complaint", "received").customer_label = "Ya la tenemos"
    db.session.flush()
    assert CaseStatus.info("complaint", "received").customer_label == "Ya la tenemos"
    db.session.rollback()
    assert CaseStatus.info("complaint", "received").customer_label != "Ya la tenemos"  # rolled back: not kept
    CaseStatus.of("complaint", "received").customer_label = "Ya la tenemos"
    db.session.commit()
    assert CaseStatus.info("complaint", "received").customer_label == "Ya la tenemos"


def test_statements_run_through_the_session_count_too():
    assert "waiting_customer" in ticket_clock.pausing_statuses()
    db.session.commit()
    db.session.execute(SlaPauseStatus.__table__.delete().where(SlaPauseStatus.status_code == "waiting_customer"))
    db.session.commit()
    try:
        assert "waiting_customer" not in ticket_clock.pausing_statuses()
    finally:
        db.session.add(SlaPauseStatus(status_code="waiting_customer"))
        db.session.commit()
    assert "waiting_customer" in ticket_clock.pausing_statuses()


def test_a_day_off_counts_from_the_next_transaction():
    days_off = calendars.load("horario_comercial").days_off
    db.session.commit()
    calendar_id = db.session.scalar(text("SELECT id FROM business_calendar WHERE code = 'horario_comercial'"))
    db.session.add(CalendarDayOff(calendar_id=calendar_id, day=date(2031, 5, 2)))
    db.session.commit()
    assert calendars.load("horario_comercial").days_off == days_off | {date(2031, 5, 2)}
