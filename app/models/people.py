"""Staff users, teams, customers and API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime

ROLES = ("agent", "technician", "supervisor", "approver", "analyst", "admin")

team_members = Table(
    "team_member",
    db.metadata,
    Column("team_id", Integer, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    members: Mapped[list[User]] = relationship(secondary=team_members, back_populates="teams")


class User(db.Model):
    """A staff member. ``roles`` decide which lanes he may work (``LANE_ROLES``)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(256))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(5))  # the pages' language; None: the default (es)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    teams: Mapped[list[Team]] = relationship(secondary=team_members, back_populates="members")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)

    @property
    def team_codes(self) -> list[str]:
        """His teams' codes, read once per object: kept across commits, which expire ``teams`` (every permission
        check after a commit would read them again). A staff user is loaded per request, and a change of his
        teams through this object drops what was kept (``_teams_changed``)."""
        codes = self.__dict__.get("_team_codes")
        if codes is None:
            codes = self.__dict__["_team_codes"] = tuple(t.code for t in self.teams)
        return list(codes)

    def keep_team_codes(self, codes) -> None:
        """What ``team_codes`` answers until his teams change (a user rebuilt from the token cache)."""
        self.__dict__["_team_codes"] = tuple(codes)


@event.listens_for(User.teams, "append")
@event.listens_for(User.teams, "remove")
@event.listens_for(User.teams, "bulk_replace")
def _teams_changed(user: User, *_args, **_kwargs) -> None:
    user.__dict__.pop("_team_codes", None)
    session = object_session(user)
    if session is not None:  # a rollback must drop what is kept from the changed teams too
        session.info.setdefault(_CHANGED_TEAMS, []).append(user)


_CHANGED_TEAMS = "users_with_changed_teams"


@event.listens_for(Session, "after_commit")
def _teams_committed(session: Session) -> None:
    session.info.pop(_CHANGED_TEAMS, None)


@event.listens_for(Session, "after_soft_rollback")
def _teams_rolled_back(session: Session, _previous_transaction) -> None:
    for user in session.info.pop(_CHANGED_TEAMS, ()):
        user.__dict__.pop("_team_codes", None)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user: Mapped[User] = relationship()


class Customer(db.Model):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    # The line of business of his service (``LineOfBusiness.code``); none for a person with no service
    # (e.g. someone who reports debt mail meant for somebody else).
    service_line: Mapped[str | None] = mapped_column(String(30))
    # For the control figures: the commercial segment (e.g. residencial, pyme, corporativo) and the zone of
    # his service (incidents per 1,000 customers by zone).
    segment: Mapped[str | None] = mapped_column(String(30))
    zone: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CustomerInteraction(db.Model):
    """What the built-in CRM adapter records on a customer."""

    __tablename__ = "customer_interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
