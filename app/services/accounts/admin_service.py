"""Users and teams, managed by an administrator. Every function checks that the actor is one; every change
validates field by field and commits on its own.

Deactivating a user or resetting his password ends his staff sessions and revokes his API tokens, so a
browser or a script that still holds them is refused at its next request. An administrator may neither
deactivate himself nor take away his own administrator role: there is always one left to undo a mistake.
A team's code is what the processes name (``candidateTeam``, the assignment DMN), so it never changes;
renaming changes its name only. Every change is on the audit trail with what it changed."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import after_commit, db
from app.i18n import _
from app.models import ROLES, ApiToken, HumanTask, Team, User, team_members
from app.services.accounts import auth_service, browser_session
from app.services.accounts.browser_session import STAFF
from app.services.control import audit_service
from app.services.transaction import transaction

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_TEAM_CODE = re.compile(r"^[a-z0-9_]{1,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class UserDetails:
    """What an administrator may change about a staff member."""

    full_name: str = ""
    email: str = ""
    roles: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)  # team codes
    active: bool = True


@dataclass
class NewUser(UserDetails):
    """A new staff member: his details, the name he signs in with and his first password."""

    username: str = ""
    password: str = ""
    password_confirm: str = ""


@dataclass
class UserPage:
    """The user form: the user (None while creating one), the teams and roles to choose from, the values."""

    user: User | None
    teams: list[Team]
    roles: tuple[str, ...]
    details: UserDetails
    open_tasks: int = 0  # tasks he holds (they stay his when he is deactivated: a supervisor reassigns them)


@dataclass
class TeamRow:
    team: Team
    members: int


@dataclass
class TeamPage:
    team: Team
    members: list[User]
    candidates: list[User]  # active staff who are not members yet


# Users

def user_list(text: str, actor: User) -> list[User]:
    """Every staff member, or those whose username, name or e-mail contains ``text``."""
    _require_admin(actor)
    query = select(User).options(selectinload(User.teams)).order_by(User.username)
    text = (text or "").strip().lower()
    if text:
        pattern = f"%{text}%"
        query = query.where(or_(func.lower(User.username).like(pattern), func.lower(User.full_name).like(pattern),
                                func.lower(User.email).like(pattern)))
    return list(db.session.scalars(query))


def new_user_page(actor: User) -> UserPage:
    _require_admin(actor)
    return UserPage(user=None, teams=_all_teams(), roles=ROLES, details=NewUser())


def user_page(user_id: int, actor: User) -> UserPage:
    _require_admin(actor)
    user = _get_user(user_id)
    open_tasks = db.session.scalar(select(func.count()).select_from(HumanTask)
                                   .where(HumanTask.assignee_id == user.id, HumanTask.status == "ready"))
    details = UserDetails(full_name=user.full_name, email=user.email, roles=list(user.roles),
                          teams=user.team_codes, active=user.active)
    return UserPage(user=user, teams=_all_teams(), roles=ROLES, details=details, open_tasks=open_tasks or 0)


def create_user(new: NewUser, actor: User) -> User:
    """Validate the form (each message next to its field) and create the staff member, active."""
    _require_admin(actor)
    username = new.username.strip()
    errors = _detail_errors(new)
    if not username:
        _add(errors, "username", _("This field is required."))
    elif not _USERNAME.match(username):
        _add(errors, "username", _("From 2 to 80 characters: lowercase letters without accents, digits, dots, "
                                   "hyphens or underscores, starting with a letter or a digit."))
    elif _username_taken(username):
        _add(errors, "username", _("This username is already taken."))
    _password_errors(errors, new.password, new.password_confirm)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    try:
        with transaction():
            user = User(username=username, full_name=new.full_name.strip(), email=new.email.strip(),
                        roles=_ordered_roles(new.roles), teams=_teams(new.teams), active=True)
            user.set_password(new.password)
            db.session.add(user)
            audit_service.record("user_created", actor, username, audit_service.diff({}, _snapshot(user)))
    except IntegrityError:  # created by someone else between the check and the commit
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"username": [_("This username is already taken.")]}) from None
    return user


def update_user(user_id: int, details: UserDetails, actor: User) -> User:
    """Change a staff member's name, e-mail, roles, teams and whether he may sign in. Deactivating him
    ends his sessions and revokes his API tokens."""
    _require_admin(actor)
    user = _get_user(user_id)
    errors = _detail_errors(details)
    if user.id == actor.id:
        if not details.active:
            _add(errors, "active", _("You cannot deactivate your own account."))
        if "admin" not in details.roles:
            _add(errors, "roles", _("You cannot remove your own administrator role."))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        before = _snapshot(user)
        deactivated = user.active and not details.active
        user.full_name, user.email = details.full_name.strip(), details.email.strip()
        user.roles = _ordered_roles(details.roles)
        user.teams = _teams(details.teams)
        user.active = details.active
        after_commit("forget_tokens", auth_service.forget_tokens)  # API requests see his new roles at once
        if deactivated:
            _end_sessions(user)
        changes = audit_service.diff(before, _snapshot(user))
        if changes:
            audit_service.record("user_changed", actor, user.username, changes)
    return user


def reset_password(user_id: int, password: str, confirm: str, actor: User) -> User:
    """Give a staff member a new password; his sessions end and his API tokens stop working."""
    _require_admin(actor)
    user = _get_user(user_id)
    errors: dict[str, list[str]] = {}
    _password_errors(errors, password, confirm)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        user.set_password(password)
        _end_sessions(user)
        audit_service.record("password_reset", actor, user.username)
    return user


# Teams

def team_list(actor: User) -> list[TeamRow]:
    """Every team with how many members it has."""
    _require_admin(actor)
    counts = (select(team_members.c.team_id, func.count().label("n")).group_by(team_members.c.team_id)
              .subquery())
    rows = db.session.execute(select(Team, func.coalesce(counts.c.n, 0))
                              .outerjoin(counts, counts.c.team_id == Team.id).order_by(Team.name))
    return [TeamRow(team=team, members=n) for team, n in rows]


def team_page(team_id: int, actor: User) -> TeamPage:
    _require_admin(actor)
    team = _get_team(team_id)
    members = sorted(team.members, key=lambda u: u.full_name.lower())
    query = select(User).where(User.active).order_by(User.full_name)
    if members:
        query = query.where(User.id.not_in([m.id for m in members]))
    candidates = list(db.session.scalars(query))
    return TeamPage(team=team, members=members, candidates=candidates)


def create_team(code: str, name: str, actor: User) -> Team:
    _require_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    errors = _team_name_errors(name)
    if not code:
        _add(errors, "code", _("This field is required."))
    elif not _TEAM_CODE.match(code):
        _add(errors, "code", _("At most 40 characters: lowercase letters without accents, digits or underscores."))
    elif db.session.scalar(select(Team.id).where(Team.code == code)) is not None:
        _add(errors, "code", _("A team already has this code."))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    try:
        with transaction():
            team = Team(code=code, name=name)
            db.session.add(team)
            audit_service.record("team_created", actor, code, {"name": [None, name]})
    except IntegrityError:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"code": [_("A team already has this code.")]}) from None
    return team


def rename_team(team_id: int, name: str, actor: User) -> Team:
    """Change a team's name (its code stays: the processes use it)."""
    _require_admin(actor)
    team = _get_team(team_id)
    name = (name or "").strip()
    errors = _team_name_errors(name)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        if team.name != name:
            audit_service.record("team_renamed", actor, team.code, {"name": [team.name, name]})
        team.name = name
    return team


def add_member(team_id: int, username: str, actor: User) -> User:
    """Add an active staff member to the team (already a member: nothing changes)."""
    _require_admin(actor)
    team = _get_team(team_id)
    user = db.session.scalar(select(User).where(User.username == (username or "").strip(), User.active))
    if user is None:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"username": [_("Choose an active staff member.")]})
    with transaction():
        if user not in team.members:
            team.members.append(user)
            audit_service.record("team_member_added", actor, team.code, {"member": user.username})
    return user


def remove_member(team_id: int, user_id: int, actor: User) -> User:
    _require_admin(actor)
    team = _get_team(team_id)
    user = _get_user(user_id)
    with transaction():
        if user in team.members:
            team.members.remove(user)
            audit_service.record("team_member_removed", actor, team.code, {"member": user.username})
    return user


# Helpers

def _snapshot(user: User) -> dict:
    """What the audit trail compares before and after a change (never the password)."""
    return {"full_name": user.full_name, "email": user.email, "roles": list(user.roles or []),
            "teams": sorted(t.code for t in user.teams), "active": user.active}


def _require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator manages users and teams."))


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("That staff member does not exist."))
    return user


def _get_team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound(_("That team does not exist."))
    return team


def _all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def _teams(codes: list[str]) -> list[Team]:
    if not codes:
        return []
    return list(db.session.scalars(select(Team).where(Team.code.in_(codes)).order_by(Team.name)))


def _ordered_roles(roles: list[str]) -> list[str]:
    return [r for r in ROLES if r in roles]


def _username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None


def _detail_errors(details: UserDetails) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name, email = details.full_name.strip(), details.email.strip()
    if not name:
        _add(errors, "full_name", _("This field is required."))
    elif len(name) > 160:
        _add(errors, "full_name", _("At most %(n)s characters.", n=160))
    if not email:
        _add(errors, "email", _("This field is required."))
    elif len(email) > 254 or not _EMAIL.match(email):
        _add(errors, "email", _("Invalid e-mail address."))
    if not details.roles:
        _add(errors, "roles", _("Choose at least one role."))
    elif any(r not in ROLES for r in details.roles):
        _add(errors, "roles", _("Value not allowed."))
    if details.teams:
        known = set(db.session.scalars(select(Team.code).where(Team.code.in_(details.teams))))
        if any(code not in known for code in details.teams):
            _add(errors, "teams", _("Value not allowed."))
    return errors


def _password_errors(errors: dict[str, list[str]], password: str, confirm: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        _add(errors, "password", _("At least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    elif password != confirm:
        _add(errors, "password_confirm", _("The two passwords do not match."))


def _team_name_errors(name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        _add(errors, "name", _("This field is required."))
    elif len(name) > 120:
        _add(errors, "name", _("At most %(n)s characters.", n=120))
    return errors


def _end_sessions(user: User) -> None:
    """In the caller's transaction: his open staff sessions end now and his API tokens are deleted."""
    browser_session.end_all(STAFF, user.id)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    after_commit("forget_tokens", auth_service.forget_tokens)


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)
