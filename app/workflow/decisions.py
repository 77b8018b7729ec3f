"""Decision tables asked directly by a service (no diagram runs them), read from the deployed sources.

A DMN file is deployed with the diagrams (``flask processes deploy`` or an analyst's upload) and kept in
``ProcessVersion.sources``: the newest deployed copy of the decision wins, so an analyst changes the rule by
deploying the table again. Cells are evaluated by the same sandboxed engine as the diagrams'.
"""
from __future__ import annotations

import threading
from types import SimpleNamespace

from lxml import etree
from sqlalchemy import func, select

from app.errors import WorkflowFailed
from app.extensions import db
from app.i18n import _
from app.models import ProcessVersion
from app.workflow.engine import SCRIPT_ENGINE, new_parser

# (newest process version id, decision id) -> its engine: a new deploy is seen at the next question.
_CACHE: dict[tuple[int, str], object] = {}
_LOCK = threading.Lock()
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def decide(decision_id: str, data: dict) -> dict:
    """The outputs of the first matching rule of ``decision_id`` for ``data`` ({} when no rule matches)."""
    key = (db.session.scalar(select(func.max(ProcessVersion.id))) or 0, decision_id)
    with _LOCK:
        engine = _CACHE.get(key)
    if engine is None:
        parser = new_parser(validate=True)
        parser.add_dmn_xml(etree.fromstring(_newest_source(decision_id).encode("utf-8"), _SAFE_PARSER))
        engine = parser.get_engine(decision_id, None)
        with _LOCK:
            _CACHE[key] = engine
    task = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))
    return dict(engine.result(task))


def _newest_source(decision_id: str) -> str:
    marker = f'id="{decision_id}"'
    for version in db.session.scalars(select(ProcessVersion).order_by(ProcessVersion.id.desc())):
        for name, xml in (version.sources or {}).items():
            if name.endswith(".dmn") and marker in xml:
                return xml
    raise WorkflowFailed(_("The decision table %(id)s is not deployed.", id=decision_id))
