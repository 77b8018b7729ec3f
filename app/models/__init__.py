"""All models, importable from one place (Alembic autogenerate sees them through here)."""
from app.models.outbox import OutboxMessage
from app.models.people import ROLES, ApiToken, Customer, CustomerInteraction, Team, User, team_members
from app.models.process import HumanTask, ProcessVersion, WorkflowInstance
from app.models.ticket import CHANNEL_LABELS, CHANNELS, PRIORITIES, STATUSES, Ticket, TicketEvent

__all__ = [
    "ApiToken", "CHANNEL_LABELS", "CHANNELS", "Customer", "CustomerInteraction", "HumanTask", "OutboxMessage",
    "PRIORITIES", "ProcessVersion", "ROLES", "STATUSES", "Team", "Ticket", "TicketEvent", "User", "WorkflowInstance",
    "team_members",
]
