"""The control dashboard (supervisors): every section for one filter, in page order. A new concept (costs,
procedure compliance…) adds its module and its builder to ``SECTIONS``; the page, the exports and the API
follow without changes."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app import clock
from app.errors import Forbidden, NotFound
from app.i18n import _
from app.models import User
from app.services.control import incident_rate, metrics, satisfaction, times
from app.services.control.filters import ControlFilter
from app.services.control.tables import Section, Table

# key -> builder(filter, now) -> Section
SECTIONS: dict[str, Callable[..., Section]] = {
    "volume": metrics.volume,
    "backlog": metrics.backlog,
    "times": times.durations,
    "sla": times.compliance,
    "incident_rate": incident_rate.incident_rate,
    "satisfaction": satisfaction.satisfaction,
}
# What a builder lists only partly on the page (its export has every row): section -> keyword for "all".
UNBOUNDED = {"sla": {"breaches_limit": None}, "satisfaction": {"comments_limit": None}}
# The tables each section builds (tests/services/control/test_control_figures.py holds them to it): an export
# builds only the section of its table, not the whole dashboard before it.
TABLES = {"volume": ("by_category", "by_priority", "by_channel", "escalations"), "backlog": ("backlog",),
          "times": ("response_times", "resolution_times"), "sla": ("sla", "breaches"),
          "incident_rate": ("incident_rate", "incident_rate_service", "incident_rate_zone"),
          "satisfaction": ("csat", "csat_by_team", "csat_by_category", "comments")}


def require_supervisor(actor: User) -> None:
    if not actor.has_role("supervisor"):
        raise Forbidden(_("Only supervisors may read the control figures."))


def dashboard(flt: ControlFilter, actor: User, *, only: str | None = None,
              now: datetime | None = None) -> list[Section]:
    """The sections for ``flt`` (or just ``only``), computed at ``now``."""
    require_supervisor(actor)
    now = now or clock.now()
    if only is not None and only not in SECTIONS:
        raise NotFound(_("There is no such section."))
    return [build(flt, now) for key, build in SECTIONS.items() if only in (None, key)]


def table(flt: ControlFilter, key: str, actor: User, *, now: datetime | None = None) -> Table:
    """One table of the dashboard with every row (for the exports)."""
    require_supervisor(actor)
    now = now or clock.now()
    section_key = next((section for section, tables in TABLES.items() if key in tables), None)
    if section_key is None:
        raise NotFound(_("There is no such table."))
    section = SECTIONS[section_key](flt, now, **UNBOUNDED.get(section_key, {}))
    return next(found for found in section.tables if found.key == key)
