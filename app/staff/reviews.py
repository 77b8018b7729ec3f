"""The periodic review of closed tickets (supervisors) and the internal report of a closed ticket."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import DomainError, ValidationFailed
from app.i18n import _, ngettext
from app.services.cases import categories, kinds
from app.services.control import internal_report, periodic_review
from app.staff import bp
from app.staff.auth import staff_user
from app.staff.pdf import pdf_response


@bp.get("/reviews")
def reviews():
    user = staff_user()
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() else 1
    runs, has_next = periodic_review.history(user, page)
    return render_template("staff/reviews.html", runs=runs, page=page, has_next=has_next,
                           actions=periodic_review.open_actions(user))


@bp.post("/reviews")
def run_review():
    user = staff_user()
    try:
        start, end = periodic_review.parse_period(request.form.get("start", ""), request.form.get("end", ""))
        run = periodic_review.run_review(start, end, user)
    except DomainError as err:
        flash(" ".join(m for msgs in err.errors.values() for m in msgs) or err.message, "error")
        return redirect(url_for("staff.reviews"))
    flash(ngettext("Review done: %(num)d recurring problem proposed.",
                   "Review done: %(num)d recurring problems proposed.", len(run.problems)), "success")
    return redirect(url_for("staff.review", run_id=run.id))


@bp.get("/reviews/<int:run_id>")
def review(run_id: int):
    return _review_page(run_id, errors={}, form={})


@bp.post("/reviews/<int:run_id>/problems/<int:problem_id>")
def decide_problem(run_id: int, problem_id: int):
    user = staff_user()
    form = request.form
    try:
        periodic_review.decide(problem_id, form.get("decision", ""), form.get("improvement_action", ""),
                               form.get("owner", ""), form.get("due_on", ""), user, run_id=run_id)
    except ValidationFailed as err:
        return _review_page(run_id, errors={problem_id: err.errors}, form={problem_id: form}), 422
    flash(_("Decision saved."), "success")
    return redirect(url_for("staff.review", run_id=run_id, _anchor=f"problem-{problem_id}"))


def _review_page(run_id: int, errors: dict, form: dict) -> str:
    return render_template("staff/review.html", run=periodic_review.get_run(run_id, staff_user()),
                           owners=periodic_review.owners(), errors=errors, form=form,
                           kind_labels=kinds.kind_labels(), category_label=categories.leaf_label)


@bp.get("/tickets/<number>/report")
def ticket_report(number: str):
    return render_template("staff/internal_report.html",
                           report=internal_report.internal_report(number, staff_user()))


@bp.get("/tickets/<number>/report.pdf")
def ticket_report_pdf(number: str):
    report = internal_report.internal_report(number, staff_user())
    html = render_template("staff/internal_report_print.html", report=report)
    return pdf_response(html, f"informe-{report.ticket.number}.pdf")
