"""Service-task handlers, registered by the operation name the diagram gives.

A handler is ``fn(ctx: HandlerContext, **params) -> dict``. It runs inside the caller's transaction and
may only write rows (domain fields, timeline, outbox); it never touches Flask or the engine.
"""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from app.models import Ticket, User

Handler = Callable[..., dict]
SERVICE_TASKS: dict[str, Handler] = {}


@dataclass
class HandlerContext:
    """What a handler may know about the step it serves."""

    ticket: Ticket
    process_id: str
    task_name: str = ""
    actor: User | None = None
    config: dict = field(default_factory=dict)
    # Renders an analyst's template (sandboxed Jinja, under the evaluator's budget) with a data mapping: the
    # engine hands it in, as handlers may not import it.
    render: Callable[[str, dict], str] | None = None


current_context: ContextVar[HandlerContext | None] = ContextVar("handler_context", default=None)


def service_task(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if name in SERVICE_TASKS:
            raise ValueError(f"service task {name!r} registered twice")
        SERVICE_TASKS[name] = fn
        return fn

    return register


class UnknownOperation(LookupError):
    pass


def call(name: str, params: dict) -> dict:
    """Run the handler registered as ``name`` with the current step's context."""
    try:
        fn = SERVICE_TASKS[name]
    except KeyError:
        raise UnknownOperation(f"no handler is registered for the operation {name!r}") from None
    ctx = current_context.get()
    if ctx is None:
        raise RuntimeError("service task called outside a workflow step")
    return fn(ctx, **params)
