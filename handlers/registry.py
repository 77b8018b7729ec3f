"""Service-task handlers, registered by the operation name the diagram gives.

A handler is ``fn(ctx: HandlerContext, **params) -> dict``. It runs inside the caller's transaction and
may only write rows (domain fields, timeline, outbox); it never touches Flask or the engine.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

from app.i18n import default_locale
from app.models import Ticket, User

Handler = Callable[..., dict]
SERVICE_TASKS: dict[str, Handler] = {}


@dataclass(frozen=True)
class ParameterInfo:
    """One parameter of an operation as the diagram names it (``spiffworkflow:parameter id=...``)."""

    name: str
    required: bool
    default: object = None
    description: str = ""  # Spanish, for the analyst (a lazy string: ``str()`` it in a request)


@dataclass(frozen=True)
class OperationInfo:
    """What an analyst needs to use a registered operation: its parameters, the keys of its result, its doc."""

    name: str
    parameters: tuple[ParameterInfo, ...]
    results: tuple[str, ...]
    doc: str

    def parameter(self, name: str) -> ParameterInfo | None:
        return next((p for p in self.parameters if p.name == name), None)


_DESCRIBED: dict[str, tuple[tuple[str, ...], Mapping[str, str]]] = {}


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


def service_task(name: str, *, results: tuple[str, ...] = (),
                 params: Mapping[str, str] | None = None) -> Callable[[Handler], Handler]:
    """Register ``fn`` as the operation ``name``; ``results`` are the keys of the dict it returns and
    ``params`` a short Spanish description of each parameter (lazy strings), for the analyst's modeler."""
    def register(fn: Handler) -> Handler:
        if name in SERVICE_TASKS:
            raise ValueError(f"service task {name!r} registered twice")
        unknown = set(params or {}) - set(list(inspect.signature(fn).parameters)[1:])
        if unknown:
            raise ValueError(f"service task {name!r} describes parameters it does not take: {sorted(unknown)}")
        SERVICE_TASKS[name] = fn
        _DESCRIBED[name] = (tuple(results), dict(params or {}))
        return fn

    return register


def operations() -> dict[str, OperationInfo]:
    """Every registered operation with its parameters (from the handler's signature), results and doc."""
    return {name: _info(name, fn) for name, fn in sorted(SERVICE_TASKS.items())}


def _info(name: str, fn: Handler) -> OperationInfo:
    results, descriptions = _DESCRIBED.get(name, ((), {}))
    parameters = []
    for parameter in list(inspect.signature(fn).parameters.values())[1:]:  # the first one is the context
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        required = parameter.default is inspect.Parameter.empty
        parameters.append(ParameterInfo(parameter.name, required, None if required else parameter.default,
                                        descriptions.get(parameter.name, "")))
    return OperationInfo(name, tuple(parameters), results, inspect.getdoc(fn) or "")


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
    with default_locale():  # what a handler writes (timeline, mail) is read by others: the application's language
        return fn(ctx, **params)
