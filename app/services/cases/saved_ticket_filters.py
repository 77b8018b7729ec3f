"""Saved searches of the ticket history, per staff member: a name and the filters the page applies."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import SavedTicketFilter, User
from app.services.cases.ticket_search import TicketQuery
from app.services.transaction import transaction

MAX_PER_USER = 50


def of_user(user: User) -> list[SavedTicketFilter]:
    return list(db.session.scalars(select(SavedTicketFilter).where(SavedTicketFilter.user_id == user.id)
                                   .order_by(SavedTicketFilter.name)))


def save(user: User, name: str, query: TicketQuery) -> SavedTicketFilter:
    """Keep ``query``'s filters under ``name`` (a name already used is overwritten)."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"name": [_("Give the search a name of up to 80 characters.")]})
    filters = query.filters()
    if not filters:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"name": [_("Choose at least one filter to save.")]})
    with transaction():
        row = db.session.scalar(select(SavedTicketFilter).where(SavedTicketFilter.user_id == user.id,
                                                                SavedTicketFilter.name == name))
        if row is None:
            if len(of_user(user)) >= MAX_PER_USER:
                raise ValidationFailed(_("Please correct the marked fields."), errors={"name": [
                    _("You have %(count)d saved searches: delete one first.", count=MAX_PER_USER)]})
            row = SavedTicketFilter(user_id=user.id, name=name, filters=filters)
            db.session.add(row)
        else:
            row.filters = filters
    return row


def delete(user: User, filter_id: int) -> None:
    with transaction():
        row = db.session.get(SavedTicketFilter, filter_id)
        if row is None or row.user_id != user.id:
            raise NotFound(_("That saved search does not exist."))
        db.session.delete(row)
