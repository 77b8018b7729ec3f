"""The words the agent (or the área de cliente) tells the customer for each result of the decision.

Results 6 to 8 (``escalate_supervisor``) never tell the customer to open another request: the case goes
to a supervisor, who answers with the whole history."""
from __future__ import annotations

from app.i18n import _, format_datetime
from app.services.followups.analysis import Analysis

# Results a customer may act on in the área de cliente (file his follow-up, or ask for the supervisor).
FILED = ("create_late_response_ticket", "customer_files_late_response", "create_disagreement_ticket",
         "customer_files_disagreement")


def words(action: str, analysis: Analysis, *, followup_number: str | None = None,
          followup_due=None, portal: bool = False) -> str:
    """Spanish text for ``action`` with this case's dates, answer and numbers filled in."""
    initial, latest = analysis.initial, analysis.latest_followup
    number = initial.ticket.number
    if action == "tell_deadline":
        pending = latest if latest and latest.state == "open" else initial
        if pending.response_due_at is None:
            return _("Your request %(number)s is being handled; it has no maximum response date yet: we will "
                     "set it once it is classified.", number=pending.ticket.number)
        return _("Your request %(number)s is being handled and is within its time limit: the responsible area "
                 "will answer at the latest on %(due)s.", number=pending.ticket.number,
                 due=_date(pending.response_due_at))
    if action == "tell_answer":
        answered = latest if latest and latest.answer else initial
        answer = answered.answer
        return _("Your request %(number)s was already answered on %(when)s: «%(text)s»", number=answered.ticket.number,
                 when=_date(answer.answered_at), text=answer.text)
    what = _("that the answer is late") if "late_response" in action else _("that you disagree with the answer")
    if portal and not followup_number and action in FILED:
        return _("You can register here your follow-up on request %(number)s, %(what)s: the responsible area will "
                 "answer it with priority.", number=number, what=what)
    if action in ("create_late_response_ticket", "create_disagreement_ticket"):
        if not followup_number:
            return _("We will register your follow-up on request %(number)s so that the responsible area gives "
                     "you priority.", number=number)
        return _("We registered your follow-up %(followup)s on request %(number)s; the responsible area will "
                 "answer at the latest on %(due)s.", followup=followup_number, number=number,
                 due=_date(followup_due))
    if action in ("customer_files_late_response", "customer_files_disagreement"):
        if portal and followup_number:
            return _("We registered your follow-up %(followup)s on request %(number)s; the responsible area will "
                     "answer at the latest on %(due)s.", followup=followup_number, number=number,
                     due=_date(followup_due))
        return _("You can report %(what)s yourself in the customer area: open request %(number)s and choose "
                 "«Insist on this request». It takes one minute and you get your follow-up number at once.",
                 what=what, number=number)
    if action == "escalate_supervisor":
        if followup_number:
            return _("A supervisor will personally review your case %(number)s with its whole history "
                     "(reference %(followup)s) and will contact you at the latest on %(due)s. You do not need "
                     "to do anything else.", number=number, followup=followup_number, due=_date(followup_due))
        if portal:
            return _("A supervisor can personally review your case %(number)s with its whole history: ask for it "
                     "with the button below.", number=number)
        return _("A supervisor will personally review your case %(number)s with its whole history and will "
                 "contact you. You do not need to do anything else.", number=number)
    raise ValueError(f"unknown follow-up action {action!r}")


def _date(value) -> str:
    return format_datetime(value, "d 'de' MMMM 'de' y, HH:mm") if value else "—"
