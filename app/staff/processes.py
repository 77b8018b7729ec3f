"""The process analyst's pages: the processes with their versions and live diagram, a test ticket, a roll
back, and the modeler (diagrams, decision tables and forms) whose save is a check, then a publish."""
from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for

from app.i18n import _
from app.services.processes import workbench
from app.staff import bp, schema_form
from app.staff.auth import staff_user


@bp.get("/processes")
def processes():
    return render_template("staff/processes/index.html", processes=workbench.overview(staff_user()))


@bp.get("/processes/<process_id>")
def process(process_id: str):
    found = workbench.process(process_id, staff_user())
    shown = request.args.get("version", type=int) or found.latest.version.version
    return render_template("staff/processes/process.html", process=found, shown=shown)


@bp.get("/processes/<process_id>/versions/<int:version>.bpmn")
def process_version_xml(process_id: str, version: int):
    return Response(workbench.version_source(process_id, version, staff_user()), mimetype="application/xml")


@bp.get("/processes/<process_id>/versions/<int:version>/waiting.json")
def process_waiting(process_id: str, version: int):
    return jsonify(workbench.waiting_at(process_id, version, staff_user()))


@bp.post("/processes/<process_id>/test-ticket")
def process_test_ticket(process_id: str):
    ticket = workbench.start_test_ticket(process_id, request.form.get("version", type=int) or 0,
                                         request.form.get("customer_number", "").strip(), staff_user())
    flash(_("Test ticket %(number)s started.", number=ticket.number), "success")
    return redirect(url_for("staff.ticket", number=ticket.number))


@bp.post("/processes/<process_id>/rollback")
def process_rollback(process_id: str):
    results = workbench.rollback(process_id, request.form.get("version", type=int) or 0,
                                 request.form.get("reason", ""), staff_user())
    flash(_("Published again as: %(versions)s.", versions=", ".join(
        f"{r.process_id} v{r.version}" for r in results)), "success")
    return redirect(url_for("staff.process", process_id=process_id))


@bp.get("/processes/modeler")
def modeler():
    """The editor of every diagram, decision table and form; ``?file=`` opens one of them first."""
    workbench.require_analyst(staff_user())
    return render_template("staff/processes/modeler.html", first=request.args.get("file", ""), texts=_modeler_texts())


@bp.get("/processes/modeler/workspace.json")
def modeler_workspace():
    user = staff_user()
    return jsonify({"files": workbench.workspace(user), "catalog": workbench.catalog(user)})


@bp.post("/processes/modeler/check")
def modeler_check():
    return jsonify(workbench.check(_posted_files(), staff_user()))


@bp.post("/processes/modeler/publish")
def modeler_publish():
    payload = request.get_json(silent=True) or {}
    return jsonify(workbench.publish(_posted_files(), str(payload.get("reason") or ""), staff_user()))


@bp.post("/processes/modeler/form-preview")
def modeler_form_preview():
    """The form as a ticket's task page would draw it (our renderer), or why it cannot be drawn."""
    payload = request.get_json(silent=True) or {}
    schema = workbench.form_preview(str(payload.get("schema") or ""), staff_user())
    return render_template("staff/processes/_form_preview.html", fields=schema_form.fields(schema))


def _posted_files() -> dict[str, str]:
    files = (request.get_json(silent=True) or {}).get("files")
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _modeler_texts() -> dict[str, str]:
    """What the modeler's script writes on the page, in Spanish."""
    return {
        "id": _("Id"), "name": _("Name"), "condition": _("Condition (Python expression)"),
        "form": _("Form"), "noForm": _("No form"), "candidateTeam": _("Candidate team (expression)"),
        "assignee": _("Assigned to (expression, user name)"), "dueAt": _("Due (expression, ISO date)"),
        "instructions": _("Instructions for whoever works the task"), "lane": _("Lane"),
        "role": _("Role that works it: %(role)s"), "noRole": _("This lane has no role: nobody could work its tasks."),
        "noLane": _("Not in a lane."), "operator": _("Operation"), "chooseOperator": _("Choose an operation"),
        "resultVariable": _("Result variable"), "parameters": _("Parameters (Python expressions)"),
        "required": _("required"), "decision": _("Decision table"), "script": _("Script (Python)"),
        "messagePayload": _("Message payload (expression)"), "messageVariable": _("Variable for the message"),
        "edited": _("Edited, not published: %(files)s"), "checking": _("Checking…"),
        "noProblems": _("No problems found."), "problems": _("Problems"), "changes": _("What changes"),
        "simulation": _("Simulation"), "noChanges": _("Nothing changes compared with what is live."),
        "published": _("Published: %(versions)s"), "nothingPublished": _("Nothing was published: no process changed."),
        "failed": _("The request failed: %(error)s"), "newFormName": _("Name of the new form (letters, digits, _):"),
        "badFormName": _("Use only lowercase letters, digits and _."), "element": _("element"), "line": _("line"),
        "reasonRequired": _("Write why you publish this change."), "loadError": _("The file could not be opened."),
        "selectElement": _("Select an element of the diagram."), "previewError": _("The form cannot be drawn:"),
        "teamLiteral": _("team %(name)s"), "unknownParameter": _("not a parameter of this operation"),
        "remove": _("Remove"), "newFormTitle": _("New form"),
    }
