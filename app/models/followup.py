"""Follow-ups (insistencia): the typified subjects, the lines of business, and each follow-up's record of
the earlier ticket it presses on and the analysis that led to it. Subjects and lines are data: loaded
from ``processes/followups/*.json`` at deploy, then edited by an admin in the browser."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.ticket import Ticket
from app.models.types import UTCDateTime


class LineOfBusiness(db.Model):
    """A line of business of the customer's service (Internet hogar, negocio...). ``self_service``: the
    customer files his own late-response or disagreement follow-up in the área de cliente."""

    __tablename__ = "line_of_business"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    self_service: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FollowupSubject(db.Model):
    """A typified subject (asunto) of a follow-up and its typification."""

    __tablename__ = "followup_subject"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    # The category leaf (categoría 3; its parents are categorías 2 and 1) the follow-up ticket carries.
    category: Mapped[str] = mapped_column(String(120))
    team_code: Mapped[str] = mapped_column(String(40))  # empleado responsable
    initial_status: Mapped[str] = mapped_column(String(30), default="open")
    channels: Mapped[list] = mapped_column(JSON, default=list)  # allowed channel codes
    # A channel that is not authorized but recorded as another (presencial -> correo electrónico).
    channel_substitutes: Mapped[dict] = mapped_column(JSON, default=dict)
    priority: Mapped[str] = mapped_column(String(10))
    document_class: Mapped[str] = mapped_column(String(40))  # clasificación del documento
    fields: Mapped[list] = mapped_column(JSON, default=list)  # [{"name", "label", "required"}]
    # The analysis results this subject serves ("late_response", "disagreement"), empty if filed directly.
    serves: Mapped[str | None] = mapped_column(String(20), unique=True)
    non_customers: Mapped[bool] = mapped_column(Boolean, default=False)  # a non-customer may report it
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FollowUp(db.Model):
    """A follow-up ticket's reference to the earlier ticket it presses on, and why it was opened."""

    __tablename__ = "followup"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    earlier_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    subject_code: Mapped[str] = mapped_column(ForeignKey("followup_subject.code"))
    action: Mapped[str | None] = mapped_column(String(40))  # the analysis result that opened it, if any
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    analysis: Mapped[dict | None] = mapped_column(JSON)  # the inputs the decision saw
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # the subject's description fields
    reported_channel: Mapped[str | None] = mapped_column(String(20))  # as the person came (presencial...)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    # ``Ticket.followup_record``: given to ``open_case`` so the row exists before the diagram starts.
    ticket: Mapped[Ticket] = relationship(foreign_keys=[ticket_id],
                                          backref=backref("followup_record", uselist=False, viewonly=False))
    earlier: Mapped[Ticket | None] = relationship(foreign_keys=[earlier_ticket_id])
    subject: Mapped[FollowupSubject] = relationship()
