"""Decision tables evaluated on their own, outside any instance, with the same restricted script engine the
diagrams use: a file's table (which kind of case an e-mail opens), or a decision read from the newest
deployed copy of its DMN file (``ProcessVersion.sources``: an analyst changes the rule by deploying the table
again), e.g. ``resultado_insistencia``."""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import select

from app.errors import WorkflowFailed
from app.extensions import db
from app.i18n import _
from app.models import ProcessVersion
from app.workflow.engine import SCRIPT_ENGINE, new_parser


def decide(dmn_xml: bytes, data: dict) -> dict:
    """The outputs of the first matching rule of the file's decision for ``data`` ({} when none matches)."""
    engine = _engine(dmn_xml)
    task = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))
    return dict(engine.result(task))


def decide_deployed(decision_id: str, data: dict) -> dict:
    """``decide`` on the newest deployed DMN file that defines ``decision_id``."""
    return decide(_newest_source(decision_id).encode("utf-8"), data)


@lru_cache(maxsize=8)
def _engine(dmn_xml: bytes):
    parser = new_parser()
    parser.add_dmn_str(dmn_xml)
    [decision_id] = list(parser.dmn_parsers)  # one decision per file
    return parser.get_engine(decision_id, None)


def _newest_source(decision_id: str) -> str:
    marker = f'id="{decision_id}"'
    for version in db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.id.desc())):
        for name, xml in (version.sources or {}).items():
            if name.endswith(".dmn") and marker in xml:
                return xml
    raise WorkflowFailed(_("The decision table %(id)s is not deployed.", id=decision_id))
