"""All models, importable from one place (Alembic autogenerate sees them through here)."""
from app.models.attachment import Attachment
from app.models.audit import AuditEvent
from app.models.customer_account import NOTIFY_CHOICES, CustomerAccount, CustomerSession
from app.models.mail import AutoReplyLog, InboundMessage, ProvisionalCustomer
from app.models.notification import Notification, StaffSession
from app.models.outbox import OutboxMessage
from app.models.people import ROLES, ApiToken, Customer, CustomerInteraction, Team, User, team_members
from app.models.process import HumanTask, ProcessVersion, WorkflowInstance
from app.models.task_index import ix_human_task_open_created, ix_human_task_open_priority  # noqa: F401
from app.models.ticket import CHANNEL_LABELS, CHANNELS, PRIORITIES, STATUSES, Ticket, TicketEvent

__all__ = [
    "ApiToken", "Attachment", "AuditEvent", "AutoReplyLog", "CHANNELS", "CHANNEL_LABELS", "Customer", "CustomerAccount",
    "CustomerInteraction", "CustomerSession", "NOTIFY_CHOICES",
    "HumanTask", "InboundMessage", "Notification", "OutboxMessage", "PRIORITIES", "ProcessVersion",
    "ProvisionalCustomer", "ROLES", "STATUSES", "StaffSession", "Team", "Ticket", "TicketEvent", "User",
    "WorkflowInstance", "team_members",
]
