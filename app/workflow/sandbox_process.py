"""The evaluator processes analysts' code runs in, each under a CPU-time and a memory budget.

An evaluator is a child process started through multiprocessing's *forkserver* (safe from threaded web
servers: nothing is forked from a process with threads). It serves one request at a time: evaluate an
expression, run a script or render a Jinja template with the task data it is sent. Before each request it
arms ``ITIMER_PROF`` with the CPU budget (the kernel kills it when the budget is spent, even inside one long
C operation such as ``10 ** 10 ** 8``) and caps its address space with ``RLIMIT_AS`` (``[0] * 10**9`` is
a ``MemoryError``). The caller waits on a pipe with a wall-clock backstop, so no request, thread, database
lock or timer sweep waits longer than the budget: the step fails with ``ScriptBudgetExceeded`` and the
workflow records it as a retryable failure. An evaluator that went over a budget is discarded; idle ones
are reused (one per concurrent request at most).

Only the caller's side reads the application config (``SANDBOX_CPU_SECONDS``, ``SANDBOX_MEMORY_MB``).
"""
from __future__ import annotations

import builtins
import json
import multiprocessing
import os
import resource
import signal
import threading
import traceback
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from flask import current_app, has_app_context

from app.i18n import _

DEFAULT_CPU_SECONDS = 2.0
DEFAULT_MEMORY_MB = 256
MAX_IDLE = 4
# Values the state serializer stores besides JSON's own (they come from handlers, never from restricted code).
SERIALIZABLE = (datetime, date, time, timedelta, Decimal, UUID)


class ScriptBudgetExceeded(Exception):
    """Analysts' code went over its CPU-time or memory budget, or its evaluator died."""


class ScriptValueError(TypeError):
    """A script left a value in the task data that the workflow state cannot store (a generator...)."""


# ---------------------------------------------------------------------------------------------- evaluator side

def _serve(conn) -> None:
    """The evaluator's loop: one request in, one reply out, until the caller goes away."""
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # CPU budget spent: the kernel ends the process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it closes our pipe
    baseline = _address_space()
    while True:
        try:
            kind, source, context, external, now_iso, cpu_seconds, memory_mb = conn.recv()
        except (EOFError, OSError):
            return
        resource.setrlimit(resource.RLIMIT_AS, (baseline + memory_mb * 1024 * 1024, resource.RLIM_INFINITY))
        signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
        try:
            reply = ("ok", _handle(kind, source, context, external, now_iso))
        except MemoryError:
            reply = ("memory",)
        except _NotSerializable as err:
            reply = ("value", err.args[0], err.args[1])
        except Exception as err:
            reply = ("error", type(err).__name__, str(err), _script_line(err))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        conn.send(reply)
        if reply[0] == "memory":
            return  # a fresh evaluator for the next request: this heap may be fragmented


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


class _NotSerializable(Exception):
    pass


def _handle(kind, source, context, external, now_iso):
    from app.workflow import sandbox

    if kind == "render":
        return sandbox.template(source).render(**context)
    scope = sandbox.restricted_globals(now_iso)
    fixed = set(scope) | set(external)
    scope.update(external)
    scope.update(context)
    if kind == "eval":
        value = eval(sandbox.compile_expression(source), scope)  # noqa: S307 - restricted code object
        _require_serializable("result", value)
        return value
    exec(sandbox.compile_script(source), scope)  # noqa: S102 - restricted code object
    data = {}
    for name, value in scope.items():
        if name in fixed or callable(value):
            continue  # helpers, external context and functions the script defined stay out of the data
        if name not in context or context[name] is not value:
            _require_serializable(name, value)
        data[name] = value
    return data


def _require_serializable(name: str, value) -> None:
    def known(obj):
        if isinstance(obj, SERIALIZABLE):
            return str(obj)
        raise TypeError

    try:
        json.dumps(value, default=known)
    except (TypeError, ValueError, RecursionError):
        raise _NotSerializable(name, type(value).__name__) from None


def require_serializable(name: str, value) -> None:
    """What the evaluator checks, for the expressions evaluated in the caller's process."""
    try:
        _require_serializable(name, value)
    except _NotSerializable as err:
        _answer(("value", *err.args), 0)


def _script_line(err: Exception) -> int | None:
    if isinstance(err, SyntaxError):
        return err.lineno
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == "<string>"]
    return lines[-1] if lines else None


# ------------------------------------------------------------------------------------------------- caller side

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["app.workflow.sandbox"])
_idle: list[_Evaluator] = []
_idle_lock = threading.Lock()
_owner = os.getpid()


class _Evaluator:
    def __init__(self):
        self.conn, theirs = _context.Pipe()
        self.process = _context.Process(target=_serve, args=(theirs,), daemon=True, name="atiende-sandbox")
        self.process.start()
        theirs.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


def _take() -> _Evaluator:
    global _owner
    with _idle_lock:
        if _owner != os.getpid():  # a forked server worker: the evaluators are its parent's
            _idle.clear()
            _owner = os.getpid()
        if _idle:
            return _idle.pop()
    return _Evaluator()


def _give_back(evaluator: _Evaluator) -> None:
    with _idle_lock:
        if len(_idle) < MAX_IDLE and _owner == os.getpid():
            _idle.append(evaluator)
            return
    evaluator.stop()


def budget() -> tuple[float, int]:
    config = current_app.config if has_app_context() else {}
    return (float(config.get("SANDBOX_CPU_SECONDS", DEFAULT_CPU_SECONDS)),
            int(config.get("SANDBOX_MEMORY_MB", DEFAULT_MEMORY_MB)))


def run(kind: str, source: str, context: dict, external: dict, now_iso: str):
    """Evaluate (``eval``), run (``exec``: returns the new task data) or render (``render``) ``source``."""
    cpu_seconds, memory_mb = budget()
    evaluator = _take()
    reusable = False
    try:
        evaluator.conn.send((kind, source, context, external, now_iso, cpu_seconds, memory_mb))
        # CPU time is what the evaluator is limited by; the wall-clock wait only backs it up (a busy machine).
        if not evaluator.conn.poll(10 * cpu_seconds + 5):
            raise _cpu_exceeded(cpu_seconds)
        try:
            reply = evaluator.conn.recv()
        except EOFError:
            evaluator.process.join(5)
            if evaluator.process.exitcode in (-signal.SIGPROF, -signal.SIGXCPU):
                raise _cpu_exceeded(cpu_seconds) from None
            raise ScriptBudgetExceeded(_("The process code stopped its evaluator (exit code %(code)s).",
                                         code=evaluator.process.exitcode)) from None
        reusable = reply[0] in ("ok", "error", "value")
    finally:
        if reusable:
            _give_back(evaluator)
        else:
            evaluator.stop()
    return _answer(reply, memory_mb)


def _cpu_exceeded(cpu_seconds: float) -> ScriptBudgetExceeded:
    return ScriptBudgetExceeded(_("The process code went over its CPU time budget (%(seconds)s s).",
                                  seconds=cpu_seconds))


def _answer(reply: tuple, memory_mb: int):
    status = reply[0]
    if status == "ok":
        return reply[1]
    if status == "memory":
        raise ScriptBudgetExceeded(_("The process code went over its memory budget (%(mb)s MB).", mb=memory_mb))
    if status == "value":
        raise ScriptValueError(_("The code left %(name)s, a %(kind)s, in the task data: only text, numbers, "
                                 "lists and dictionaries can be kept.", name=reply[1], kind=reply[2]))
    _status, type_name, message, line = reply
    raise _rebuilt(type_name, message, line)


def _rebuilt(type_name: str, message: str, line: int | None) -> Exception:
    """The evaluator's exception, as the same built-in type where there is one (SpiffWorkflow reports it)."""
    if line is not None:
        message = f"{message} (line {line})"
    cls = getattr(builtins, type_name, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, SyntaxError):
        try:
            return cls(message)
        except TypeError:
            pass
    return RuntimeError(f"{type_name}: {message}")
