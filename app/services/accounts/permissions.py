"""Who may see and work which task: lanes map to roles (``LANE_ROLES``), teams narrow technicians."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import exists, false, or_, true

from app.models import HumanTask, Team, Ticket, User

CUSTOMER_ROLE = "customer"
# Lanes a supervisor works besides her teams' tasks: her own and the contact center's (she takes calls too).
SUPERVISED_ROLES = ("supervisor", "agent")


def lane_role(lane: str | None) -> str | None:
    return current_app.config["LANE_ROLES"].get(lane or "")


def may_work(user: User, task: HumanTask) -> bool:
    """May ``user`` complete ``task`` (a customer-lane task only on the customer's behalf)."""
    if "admin" in user.roles:
        return True
    role = lane_role(task.lane)
    if role == CUSTOMER_ROLE:
        return any(r in user.roles for r in current_app.config["ON_BEHALF_ROLES"])
    if role == "technician" and "technician" in user.roles:
        return task.assignee_id == user.id or (task.candidate_team in user.team_codes)
    if "supervisor" in user.roles and (task.candidate_team in user.team_codes or role in SUPERVISED_ROLES):
        return True
    return role is not None and role in user.roles and role != "technician"


def visible_filter(user: User):
    """SQL condition on ``HumanTask`` for the tasks ``user`` may see (mirrors ``may_work``, except that a
    supervisor sees every lane's tasks, also those she may only reassign)."""
    if "admin" in user.roles or "supervisor" in user.roles:  # a supervisor oversees every lane
        return true()
    lanes_by_role: dict[str, list[str]] = {}
    for lane, role in current_app.config["LANE_ROLES"].items():
        lanes_by_role.setdefault(role, []).append(lane)
    clauses = [false()]
    for role in user.roles:
        if role in ("technician",):
            clauses.append(HumanTask.lane.in_(lanes_by_role.get(role, [])) & or_(
                HumanTask.assignee_id == user.id, HumanTask.candidate_team.in_(user.team_codes)))
        else:
            clauses.append(HumanTask.lane.in_(lanes_by_role.get(role, [])))
    return or_(*clauses)


def scope_filter(user: User, scope: str):
    """The task list's tabs: "mine" (held by me), "team" (nobody holds it, I may take it), "all" I may see."""
    if scope == "mine":
        return HumanTask.assignee_id == user.id
    if scope == "team":
        return HumanTask.assignee_id.is_(None) & visible_filter(user)
    return visible_filter(user)


def may_reassign(user: User) -> bool:
    return user.has_role("supervisor")


def may_take_calls(user: User) -> bool:
    """Contact-center work: phone and social-media intake; opening a complaint (intake page and API)."""
    return user.has_role("agent", "supervisor")


def may_manage_processes(user: User) -> bool:
    """See the deployed process versions and deploy new ones."""
    return user.has_role("analyst")


def may_review_inbound_mail(user: User) -> bool:
    """The inbound mail that intake ignored, held or could not process, and any raw mail."""
    return user.has_role("supervisor", "admin")


def may_see_ticket(user: User, ticket, has_visible_task: Callable[[], bool]) -> bool:
    """Contact center and supervisors see every ticket; a technician his team's, his own, or one with a task
    he may see (``has_visible_task``, asked last: a query, which the roles above mostly make needless); a
    process analyst the test tickets."""
    if user.has_role("agent", "supervisor"):
        return True
    if ticket.is_test and "analyst" in user.roles:  # he opened it to try a process version
        return True
    if "technician" in user.roles and (
            ticket.assignee_id == user.id or (ticket.team is not None and ticket.team.code in user.team_codes)):
        return True
    return has_visible_task()


def ticket_visible_filter(user: User):
    """SQL condition on ``Ticket`` for the tickets ``user`` may see (mirrors ``may_see_ticket``: contact center
    and supervisors every ticket, a technician his team's and his own, an analyst the test tickets, anyone a
    ticket with a task he may see)."""
    if user.has_role("agent", "supervisor"):
        return true()
    has_visible_task = exists().where(HumanTask.ticket_id == Ticket.id, visible_filter(user))
    if "analyst" in user.roles:
        has_visible_task = or_(Ticket.is_test, has_visible_task)
    if "technician" in user.roles:
        return or_(Ticket.assignee_id == user.id, Ticket.team.has(Team.code.in_(user.team_codes)), has_visible_task)
    return has_visible_task
