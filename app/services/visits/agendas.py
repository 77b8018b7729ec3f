"""The field teams' agendas as data (``processes/visits/agendas.json``): which business calendar a team
visits on, its time windows with the seats (visits at once) each one has, how far ahead a customer may book,
how much notice the team needs and how many times she may move her appointment herself.

An analyst changes a team's windows or capacity in the file; the next slot list reads it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

AGENDAS_FILE = Path("visits") / "agendas.json"


@dataclass(frozen=True)
class Agenda:
    team: str
    calendar: str
    days_ahead: int
    notice_hours: int  # the field team's time to plan: a slot starting sooner is not offered
    reschedules_allowed: int
    capacity: dict[str, int]  # window "HH:MM-HH:MM" -> seats, in the order the customer reads them


def for_team(team: str) -> Agenda | None:
    """The agenda of ``team``; none when the team does not visit customers by appointment."""
    return _agendas().get(team)


def _agendas() -> dict[str, Agenda]:
    path = Path(current_app.config["PROCESSES_DIR"]) / AGENDAS_FILE
    rows = json.loads(path.read_text(encoding="utf-8"))["agendas"]
    return {row["team"]: Agenda(team=row["team"], calendar=row["calendar"], days_ahead=int(row["days_ahead"]),
                                notice_hours=int(row.get("notice_hours", 0)),
                                reschedules_allowed=int(row["reschedules_allowed"]),
                                capacity={w["window"]: int(w["capacity"]) for w in row["windows"]})
            for row in rows}
