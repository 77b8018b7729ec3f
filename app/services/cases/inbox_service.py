"""The staff member's in-app inbox: what was written for him by ``handlers.inbox``."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.models import Notification, User
from app.services.transaction import transaction
from handlers.inbox import notify

__all__ = ["mark_all_read", "mark_read", "notifications", "notify", "unread_count"]


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def notifications(user: User, limit: int = 100) -> list[Notification]:
    """Newest first, unread and read."""
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).options(joinedload(Notification.ticket))
        .order_by(Notification.id.desc()).limit(limit)))


def mark_read(user: User, notification_id: int) -> Notification | None:
    """Mark one as read and return it (to follow its link); someone else's is left alone."""
    with transaction():
        row = db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                           Notification.user_id == user.id))
        if row is not None and row.read_at is None:
            row.read_at = clock.now()
    return row


def mark_all_read(user: User) -> None:
    with transaction():
        db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                      Notification.read_at.is_(None)).values(read_at=clock.now()))
