"""Who may see and work which task: lanes map to roles (``LANE_ROLES``), teams narrow technicians."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import false, or_, true

from app.models import HumanTask, User

CUSTOMER_ROLE = "customer"


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
    if "supervisor" in user.roles and (task.candidate_team in user.team_codes or role == "supervisor"):
        return True
    return role is not None and role in user.roles and role != "technician"


def visible_filter(user: User):
    """SQL condition on ``HumanTask`` for the tasks ``user`` may see (mirrors ``may_work``)."""
    if "admin" in user.roles:
        return true()
    lanes_by_role: dict[str, list[str]] = {}
    for lane, role in current_app.config["LANE_ROLES"].items():
        lanes_by_role.setdefault(role, []).append(lane)
    clauses = [false()]
    for role in user.roles:
        if role in ("technician",):
            clauses.append(HumanTask.lane.in_(lanes_by_role.get(role, [])) & or_(
                HumanTask.assignee_id == user.id, HumanTask.candidate_team.in_(user.team_codes)))
        elif role == "supervisor":
            clauses.append(HumanTask.lane.in_(lanes_by_role.get("supervisor", [])))
            clauses.append(HumanTask.candidate_team.in_(user.team_codes))
            if CUSTOMER_ROLE in lanes_by_role and "supervisor" in current_app.config["ON_BEHALF_ROLES"]:
                clauses.append(HumanTask.lane.in_(lanes_by_role[CUSTOMER_ROLE]))
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


def may_see_ticket(user: User, ticket, task_lanes: list[str]) -> bool:
    """Contact center and supervisors see every ticket; a technician his team's, his own, or one with a task
    he may see (``task_lanes``: lanes of the ticket's tasks visible to him)."""
    if user.has_role("agent", "supervisor"):
        return True
    if "technician" in user.roles and (
            ticket.assignee_id == user.id or (ticket.team is not None and ticket.team.code in user.team_codes)):
        return True
    return bool(task_lanes)
