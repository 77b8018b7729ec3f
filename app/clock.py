"""The one clock of the application: the engine, the services and the worker all read it.

Tests move it with ``clock.freeze(...)``/``clock.advance(...)`` instead of sleeping.
"""
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# The office's time zone, the one of every date a person reads or picks (periods, business hours, documents).
OFFICE_TZ = ZoneInfo(os.environ.get("ATIENDE_TIMEZONE", "America/Mexico_City"))

_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def office_today() -> date:
    """Today in the office's time zone (after 18:00 in Mexico City UTC is already on tomorrow)."""
    return now().astimezone(OFFICE_TZ).date()


def freeze(at: datetime) -> None:
    global _frozen
    _frozen = at.astimezone(UTC)


def advance(delta: timedelta) -> None:
    """Move the clock forward (frozen or not)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)
