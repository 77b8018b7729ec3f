"""A user's team codes are read once per object and kept across commits, until his teams change."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Team
from tests.conftest import user
from tests.statements import statements_while


def reads_of_teams(call) -> int:
    return sum("team_member" in statement for statement in statements_while(call))


def test_team_codes_survive_a_commit_and_follow_a_change_of_teams(app):
    technician = user("tecnico1")
    assert technician.team_codes == ["soporte_n1"]
    db.session.commit()  # expires the user and his teams
    assert reads_of_teams(lambda: technician.team_codes) == 0

    campo = db.session.scalar(select(Team).where(Team.code == "campo"))
    technician.teams = [campo]
    assert technician.team_codes == ["campo"]
    campo_redes = db.session.scalar(select(Team).where(Team.code == "redes"))
    campo_redes.members.append(technician)  # from the team's side
    assert sorted(technician.team_codes) == ["campo", "redes"]
    db.session.rollback()
    assert technician.team_codes == ["soporte_n1"]
