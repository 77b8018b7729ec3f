"""What a deploy check answers: the problems, what would change, and how each path of the simulation went.

Plain data, built by ``process_service.check`` and shown by the processes page and the API as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import DeployError


@dataclass(frozen=True)
class Problem:
    """One problem that stops the publish, named the way an analyst finds it in the modeler."""

    file: str
    element: str
    element_name: str
    line: int | None
    message: str  # Spanish

    @classmethod
    def of(cls, error: DeployError) -> Problem:
        return cls(error.file, error.element, getattr(error, "element_name", ""), error.line, error.message)


@dataclass(frozen=True)
class ElementChange:
    """An element added, removed or changed between the latest version and the upload."""

    element: str
    name: str
    kind: str  # the BPMN tag: userTask, serviceTask, exclusiveGateway, sequenceFlow...
    change: str  # added | removed | changed
    details: tuple[str, ...] = ()  # what changed, readable ("nombre: «A» → «B»")


@dataclass(frozen=True)
class RuleChange:
    """A decision-table rule added, removed or changed (by rule id), with its cells before and after."""

    file: str
    decision: str
    rule: str
    change: str  # added | removed | changed
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


@dataclass
class ProcessChange:
    process_id: str
    name: str
    current_version: int | None  # None: never deployed
    creates_version: bool
    elements: list[ElementChange] = field(default_factory=list)
    rules: list[RuleChange] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # forms whose content changed (or are new)


@dataclass(frozen=True)
class PathResult:
    """One run of the simulation: the branch choices it made, the elements it went through, how it ended."""

    process_id: str
    choices: tuple[str, ...]  # the flows chosen at gateways, by name (or id)
    elements: tuple[str, ...]  # the element ids it went through, in order
    ok: bool
    message: str = ""  # Spanish: where and why it stopped


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    changes: list[ProcessChange] = field(default_factory=list)
    simulation: list[PathResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Spanish: what the upload does besides (a DMN-only upload)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def creates_versions(self) -> bool:
        return any(change.creates_version for change in self.changes)
