"""Domain errors raised by services, and the only place that maps them to HTTP."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose; ``message`` is user-facing (Spanish)."""

    status = 400

    def __init__(self, message: str, *, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Unauthorized(DomainError):
    status = 401


class Conflict(DomainError):
    status = 409


class ValidationFailed(DomainError):
    """Input rejected field by field: ``errors`` maps a field path to its messages."""

    status = 422


class Unavailable(DomainError):
    """An outside system (billing) does not answer now; trying again later may work."""

    status = 503


class WorkflowFailed(DomainError):
    """A service task failed; the instance is kept in its error state for a supervisor to retry."""

    status = 500


class DeployError(DomainError):
    """A diagram was refused at deploy: names the file, element, line and problem."""

    def __init__(self, message: str, *, file: str = "", element: str = "", line: int | None = None,
                 element_name: str = ""):
        super().__init__(message)
        self.file, self.element, self.line, self.element_name = file, element, line, element_name

    def __str__(self) -> str:
        where = self.file or "?"
        if self.line:
            where += f":{self.line}"
        if self.element:
            where += f" [{self.element}]"
        return f"{where}: {self.message}"
