"""What kinds of case exist, the statuses each kind goes through and the category taxonomy: all data.

Rows come from ``processes/kinds/<kind>.json`` at deploy and are then edited by an admin in the browser.
Handlers read them through the lookups here (they may not import services).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Row, String, exists, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.i18n import _l
from app.models import reference
from app.models.people import Team
from app.models.types import UTCDateTime

# How a case reaches us (the same for every kind).
CHANNEL_LABELS = {
    "portal": _l("online portal"),
    "phone": _l("phone"),
    "email": _l("e-mail"),
    "social": _l("social media"),
}
CHANNELS = tuple(CHANNEL_LABELS)
# Codes as the analysts write them in the DMN tables.
PRIORITIES = ("alta", "media", "baja")


class CaseKind(db.Model):
    """A kind of case (queja, incidencia, reclamación, insistencia): its number prefix and its diagram."""

    __tablename__ = "case_kind"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(5), unique=True)
    process_id: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    statuses: Mapped[list[CaseStatus]] = relationship(
        back_populates="kind", order_by="CaseStatus.position", cascade="all, delete-orphan")

    @classmethod
    def of(cls, code: str | None) -> CaseKind | None:
        """The row, to edit (``info`` to read)."""
        return db.session.get(cls, code) if code else None

    @classmethod
    def info(cls, code: str | None) -> Row | None:
        """The kind's columns as an immutable row, kept across transactions (app/models/reference.py)."""
        if not code:
            return None
        return reference.cached((cls.__tablename__, code), lambda: db.session.execute(
            select(cls.__table__).where(cls.code == code)).first())


class CaseStatus(db.Model):
    """One status of a kind. ``public``: the customer sees it (área de cliente, public timeline line);
    ``notify_customer``: he is also sent a message (e-mail) when his case enters it."""

    __tablename__ = "case_status"

    kind_code: Mapped[str] = mapped_column(ForeignKey("case_kind.code", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    customer_label: Mapped[str] = mapped_column(String(160))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_customer: Mapped[bool] = mapped_column(Boolean, default=True)
    terminal: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    kind: Mapped[CaseKind] = relationship(back_populates="statuses")

    @classmethod
    def of(cls, kind_code: str, code: str) -> CaseStatus | None:
        """The row, to edit (``info`` to read)."""
        return db.session.get(cls, (kind_code, code))

    @classmethod
    def info(cls, kind_code: str, code: str) -> Row | None:
        """The status's columns as an immutable row, kept across transactions (app/models/reference.py)."""
        return reference.cached((cls.__tablename__, kind_code, code), lambda: db.session.execute(
            select(cls.__table__).where(cls.kind_code == kind_code, cls.code == code)).first())

    @classmethod
    def is_open(cls, kind_column, status_column):
        """SQL condition: a row's status is a non-terminal status of its own kind."""
        return exists().where(cls.kind_code == kind_column, cls.code == status_column, cls.terminal.is_(False))

    @classmethod
    def open_codes(cls, kind_code: str | None = None) -> list[str]:
        """Status codes in which a case is still open (not terminal), of one kind or of every kind."""
        query = select(cls.code).where(cls.terminal.is_(False)).distinct()
        if kind_code:
            query = query.where(cls.kind_code == kind_code)
        with db.session.no_autoflush:
            return sorted(db.session.scalars(query))


class Category(db.Model):
    """A node of the three-level taxonomy (categoría 1 / 2 / 3). Leaves (level 3) are what a case carries
    in ``Ticket.category``; each lists the kinds that may use it, its default team and priority."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    label: Mapped[str] = mapped_column(String(160))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    # The kinds a deploy already added to ``kinds``: a later deploy never re-adds one an admin removed.
    deployed_kinds: Mapped[list] = mapped_column(JSON, default=list)
    default_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    default_priority: Mapped[str | None] = mapped_column(String(10))

    parent: Mapped[Category | None] = relationship(remote_side="Category.id", back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent", order_by="Category.position")
    default_team: Mapped[Team | None] = relationship()

    LEAF_LEVEL = 3

    @property
    def is_leaf(self) -> bool:
        return self.level == self.LEAF_LEVEL

    @property
    def path(self) -> list[str]:
        node, labels = self, []
        while node is not None:
            labels.insert(0, node.label)
            node = node.parent
        return labels

    @classmethod
    def leaf(cls, code: str | None) -> Category | None:
        if not code:
            return None
        with db.session.no_autoflush:
            return db.session.scalar(select(cls).where(cls.code == code, cls.level == cls.LEAF_LEVEL))
