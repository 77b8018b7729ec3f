#!/usr/bin/env python3
"""Complaint lifecycles per second: Atiende (services, persistence) against bare SpiffWorkflow in memory.

    python bench/lifecycle.py [--n 50] [--database URL] [--profile FILE]

"ours": N complaints from ``ticket_service.open_complaint`` to closed, every user task completed with
``task_service.complete_task`` (form validation, permissions, workflow state, task index, timeline,
outbox rows, one commit per call) on a fresh SQLite file in a temporary folder, or on ``--database``.
"bare": the same diagram parsed by SpiffWorkflow's ``SpiffBpmnParser`` and run in memory with a plain
``PythonScriptEngine`` whose ``call_service`` returns canned JSON; the ``ronda_diagnostico`` message
starts a ``queja_atencion`` workflow as the runtime does. Nothing is stored.

Only the lifecycles are timed (not the app start, migrations, demo data or deploy), after ``--warmup``
untimed ones on each side (first imports, Babel's locale data, the sandbox's evaluator process). Remote path:
Validar reporte -> Diagnóstico (remota) -> Intervención remota -> Pruebas de funcionalidad ->
Confirmar resolución (a supervisor on the customer's behalf) -> Encuesta de satisfacción -> closed.
Exit status 1 when a target is missed (docs/performance.md).
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import logging
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.5  # ours / bare lifecycles per second, at least
TARGET_STATE_BYTES = 10 * 1024  # stored workflow state per closed ticket, at most

CATEGORY = "lentitud"  # with no reported priority: team soporte_n1, remote support (processes/*.dmn)

# Valid data for every user task on the remote path (forms/*.schema.json).
FORM_DATA = {
    "validar_reporte": {"valid": True, "category": CATEGORY, "priority_override": "sin_cambio"},
    "diagnostico": {"diagnosis": "Saturación del canal Wi-Fi del módem; perfil de velocidad correcto.",
                    "outcome": "remota"},
    "intervencion_remota": {"actions_remote": "Cambio remoto de canal Wi-Fi y reinicio del módem."},
    "pruebas_funcionalidad": {"tests_passed": True, "test_notes": "Navegación estable; prueba de velocidad OK.",
                              "measured_download_mbps": 48.7, "measured_upload_mbps": 9.6},
    "confirmar_resolucion": {"solved": True, "confirmation_comment": "Ya funciona, gracias."},
    "encuesta_satisfaccion": {"score": 5, "comments": "Atención rápida."},
}
REMOTE_PATH = list(FORM_DATA)
DESCRIPTION = "El internet está muy lento desde el lunes, sobre todo en la noche."


# --------------------------------------------------------------------------------------------- ours
def run_ours(n: int, database: str | None, profile: str | None, warmup: int) -> dict:
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Ticket, User, WorkflowInstance
    from app.services import demo_service
    from app.services.cases import task_service, ticket_service
    from app.services.processes import process_service
    tmp = tempfile.TemporaryDirectory(prefix="atiende-bench-")
    url = database or f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        "ATIENDE_ENV": "development",  # no links are mailed to anyone
        "HUEY_SQLITE_PATH": str(Path(tmp.name) / "huey.sqlite"),
        "OUTBOX_KICK": False,  # no worker here: outbox rows are written, nothing is enqueued or sent
    })
    logging.disable(logging.INFO)  # the migrations' and the handlers' INFO lines
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        demo_service.load_demo()
        process_service.deploy_directory(app.config["PROCESSES_DIR"])
        users = {u.username: u for u in db.session.scalars(select(User))}
        agent, supervisor = users["agente"], users["supervisor"]

        def worker_of(task):
            if task.task_name == "validar_reporte":
                return agent
            if task.lane == "Cliente":
                return supervisor  # completes it on the customer's behalf (a phone call)
            return task.assignee or supervisor

        def state_size(ticket_id: int) -> int:
            sizes = db.session.execute(
                select(func.length(WorkflowInstance.state))
                .where(WorkflowInstance.ticket_id == ticket_id, WorkflowInstance.status == "running")).scalars()
            return max((s or 0 for s in sizes), default=0)

        elapsed, cpu, peak_state, closed_ids = 0.0, 0.0, 0, []
        profiler = cProfile.Profile() if profile else None
        for i in range(-warmup, n):
            if i == 0:  # the warm-up lifecycles are not counted (first imports, locale data, caches)
                elapsed, cpu, closed_ids = 0.0, 0.0, []
                profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            ticket = ticket_service.open_complaint(
                channel="phone", description=DESCRIPTION, actor=agent,
                customer_number=demo_service.CUSTOMERS[i % len(demo_service.CUSTOMERS)][0])
            ticket_id = ticket.id
            elapsed, cpu = elapsed + time.perf_counter() - t0, cpu + time.process_time() - c0
            if profiler:
                profiler.disable()
            for expected in REMOTE_PATH:
                peak_state = max(peak_state, state_size(ticket_id))  # outside the timed part
                if profiler:
                    profiler.enable()
                t0, c0 = time.perf_counter(), time.process_time()
                tasks = ticket_service.open_tasks(db.session.get(Ticket, ticket_id))
                if [t.task_name for t in tasks] != [expected]:
                    raise SystemExit(f"ticket {ticket.number}: expected task {expected}, found "
                                     f"{[t.task_name for t in tasks]} (status {ticket.status})")
                task_service.complete_task(tasks[0].id, dict(FORM_DATA[expected]), worker_of(tasks[0]))
                elapsed, cpu = elapsed + time.perf_counter() - t0, cpu + time.process_time() - c0
                if profiler:
                    profiler.disable()
            closed = db.session.get(Ticket, ticket_id)
            if closed.status != "closed":
                raise SystemExit(f"ticket {closed.number} ended in status {closed.status}, not closed")
            closed_ids.append(ticket_id)

        rows = db.session.execute(
            select(WorkflowInstance.ticket_id, WorkflowInstance.state, WorkflowInstance.trace, WorkflowInstance.status)
            .where(WorkflowInstance.ticket_id.in_(closed_ids))).all()
        if any(r.status != "completed" for r in rows):
            raise SystemExit("a closed ticket still has a workflow instance that is not completed")
        stored = sum(len(r.state or "") + len(json.dumps(r.trace)) for r in rows)
        db.session.remove()
        db.engine.dispose()
    if profiler:
        profiler.dump_stats(profile)
    tmp.cleanup()
    return {"seconds": elapsed, "cpu": cpu, "per_second": n / elapsed, "stored_per_ticket": stored / n,
            "instances_per_ticket": len(rows) / n, "peak_state": peak_state, "database": url}


# --------------------------------------------------------------------------------------------- bare
def _canned(operation_name: str, params: dict) -> dict:
    """What our handlers would answer, without doing any of it."""
    value = {k: v["value"] for k, v in params.items()}
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=24)).isoformat()
    warning = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=18)).isoformat()
    return {
        "ticket.find_duplicates": lambda: {"open_tickets": []},
        "ticket.set_status": lambda: {"status": value.get("status")},
        "ticket.category_defaults": lambda: {"priority": "media", "team": "soporte_n1"},
        "ticket.classify": lambda: {"priority": value.get("priority"), "response_due_at": warning,
                                    "sla_due_at": due, "sla_warning_at": warning, "estimated_resolution_at": due},
        "sla.warn": lambda: {"already_warned": False},
        "ticket.assign": lambda: {"team": value.get("team"), "assignee": "tecnico1"},
        "ticket.escalate": lambda: {"already_escalated": False},
        "ticket.close": lambda: {"report": {"nature": value.get("nature"), "actions": value.get("actions"),
                                            "solution": value.get("solution")}},
        "crm.record_interaction": lambda: {"crm_reference": "INT-1"},
    }[operation_name]()


def run_bare(n: int, warmup: int) -> dict:
    from SpiffWorkflow import TaskState
    from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
    from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
    from SpiffWorkflow.spiff.parser import SpiffBpmnParser

    class CannedServices(TaskDataEnvironment):
        def call_service(self, context, operation_name, operation_params, **kwargs):
            return json.dumps(_canned(operation_name, operation_params))

    engine = PythonScriptEngine(environment=CannedServices())
    parser = SpiffBpmnParser()
    processes = ROOT / "processes"
    parser.add_bpmn_files([str(p) for p in sorted(processes.glob("*.bpmn"))])
    parser.add_dmn_files([str(p) for p in sorted(processes.glob("*.dmn"))])
    specs = {pid: (parser.get_spec(pid), parser.get_subprocess_specs(pid))
             for pid in ("queja_reparacion", "queja_atencion")}

    def snapshot(number: int, **changes) -> dict:
        ticket = {"number": f"Q-BENCH-{number:06d}", "kind": "complaint", "channel": "phone", "status": "received",
                  "priority": None, "reported_priority": None, "category": None, "description": DESCRIPTION,
                  "customer_number": "C-1001", "customer_name": "María López", "team": None, "assignee": None,
                  "response_due_at": None, "sla_due_at": None, "sla_warning_at": None,
                  "estimated_resolution_at": None, "round": 0}
        ticket.update(changes)
        return ticket

    def run(workflow, remaining: list[str]):
        workflow.do_engine_steps()
        while remaining and (ready := workflow.get_tasks(state=TaskState.READY, manual=True)):
            task = ready[0]
            if task.task_spec.bpmn_id != remaining[0]:
                raise SystemExit(f"bare: expected {remaining[0]}, found {task.task_spec.bpmn_id}")
            task.data.update(FORM_DATA[remaining.pop(0)])
            task.run()
            workflow.do_engine_steps()

    # The application patches SpiffWorkflow's timer clock; bare SpiffWorkflow runs with its own.
    patched, spiff_timer.datetime = spiff_timer.datetime, dt.datetime
    try:
        for i in range(-warmup, n):
            if i == 0:
                t0, c0 = time.perf_counter(), time.process_time()
            remaining = list(REMOTE_PATH)
            first = BpmnWorkflow(*specs["queja_reparacion"], script_engine=engine)
            first.task_tree.data["ticket"] = snapshot(i)
            run(first, remaining)
            events = first.get_events()
            if not first.is_completed() or len(events) != 1:
                raise SystemExit("bare: queja_reparacion did not end by throwing ronda_diagnostico")
            data = first.last_task.data
            second = BpmnWorkflow(*specs["queja_atencion"], script_engine=engine)
            second.task_tree.data["ticket"] = snapshot(
                i, status="assigned", priority=data["priority"], category=data["category"],
                team=data["assignment"]["team"], assignee=data["assignment"]["assignee"],
                sla_due_at=data["classification"]["sla_due_at"],
                sla_warning_at=data["classification"]["sla_warning_at"], round=1)
            second.do_engine_steps()  # reaches its message start event
            waiting = [t for t in second.get_tasks(state=TaskState.WAITING)
                       if getattr(getattr(t.task_spec, "event_definition", None), "name", None) == "ronda_diagnostico"]
            definition = type(waiting[0].task_spec.event_definition)("ronda_diagnostico")
            second.send_event(BpmnEvent(definition, events[0].payload or {}))
            run(second, remaining)
            if remaining or not second.is_completed():
                raise SystemExit(f"bare: lifecycle {i} did not close (left: {remaining})")
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        spiff_timer.datetime = patched
    return {"seconds": elapsed, "cpu": cpu, "per_second": n / elapsed}


# --------------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="complaints per side (default 50)")
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database (default: SQLite in a temp dir)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile our lifecycles into FILE and print the top")
    parser.add_argument("--warmup", type=int, default=1,
                        help="lifecycles run first on each side and not counted (default 1)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")

    ours = run_ours(args.n, args.database, args.profile, args.warmup)
    bare = run_bare(args.n, args.warmup)
    ratio = ours["per_second"] / bare["per_second"]
    on_sqlite = ours["database"].startswith("sqlite")

    print(f"Ciclos de vida de queja (ruta remota, {len(REMOTE_PATH)} tareas de usuario), n={args.n}")
    backend = ours["database"].split(":")[0].split("+")[0]
    print(f"  Atiende (servicios, {backend}):{' ' * (10 - len(backend))}{ours['per_second']:8.1f} ciclos/s "
          f"({ours['seconds'] / args.n * 1000:.1f} ms por ciclo, {ours['cpu'] / args.n * 1000:.1f} ms de CPU)")
    print(f"  SpiffWorkflow en memoria:        {bare['per_second']:8.1f} ciclos/s "
          f"({bare['seconds'] / args.n * 1000:.1f} ms por ciclo, {bare['cpu'] / args.n * 1000:.1f} ms de CPU)")
    print(f"  Razón Atiende/SpiffWorkflow: {ratio:.3f} (en tiempo de CPU: {bare['cpu'] / ours['cpu']:.3f})")
    print(f"  Estado de workflow guardado por ticket cerrado: {ours['stored_per_ticket']:.0f} bytes "
          f"({ours['instances_per_ticket']:.0f} instancias)")
    print(f"  Estado máximo de una instancia en curso: {ours['peak_state']} bytes")
    ok_ratio = ratio >= TARGET_RATIO
    ok_state = ours["stored_per_ticket"] <= TARGET_STATE_BYTES
    scope = "" if on_sqlite else " (las metas son para SQLite: solo informativo)"
    print(f"{'PASS' if ok_ratio else 'FAIL'}: razón {ratio:.3f} (meta >= {TARGET_RATIO}){scope}")
    print(f"{'PASS' if ok_state else 'FAIL'}: {ours['stored_per_ticket']:.0f} bytes por ticket cerrado "
          f"(meta <= {TARGET_STATE_BYTES}){scope}")
    if args.profile:
        print(f"\nPerfil de Atiende ({args.profile}), 25 funciones con más tiempo acumulado:")
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
    return 0 if (ok_ratio and ok_state) or not on_sqlite else 1


if __name__ == "__main__":
    sys.exit(main())
