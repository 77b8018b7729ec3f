"""The decision ``resultado_insistencia`` (processes/insistencia.dmn) for an analysis, with the words to
tell the customer. The table decides; this module only asks it and words the answer."""
from __future__ import annotations

from dataclasses import dataclass

from app.errors import WorkflowFailed
from app.i18n import _
from app.models import Ticket
from app.services.followups import guidance
from app.services.followups.analysis import Analysis
from app.workflow import decisions

DECISION = "resultado_insistencia"
ACTIONS = ("tell_deadline", "tell_answer", "create_late_response_ticket", "customer_files_late_response",
           "create_disagreement_ticket", "customer_files_disagreement", "escalate_supervisor")


@dataclass
class Result:
    analysis: Analysis
    inputs: dict
    action: str
    words: str
    followup: Ticket | None = None  # the follow-up opened by acting on it

    @property
    def escalates(self) -> bool:
        return self.action == "escalate_supervisor"


def decide(analysis: Analysis, customer_disagrees: bool, *, portal: bool = False) -> Result:
    inputs = analysis.inputs(customer_disagrees)
    action = decisions.decide_deployed(DECISION, inputs).get("action")
    if action not in ACTIONS:
        raise WorkflowFailed(_("The table %(id)s gives no result for this case: an analyst must complete it.",
                               id=DECISION))
    return Result(analysis=analysis, inputs=inputs, action=action,
                  words=guidance.words(action, analysis, portal=portal))


def worded_after_filing(result: Result, followup: Ticket, due, *, portal: bool = False) -> Result:
    """The words once the follow-up exists (its number and its maximum response date)."""
    result.followup = followup
    result.words = guidance.words(result.action, result.analysis, followup_number=followup.number,
                                  followup_due=due, portal=portal)
    return result
