"""All models, importable from one place (Alembic autogenerate sees them through here)."""
from app.models.answer import TicketAnswer
from app.models.attachment import Attachment
from app.models.audit import AuditEvent
from app.models.billing import (
    DOCUMENT_TYPES,
    BillingDocument,
    BillingDocumentLine,
    BillingRequest,
    ServiceChangeOrder,
    ServiceChangeOrderType,
)
from app.models.business_calendar import BusinessCalendar, BusinessHours, CalendarDayOff, SlaPauseStatus
from app.models.case import CHANNEL_LABELS, CHANNELS, PRIORITIES, CaseKind, CaseStatus, Category
from app.models.claim import Claim, ClaimLine, ClaimLineVersion, ClaimReason
from app.models.cost import COST_UNITS, CostRate
from app.models.customer_account import NOTIFY_CHOICES, CustomerAccount, CustomerSession
from app.models.followup import FollowUp, FollowupSubject, LineOfBusiness
from app.models.incident import IncidentDetail, IncidentEscalation
from app.models.link import TicketLink
from app.models.mail import AutoReplyLog, InboundMessage, ProvisionalCustomer
from app.models.notice import NoticeTemplate, NoticeTemplateVersion, WebhookEndpoint
from app.models.notification import Notification, StaffSession
from app.models.outbox import OutboxMessage
from app.models.people import ROLES, ApiToken, Customer, CustomerInteraction, Team, User, team_members
from app.models.process import HumanTask, ProcessVersion, WorkflowInstance
from app.models.process_log import ProcessStep
from app.models.reference import ReferenceVersion
from app.models.review import DECISIONS, RecurringProblem, ReviewRun, recurring_problem_ticket
from app.models.submission import Submission
from app.models.task_index import ix_human_task_held, ix_human_task_open_priority  # noqa: F401
from app.models.ticket import Ticket, TicketEvent
from app.models.ticket_filter import SavedTicketFilter
from app.models.visit import VISIT_STATUSES, Visit

__all__ = [
    "ApiToken", "Attachment", "AuditEvent", "AutoReplyLog", "BusinessCalendar", "BusinessHours", "CalendarDayOff",
    "CHANNELS", "CHANNEL_LABELS", "CaseKind", "CaseStatus", "Category", "Customer", "CustomerAccount",
    "CustomerInteraction", "CustomerSession", "NOTIFY_CHOICES",
    "HumanTask", "InboundMessage", "IncidentDetail", "IncidentEscalation", "Notification", "OutboxMessage",
    "PRIORITIES", "ProcessVersion", "ProvisionalCustomer", "ROLES", "SlaPauseStatus", "StaffSession", "Team", "Ticket",
    "TicketEvent", "TicketLink", "User",
    "WorkflowInstance", "team_members",
    "FollowUp", "FollowupSubject", "LineOfBusiness", "TicketAnswer",
    "Submission",
    "VISIT_STATUSES", "Visit",
    "BillingDocument", "BillingDocumentLine", "BillingRequest", "Claim", "ClaimLine", "ClaimLineVersion",
    "ClaimReason", "DOCUMENT_TYPES", "ServiceChangeOrder", "ServiceChangeOrderType",
    "SavedTicketFilter",
    "ProcessStep",
    "ReferenceVersion",
    "COST_UNITS", "CostRate",
    "DECISIONS", "RecurringProblem", "ReviewRun", "recurring_problem_ticket",
    "NoticeTemplate", "NoticeTemplateVersion", "WebhookEndpoint",
]
