"""The follow-up screen (insistencia): find the earlier ticket, see the analysis and the table's result,
say only whether the customer disagrees, act; and report a typified subject directly."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.errors import ValidationFailed
from app.services.cases import ticket_view_service
from app.services.followups import earlier_tickets, filing, subjects
from app.staff import bp
from app.staff.auth import staff_user


@bp.get("/followups")
def followups():
    text = request.args.get("q", "")
    return render_template("staff/followups.html", q=text, searched="q" in request.args,
                           found=earlier_tickets.find(text, staff_user()))


@bp.get("/followups/<number>")
def followup(number: str):
    disagrees = request.args.get("disagrees") == "yes"
    return render_template("staff/followup.html", result=filing.evaluate(number, disagrees, staff_user()),
                           disagrees=disagrees, form={"channel": "phone"}, errors={})


@bp.post("/followups/<number>")
def act_on_followup(number: str):
    disagrees = request.form.get("disagrees") == "yes"
    form = {"channel": request.form.get("channel", ""), "comment": request.form.get("comment", "")}
    try:
        result = filing.act(number, disagrees, staff_user(), channel=form["channel"], comment=form["comment"])
    except ValidationFailed as err:
        return render_template("staff/followup.html", result=filing.evaluate(number, disagrees, staff_user()),
                               disagrees=disagrees, form=form, errors=err.errors, message=err.message), 422
    return render_template("staff/followup_done.html", result=result)


@bp.get("/followups/report")
def followup_report():
    chosen = request.args.get("subject", "")
    return render_template("staff/followup_report.html", subjects=subjects.all_subjects(), chosen=chosen,
                           form={"channel": "phone", "customer_number": request.args.get("customer_number", ""),
                                 "earlier_number": request.args.get("earlier_number", "")}, errors={})


@bp.post("/followups/report")
def report_followup():
    form = request.form.to_dict()
    data = filing.Report(subject=form.get("subject", ""), channel=form.get("channel", ""),
                         customer_number=form.get("customer_number", "").strip(),
                         earlier_number=form.get("earlier_number", "").strip(),
                         details={k[len("d_"):]: v for k, v in form.items() if k.startswith("d_")})
    try:
        ticket = filing.report(data, staff_user())
    except ValidationFailed as err:
        return render_template("staff/followup_report.html", subjects=subjects.all_subjects(), chosen=data.subject,
                               form=form, errors=err.errors, message=err.message), 422
    return redirect(url_for("staff.followup_reported", number=ticket.number))


@bp.get("/followups/report/<number>")
def followup_reported(number: str):
    return render_template("staff/followup_reported.html",
                           ticket=ticket_view_service.visible_ticket(number, staff_user()))
