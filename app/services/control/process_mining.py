"""Procedure compliance from the process log (seed 001, Control): the event log of every task, exported as
CSV and XES, and checked against the deployed BPMN with pm4py.

The log (``process_step``) has one row per completed task: case = ticket, activity = the element's name,
timestamp = completion, resource = who completed it. Conformance is per process version, on its completed
instances (case = instance): the version's diagram becomes a Petri net (pm4py), the log is replayed on it
(token-based replay: fitness) and aligned with it (alignments: the deviations — a step the diagram expected
and the log skipped, a step the log has and the diagram does not allow there), plus the rework (a step done
more than once in a case), the variants and the time between consecutive steps (where time is lost).

pm4py is AGPL-3.0 licensed and slow to import (pandas, matplotlib): it is imported here, on first use, and is
an optional extra (``pip install -e '.[mining]'``; ``make install`` installs it). Without it the log still
exports as CSV, and the rest says what to install.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from statistics import median

from flask import current_app
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import clock
from app.errors import Forbidden, NotFound, Unavailable, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import ProcessStep, ProcessVersion, Ticket, User, WorkflowInstance
from app.services.control.exports import safe_cell

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_CASES = 5_000  # the most recent completed instances a conformance check replays
SYSTEM, CUSTOMER = "sistema", "cliente"


@dataclass
class LogQuery:
    process_id: str = ""
    version: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def require_reader(actor: User) -> None:
    if not actor.has_role("supervisor", "analyst"):
        raise Forbidden(_("Only supervisors and process analysts may see procedure compliance."))


def parse_query(args) -> LogQuery:
    """The filters of a request (page or API), or a field-by-field error."""
    errors, query = {}, LogQuery(process_id=(args.get("process") or "").strip()[:80])
    version = (args.get("version") or "").strip()
    if version:
        if version.isascii() and version.isdigit() and 0 < int(version) < 100_000:
            query.version = int(version)
        else:
            errors["version"] = [_("Value not allowed.")]
    for name in ("date_from", "date_to"):
        text = (args.get(name) or "").strip()
        if text:
            try:
                value = date.fromisoformat(text)
            except ValueError:
                errors[name] = [_("Give a date.")]
                continue
            if not date(1970, 1, 1) <= value <= date(2199, 12, 31):
                errors[name] = [_("Date out of range.")]
            setattr(query, name, value)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    return query


# -- the event log ---------------------------------------------------------------------------------------------

COLUMNS = ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "lifecycle:transition",
           "process", "version", "instance", "element", "lane", "ready_at")


def _log_rows(query: LogQuery):
    resource = aliased(User)
    statement = (select(ProcessStep, Ticket.number, ProcessVersion.process_id, ProcessVersion.version,
                        resource.username)
                 .join(Ticket, Ticket.id == ProcessStep.ticket_id)
                 .join(ProcessVersion, ProcessVersion.id == ProcessStep.process_version_id)
                 .outerjoin(resource, resource.id == ProcessStep.resource_id))
    if query.process_id:
        statement = statement.where(ProcessVersion.process_id == query.process_id)
    if query.version is not None:
        statement = statement.where(ProcessVersion.version == query.version)
    if query.date_from:
        statement = statement.where(ProcessStep.completed_at >= _local_midnight(query.date_from))
    if query.date_to:
        statement = statement.where(ProcessStep.completed_at < _local_midnight(query.date_to + timedelta(days=1)))
    statement = statement.order_by(ProcessStep.ticket_id, ProcessStep.completed_at, ProcessStep.instance_id,
                                   ProcessStep.position)
    return db.session.execute(statement.execution_options(yield_per=1000))


def _record(step: ProcessStep, number: str, process_id: str, version: int, username: str | None) -> tuple:
    who = username or (CUSTOMER if _is_customer_lane(step.lane) else SYSTEM)
    return (number, step.activity, step.completed_at.isoformat(), who, "complete", process_id, version,
            step.instance_id, step.element_id, step.lane or "", step.ready_at.isoformat() if step.ready_at else "")


def export_csv(query: LogQuery, actor: User) -> Iterator[str]:
    """The event log as CSV, with the XES attribute names as headers (what process-mining tools import)."""
    require_reader(actor)
    rows = _log_rows(query)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([safe_cell(str(v)) for v in _record(*row)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    return lines()


def export_xes(query: LogQuery, actor: User) -> bytes:
    """The event log as an IEEE 1849 XES document, written by pm4py."""
    require_reader(actor)
    pm4py, pandas = _mining_libraries()
    frame = pandas.DataFrame([_record(*row) for row in _log_rows(query)], columns=COLUMNS)
    frame["time:timestamp"] = pandas.to_datetime(frame["time:timestamp"], utc=True)
    if frame.empty:  # pm4py cannot write an empty frame: an empty log is a valid document
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016" '
                b'xmlns="http://www.xes-standard.org/"/>\n')
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.xes"
        pm4py.write_xes(frame, str(path), case_id_key="case:concept:name")
        return path.read_bytes()


# -- conformance -----------------------------------------------------------------------------------------------

@dataclass
class Deviation:
    kind: str  # skipped | unexpected | rework
    activity: str
    cases: int


@dataclass
class Variant:
    activities: list[str]
    cases: int
    fits: bool


@dataclass
class StepDuration:
    source: str
    target: str
    count: int
    mean_hours: float
    median_hours: float


@dataclass
class Conformance:
    process_id: str
    version: int
    cases: int
    fitting_cases: int = 0
    log_fitness: float | None = None  # token-based replay, 0..1
    mean_alignment_fitness: float | None = None
    deviations: list[Deviation] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    durations: list[StepDuration] = field(default_factory=list)
    truncated: bool = False  # more completed instances than MAX_CASES: the most recent were checked

    @property
    def fitting_pct(self) -> float | None:
        return round(100 * self.fitting_cases / self.cases, 1) if self.cases else None


def versions() -> list[ProcessVersion]:
    """Every deployed version, for the page's choice."""
    return list(db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_id,
                                                                   ProcessVersion.version.desc())))


def conformance(query: LogQuery, actor: User) -> Conformance:
    """Check the completed instances of one process version (completed in the period) against its diagram."""
    require_reader(actor)
    version = _version(query)
    traces, truncated = _traces(version, query)
    report = Conformance(process_id=version.process_id, version=version.version, cases=len(traces),
                         truncated=truncated)
    if not traces:
        return report
    pm4py, pandas = _mining_libraries()
    frame = pandas.DataFrame(
        [{"case:concept:name": str(case), "concept:name": activity, "time:timestamp": moment}
         for case, steps in traces.items() for activity, moment in steps])
    frame["time:timestamp"] = pandas.to_datetime(frame["time:timestamp"], utc=True)
    net, initial, final = _petri_net(pm4py, version)
    replay = pm4py.conformance_diagnostics_token_based_replay(frame, net, initial, final)
    fitness = pm4py.fitness_token_based_replay(frame, net, initial, final)
    alignments = pm4py.conformance_diagnostics_alignments(frame, net, initial, final)
    cases = list(traces)  # pm4py keeps the order of the cases as they first appear in the frame
    fits = {case: result["trace_is_fit"] for case, result in zip(cases, replay, strict=True)}
    report.fitting_cases = sum(fits.values())
    report.log_fitness = round(float(fitness["log_fitness"]), 4)
    report.mean_alignment_fitness = round(sum(a["fitness"] for a in alignments) / len(alignments), 4)
    report.deviations = _deviations(cases, traces, alignments)
    report.variants = _variants(cases, traces, fits)
    report.durations = _durations(traces)
    return report


def _version(query: LogQuery) -> ProcessVersion:
    statement = select(ProcessVersion).where(ProcessVersion.process_id == query.process_id)
    statement = (statement.where(ProcessVersion.version == query.version) if query.version is not None
                 else statement.order_by(ProcessVersion.version.desc()).limit(1))
    version = db.session.scalar(statement)
    if version is None:
        raise NotFound(_("Process %(process)s is not deployed.", process=query.process_id or "—"))
    return version


def _traces(version: ProcessVersion, query: LogQuery) -> tuple[dict[int, list[tuple[str, datetime]]], bool]:
    instances = select(WorkflowInstance.id).where(WorkflowInstance.process_version_id == version.id,
                                                  WorkflowInstance.status == "completed")
    if query.date_from:
        instances = instances.where(WorkflowInstance.completed_at >= _local_midnight(query.date_from))
    if query.date_to:
        instances = instances.where(WorkflowInstance.completed_at < _local_midnight(query.date_to + timedelta(1)))
    ids = list(db.session.scalars(instances.order_by(WorkflowInstance.completed_at.desc()).limit(MAX_CASES + 1)))
    truncated = len(ids) > MAX_CASES
    traces: dict[int, list[tuple[str, datetime]]] = {}
    for instance_id, activity, moment in db.session.execute(
            select(ProcessStep.instance_id, ProcessStep.activity, ProcessStep.completed_at)
            .where(ProcessStep.instance_id.in_(ids[:MAX_CASES]))
            .order_by(ProcessStep.instance_id, ProcessStep.position)):
        traces.setdefault(instance_id, []).append((activity, moment))
    return traces, truncated


def _petri_net(pm4py, version: ProcessVersion):
    """The version's process (alone: its file may hold others of the same collaboration) as a Petri net."""
    source = version.sources[version.source_file]
    root = etree.fromstring(source.encode("utf-8") if isinstance(source, str) else source,
                            etree.XMLParser(resolve_entities=False, no_network=True))
    process = root.find(f"{{{BPMN_NS}}}process[@id='{version.process_id}']")
    definitions = etree.Element(root.tag, nsmap=root.nsmap, attrib=dict(root.attrib))
    definitions.append(process)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "process.bpmn"
        path.write_bytes(etree.tostring(definitions, xml_declaration=True, encoding="UTF-8"))
        return pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))


def _deviations(cases, traces, alignments) -> list[Deviation]:
    found: Counter[tuple[str, str]] = Counter()
    for case, alignment in zip(cases, alignments, strict=True):
        kinds = set()
        for log_move, model_move in alignment["alignment"]:
            if log_move == ">>" and model_move not in (None, ">>"):
                kinds.add(("skipped", model_move))
            elif model_move == ">>" and log_move != ">>":
                kinds.add(("unexpected", log_move))
        counts = Counter(activity for activity, _moment in traces[case])
        kinds |= {("rework", activity) for activity, n in counts.items() if n > 1}
        found.update(kinds)
    return [Deviation(kind, activity, n) for (kind, activity), n in
            sorted(found.items(), key=lambda item: (-item[1], item[0]))]


def _variants(cases, traces, fits) -> list[Variant]:
    counted: Counter[tuple[str, ...]] = Counter()
    fitting: dict[tuple[str, ...], bool] = {}
    for case in cases:
        key = tuple(activity for activity, _moment in traces[case])
        counted[key] += 1
        fitting[key] = fits[case]
    return [Variant(list(key), n, fitting[key]) for key, n in counted.most_common(20)]


def _durations(traces) -> list[StepDuration]:
    """Time between each pair of consecutive steps, the slowest (by mean) first."""
    gaps: dict[tuple[str, str], list[float]] = {}
    for steps in traces.values():
        for (source, start), (target, end) in zip(steps, steps[1:], strict=False):
            gaps.setdefault((source, target), []).append((end - start).total_seconds() / 3600)
    durations = [StepDuration(source, target, len(hours), round(sum(hours) / len(hours), 2), round(median(hours), 2))
                 for (source, target), hours in gaps.items()]
    return sorted(durations, key=lambda d: -d.mean_hours)[:30]


def _mining_libraries():
    try:
        os.environ.setdefault("TQDM_DISABLE", "1")  # pm4py's progress bars would go to the server's log
        import pandas
        import pm4py
    except ImportError:
        raise Unavailable(_("Process mining is not installed on this server (pip install -e '.[mining]').")) \
            from None
    return pm4py, pandas


def _is_customer_lane(lane: str | None) -> bool:
    return current_app.config["LANE_ROLES"].get(lane or "") == "customer"


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, clock.OFFICE_TZ)
