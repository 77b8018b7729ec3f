"""Domain events, named as things that happened. The sender is always the ``Ticket``.

Subscribers are connected by ``handlers.connect_subscribers`` and may only write rows in the current
transaction (timeline, outbox, notifications): no I/O before commit.
"""
from blinker import NamedSignal, Namespace

from app.i18n import default_locale


class _Signal(NamedSignal):
    """Subscribers write lines others read later (timeline, mail, inbox): in the application's language, even
    when a request in English (a customer's or a staff user's choice) sent the signal."""

    def send(self, *args, **kwargs):
        with default_locale():
            return super().send(*args, **kwargs)


class _Events(Namespace):
    def signal(self, name: str, doc: str | None = None) -> NamedSignal:
        if name not in self:
            self[name] = _Signal(name, doc)
        return self[name]


_events = _Events()

ticket_opened = _events.signal("ticket-opened", doc="A ticket was created (any channel).")
ticket_status_changed = _events.signal(
    "ticket-status-changed", doc="Status changed; kwargs: old, new, note, public.")
ticket_assigned = _events.signal("ticket-assigned", doc="Team/technician set; kwargs: team, assignee.")
ticket_escalated = _events.signal("ticket-escalated", doc="Overdue work escalated; kwargs: reason.")
sla_warning = _events.signal("sla-warning", doc="The warning share of the resolution time passed; kwargs: due_at.")
ticket_closed = _events.signal("ticket-closed", doc="Ticket formally closed with its internal report.")
ticket_merged = _events.signal(
    "ticket-merged", doc="A duplicate was merged into its original; sender: the duplicate; kwargs: original, actor.")
incident_finalized = _events.signal(
    "incident-finalized", doc="An incident was set to FINALIZADO; kwargs: managers (users to tell), resolution.")
customer_wrote = _events.signal(
    "customer-wrote", doc="The customer wrote on a ticket (himself or through staff); kwargs: event, answered "
                          "(it answered the question the process waited on).")
task_ready = _events.signal("task-ready", doc="A user task became READY; kwargs: task (HumanTask).")
task_completed = _events.signal("task-completed", doc="A user task was completed; kwargs: task, actor, on_behalf_of.")
workflow_migrated = _events.signal(
    "workflow-migrated", doc="An instance moved to another process version; kwargs: instance, source, target, actor.")
workflow_failed = _events.signal("workflow-failed", doc="A service task failed; kwargs: instance, error.")
