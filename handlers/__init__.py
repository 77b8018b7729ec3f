"""Service-task handlers and signal subscribers. ``connect_subscribers`` wires them once per process."""
from handlers.registry import SERVICE_TASKS, HandlerContext, service_task

_connected = False


def connect_subscribers() -> None:
    global _connected
    if _connected:
        return
    from handlers import (  # noqa: F401 - registration side effects
        answers,
        claims,
        crm,
        followups,
        inbox,
        incidents,
        links,
        notices,
        notifications,
        tickets,
        timeline,
        visits,
    )

    notifications.connect()
    timeline.connect()
    inbox.connect()
    answers.connect()
    _connected = True


__all__ = ["SERVICE_TASKS", "HandlerContext", "connect_subscribers", "service_task"]
