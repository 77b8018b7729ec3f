"""Notices an analyst writes in the browser (the ``notify`` service task sends them by name) and the webhook
endpoints an admin registers for them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime


class NoticeTemplate(db.Model):
    """The current text of a notice: subject and body in sandboxed Jinja over the ticket's data.

    Seeded from ``processes/notices/<name>.json`` at deploy (only when missing: an edit is never overwritten);
    every save adds a ``NoticeTemplateVersion``, so who changed what stays readable.
    """

    __tablename__ = "notice_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by = relationship("User")
    versions: Mapped[list[NoticeTemplateVersion]] = relationship(
        back_populates="template", order_by="NoticeTemplateVersion.version.desc()", cascade="all, delete-orphan")

    @classmethod
    def named(cls, name: str) -> NoticeTemplate | None:
        with db.session.no_autoflush:
            return db.session.scalar(select(cls).where(cls.name == name))


class NoticeTemplateVersion(db.Model):
    """One saved text of a notice (version 1 is the seeded file's)."""

    __tablename__ = "notice_template_version"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("notice_template.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    template: Mapped[NoticeTemplate] = relationship(back_populates="versions")
    created_by = relationship("User")


class WebhookEndpoint(db.Model):
    """Where a webhook notice is POSTed, signed with ``secret`` (HMAC-SHA256); only active ones receive."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @classmethod
    def of(cls, code: str) -> WebhookEndpoint | None:
        with db.session.no_autoflush:
            return db.session.scalar(select(cls).where(cls.code == code))
