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
from handlers.rows import reading


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
    database = db.engine.url.render_as_string()
    with reading(ProcessVersion):  # a ticket's pending changes (a deadline estimate's) need no flush here
        for version_id in db.session.scalars(select(ProcessVersion.id).order_by(ProcessVersion.id.desc())):
            xml = _source_in(database, version_id, decision_id)
            if xml is not None:
                return xml
    raise WorkflowFailed(_("The decision table %(id)s is not deployed.", id=decision_id))


@lru_cache(maxsize=256)
def _source_in(database: str, version_id: int, decision_id: str) -> str | None:
    """The DMN file of a deployed version that defines ``decision_id``, read once per process: a version's
    sources never change (reading and scanning them was most of a deadline estimate's cost)."""
    marker = f'id="{decision_id}"'
    sources = db.session.scalar(select(ProcessVersion.sources).where(ProcessVersion.id == version_id)) or {}
    return next((xml for name, xml in sources.items() if name.endswith(".dmn") and marker in xml), None)
